import { createPublicKey, type KeyObject } from 'node:crypto';
import type * as Kms from '@aws-sdk/client-kms';
import { SignerError } from '../errors';
import { toLowS } from '../lib/ecdsa';
import type { KeyReference, Signer } from './signer';

/** Static AWS credentials; local-kms accepts any values. */
export interface AwsCredentials {
  /** Access key id. */
  readonly accessKeyId: string;
  /** Secret access key. */
  readonly secretAccessKey: string;
  /** Session token for temporary credentials. */
  readonly sessionToken?: string;
}

/** Connection settings shared by the KMS factories. */
export interface KmsConnectionOptions {
  /** AWS region of the key. */
  readonly region: string;
  /** Endpoint override: local-kms, or a KMS VPC endpoint. */
  readonly endpoint?: string;
  /** Credentials; the SDK's default provider chain when absent. */
  readonly credentials?: AwsCredentials;
  /** Per-request timeout in milliseconds; 5000 unless stated. */
  readonly requestTimeoutMs?: number;
  /** SDK attempts per call, including the first; 3 unless stated. */
  readonly maxAttempts?: number;
}

/** Options of {@link newKmsSigner}. */
export interface KmsSignerOptions extends KmsConnectionOptions {
  /** Id, ARN or alias of an `ECC_NIST_P256` `SIGN_VERIFY` key. */
  readonly keyId: string;
}

/** Options of {@link createKmsKey}. */
export type CreateKmsKeyOptions = KmsConnectionOptions & {
  /** Description stored with the key. */
  readonly description?: string;
};

type KmsModule = typeof Kms;

function loadKms(): KmsModule {
  // Loaded here, not at the top, so apps that never use KMS need not install the AWS SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-kms') as KmsModule;
}

function newClient(sdk: KmsModule, options: Readonly<KmsConnectionOptions>): Kms.KMSClient {
  const timeout = options.requestTimeoutMs ?? 5000;
  return new sdk.KMSClient({
    region: options.region,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: { ...options.credentials } } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { requestTimeout: timeout, connectionTimeout: timeout },
  });
}

function describeEndpoint(options: Readonly<KmsConnectionOptions>): string {
  return options.endpoint ?? `kms.${options.region}.amazonaws.com`;
}

function translateKmsError(
  err: unknown,
  action: string,
  options: Readonly<KmsConnectionOptions>,
  keyId?: string,
): SignerError {
  const name = err instanceof Error ? err.name : '';
  const code = (err as { code?: unknown } | null)?.code;
  const where = `KMS ${describeEndpoint(options)}`;
  const key = keyId !== undefined ? ` key ${keyId}` : '';
  if (name === 'NotFoundException') {
    return new SignerError({
      code: 'KEY_NOT_FOUND',
      message: `${action}:${key} not found at ${where}`,
      cause: err,
    });
  }
  const offline =
    name === 'TimeoutError' ||
    name === 'RequestTimeout' ||
    (typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT)$/.test(code)) ||
    (err instanceof Error &&
      /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket hang up|timed? ?out/i.test(err.message));
  const message = err instanceof Error ? err.message : String(err);
  return new SignerError({
    code: offline ? 'SIGNER_UNAVAILABLE' : 'SIGNER_FAILED',
    message: `${action}:${key} ${offline ? 'unreachable' : 'failed'} at ${where}: ${message}`,
    cause: err,
  });
}

class KmsSigner implements Signer {
  readonly keyReference: KeyReference;
  readonly algorithm = 'ECDSA_P256' as const;
  readonly #sdk: KmsModule;
  readonly #client: Kms.KMSClient;
  readonly #options: Readonly<KmsSignerOptions>;
  #publicKey: Promise<KeyObject> | undefined;

  constructor(sdk: KmsModule, options: Readonly<KmsSignerOptions>) {
    this.#sdk = sdk;
    this.#options = options;
    this.#client = newClient(sdk, options);
    this.keyReference = {
      type: 'kms',
      keyId: options.keyId,
      region: options.region,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    };
  }

