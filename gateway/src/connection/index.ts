/**
 * Network configuration readers and the failover connection; grouped as the `connection` namespace.
 */
export { connect } from './connection';
export { loadNetworkDescription, loadConnectionProfile } from './network-config';
