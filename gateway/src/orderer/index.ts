/**
 * The ordering service: broadcast of signed envelopes and the orderers a description lists;
 * grouped as the `orderer` namespace.
 */
export { broadcast, statusName } from './broadcast';
export { loadOrderers } from './orderers';
