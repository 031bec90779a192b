/**
 * Fabric CA enrollment of keys held anywhere (file, KMS, HSM), and the identity store; grouped as
 * the `ca` namespace.
 */
export { newCaClient, serialAndAki } from './ca-client';
export { createCsr } from './csr';
export { newFileIdentityStore } from './identity-store';