  async sign(digest: Uint8Array): Promise<Uint8Array> {
    if (digest.length !== 32) {
      throw new SignerError({
        code: 'SIGNER_FAILED',
        message: `KMS key ${this.#options.keyId} signs 32-byte SHA-256 digests; got ${digest.length} bytes`,
      });
    }
    let signature: Uint8Array | undefined;
    try {
      // DIGEST, not RAW: the gateway already hashed the message, and RAW would hash it again.
      const out = await this.#client.send(
        new this.#sdk.SignCommand({
          KeyId: this.#options.keyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      signature = out.Signature;
    } catch (err) {
      throw translateKmsError(err, 'Sign', this.#options, this.#options.keyId);
    }
    if (signature === undefined) {
      throw new SignerError({
        code: 'SIGNER_FAILED',
        message: `KMS returned no signature for key ${this.#options.keyId}`,
      });
    }
    return toLowS(signature);
  }

  publicKey(): Promise<KeyObject> {
    this.#publicKey ??= this.#fetchPublicKey().catch((err: unknown) => {
      this.#publicKey = undefined;
      throw err;
    });
    return this.#publicKey;
  }

  async #fetchPublicKey(): Promise<KeyObject> {
    let out: Kms.GetPublicKeyCommandOutput;
    try {
      out = await this.#client.send(
        new this.#sdk.GetPublicKeyCommand({ KeyId: this.#options.keyId }),
      );
    } catch (err) {
      throw translateKmsError(err, 'GetPublicKey', this.#options, this.#options.keyId);
    }
    if (out.PublicKey === undefined || out.KeySpec !== 'ECC_NIST_P256') {
      throw new SignerError({
        code: 'SIGNER_FAILED',
        message: `KMS key ${this.#options.keyId} is ${out.KeySpec ?? 'unknown'}; expected ECC_NIST_P256`,
      });
    }
    return createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' });
  }

  close(): Promise<void> {
    this.#client.destroy();
    return Promise.resolve();
  }
}

/**
 * A signer whose P-256 key stays in AWS KMS. Signs the digest with `MessageType: DIGEST` and
 * `ECDSA_SHA_256`, and normalises the DER signature to low S. Loads `@aws-sdk/client-kms` on
 * first use.
 *
 * @param options - key id, region, endpoint and credentials
 * @returns a signer
 * @throws Error when `@aws-sdk/client-kms` is not installed
 * @example
 * ```ts
 * const signer = signers.newKmsSigner({ keyId, region: 'eu-west-2' });
 * ```
 */
export function newKmsSigner(options: Readonly<KmsSignerOptions>): Signer {
  return new KmsSigner(loadKms(), options);
}

/**
 * Creates an `ECC_NIST_P256` `SIGN_VERIFY` key in KMS. The key material is generated inside KMS
 * and has no export path.
 *
 * @param options - region, endpoint, credentials and description
 * @returns the new key's id
 * @throws SignerError `SIGNER_UNAVAILABLE` when KMS cannot be reached
 * @throws SignerError `SIGNER_FAILED` when KMS refuses
 */
export async function createKmsKey(options: Readonly<CreateKmsKeyOptions>): Promise<string> {
  const sdk = loadKms();
  const client = newClient(sdk, options);
  try {
    const out = await client.send(
      new sdk.CreateKeyCommand({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Description: options.description ?? 'Fabric identity key',
      }),
    );
    const keyId = out.KeyMetadata?.KeyId;
    if (keyId === undefined) {
      throw new SignerError({ code: 'SIGNER_FAILED', message: 'KMS CreateKey returned no key id' });
    }
    return keyId;
  } catch (err) {
    if (err instanceof SignerError) {
      throw err;
    }
    throw translateKmsError(err, 'CreateKey', options);
  } finally {
    client.destroy();
  }
}
