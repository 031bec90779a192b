import { ConfigError } from '../errors';
import { newFileSigner } from './file-signer';
import { newHsmSigner } from './hsm-signer';
import { newKmsSigner, type AwsCredentials } from './kms-signer';
import type { KeyReference, Signer } from './signer';

/** Secrets a stored key reference deliberately lacks, supplied when the signer is opened. */
export interface OpenSignerOptions {
  /** HSM library and PIN, needed for `hsm` references. */
  readonly hsm?: {
    /** Path of the PKCS#11 module. */
    readonly library: string;
    /** The token's user PIN. */
    readonly pin: string;
  };
  /** KMS credentials and timeouts for `kms` references; the SDK default chain when absent. */
  readonly kms?: {
    /** Static credentials; the SDK default chain when absent. */
    readonly credentials?: AwsCredentials;
    /** Deadline of one KMS request, in milliseconds. */
    readonly requestTimeoutMs?: number;
    /** Attempts per KMS request, retries included. */
    readonly maxAttempts?: number;
  };
}

/**
 * Opens a signer for a stored {@link KeyReference}.
 *
 * @param reference - where the key lives
 * @param options - HSM PIN/library and KMS credentials
 * @returns the signer
 * @throws ConfigError `INVALID_CONFIG` when an HSM reference is opened without `options.hsm`
 * @throws SignerError when the key cannot be found
 */
export async function openSigner(
  reference: KeyReference,
  options: Readonly<OpenSignerOptions> = {},
): Promise<Signer> {
  switch (reference.type) {
    case 'file':
      return newFileSigner({ path: reference.path });
    case 'kms':
      return newKmsSigner({
        keyId: reference.keyId,
        region: reference.region,
        ...(reference.endpoint !== undefined ? { endpoint: reference.endpoint } : {}),
        ...options.kms,
      });
    case 'hsm':
      if (options.hsm === undefined) {
        throw new ConfigError({
          code: 'INVALID_CONFIG',
          message: `HSM key ${reference.id} on token ${reference.tokenLabel} needs options.hsm (library, pin)`,
        });
      }
      return Promise.resolve(
        newHsmSigner({ ...options.hsm, tokenLabel: reference.tokenLabel, id: reference.id }),
      );
  }
}
