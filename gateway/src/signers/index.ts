/**
 * Factories for {@link Signer}s, grouped as the `signers` namespace.
 */
export { newPemSigner, newFileSigner, generateFileKey } from './file-signer';
export { newKmsSigner, createKmsKey } from './kms-signer';
export { newHsmSigner, generateHsmKey } from './hsm-signer';
export { openSigner } from './open-signer';
