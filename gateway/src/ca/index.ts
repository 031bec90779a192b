/**
 * Fabric CA enrollment of keys held anywhere (file, KMS, HSM), and the identity store; grouped as
 * the `ca` namespace.
 */
export { newCaClient } from './ca-client';
export { fabricCaHex, serialAndAki } from './certificate';
export { createCsr } from './csr';
export { newFileIdentityStore } from './identity-store';
export {
  openStoredIdentity,
  type OpenStoredIdentityOptions,
  type OpenedIdentity,
} from './open-stored';
