import { createHash, type KeyObject } from 'node:crypto';

/**
 * Where a signing key lives. An identity store keeps this next to the certificate; for KMS and
 * HSM keys it is the only thing ever written, because the private key cannot leave the device.
 */
export type KeyReference =
  | {
      /** A PEM key file. */
      readonly type: 'file';
      /** Path of the PEM private key. */
      readonly path: string;
    }
  | {
      /** A key held in a KMS. */
      readonly type: 'kms';
      /** KMS key id or ARN. */
      readonly keyId: string;
      /** AWS region of the key. */
      readonly region: string;
      /** KMS endpoint override (local-kms, VPC endpoint); absent for the public AWS endpoint. */
      readonly endpoint?: string;
    }
  | {
      /** A key held in a PKCS#11 token. */
      readonly type: 'hsm';
      /** Label of the PKCS#11 token holding the key. */
      readonly tokenLabel: string;
      /** CKA_ID of the key pair, hex; by convention the SKI (SHA-256 of the EC point). */
      readonly id: string;
      /** CKA_LABEL of the key pair, when one was set. */
      readonly label?: string;
    };

/** Signature algorithm a signer produces. */
export type SignatureAlgorithm = 'ECDSA_P256' | 'ED25519';

/**
 * Signs Fabric messages with one private key. EC signers take the SHA-256 digest the gateway
 * computes and return a DER signature with low S; Ed25519 signers take the whole message.
 */
export interface Signer {
  /** Where the key lives; safe to persist. */
  readonly keyReference: KeyReference;
  /** What {@link Signer.sign} produces; Ed25519 must be paired with no pre-hash. */
  readonly algorithm: SignatureAlgorithm;
  /**
   * Signs a digest (EC) or message (Ed25519).
   *
   * @param digest - 32-byte SHA-256 digest for ECDSA_P256; the message for ED25519
   * @returns DER ECDSA signature with low S, or a 64-byte Ed25519 signature
   * @throws SignerError `SIGNER_UNAVAILABLE` when the KMS or HSM cannot be reached
   * @throws SignerError `SIGNER_FAILED` when the device refuses to sign
   */
  sign(digest: Uint8Array): Promise<Uint8Array>;
  /**
   * Optional: signs a whole message, for an ECDSA_P256 key the SHA-256 of `message` (the same
   * signature {@link Signer.sign} makes over that digest: DER, low S). A signer that holds its key
   * in this process implements it so the hash and the signature run in native code; the connection
   * uses it whenever it is present and the key is ECDSA_P256.
   *
   * @param message - the bytes whose SHA-256 is signed
   * @returns DER ECDSA signature with low S
   */
  signMessage?(message: Uint8Array): Promise<Uint8Array>;
  /**
   * The public key matching the signing key; fetched once and cached.
   *
   * @returns the public key
   * @throws SignerError when the key cannot be read
   */
  publicKey(): Promise<KeyObject>;
  /** Releases sessions and clients held by the signer. Idempotent. */
  close(): Promise<void>;
}

/**
 * Signs a Fabric message with a signer: the message itself for Ed25519; for ECDSA its SHA-256,
 * through {@link Signer.signMessage} when the signer has it, else through {@link Signer.sign}.
 *
 * @param signer - the signer
 * @param message - the bytes Fabric verifies the signature over
 * @param digest - the message's SHA-256 when the caller already has it
 * @returns the signature
 */
export function signMessageWith(
  signer: Signer,
  message: Uint8Array,
  digest?: Uint8Array,
): Promise<Uint8Array> {
  if (signer.algorithm === 'ED25519') return signer.sign(message);
  if (signer.signMessage !== undefined) return signer.signMessage(message);
  return signer.sign(digest ?? createHash('sha256').update(message).digest());
}
