import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import type * as Pkcs11js from 'pkcs11js';
import { ConfigError, SignerError } from '../errors';
import { rawToLowSDer } from '../lib/ecdsa';
import type { KeyReference, Signer } from './signer';

/** Token and login settings shared by the HSM factories. */
export interface HsmTokenOptions {
  /** Path of the PKCS#11 library, e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  readonly library: string;
  /** Label of the token holding the key. */
  readonly tokenLabel: string;
  /** User PIN of the token. Never persisted by this library. */
  readonly pin: string;
}

/** Options of {@link newHsmSigner}. */
export interface HsmSignerOptions extends HsmTokenOptions {
  /** CKA_ID of the key pair, as hex or bytes. */
  readonly id: string | Uint8Array;
}

/** Options of {@link generateHsmKey}. */
export interface GenerateHsmKeyOptions extends HsmTokenOptions {
  /** CKA_LABEL for both halves of the key pair. */
  readonly label?: string;
}

type Pkcs11Module = typeof Pkcs11js;

interface LoadedLibrary {
  readonly sdk: Pkcs11Module;
  readonly pkcs11: Pkcs11js.PKCS11;
  refs: number;
}

// One loaded module per library path: PKCS#11 allows a single C_Initialize per process.
const libraries = new Map<string, LoadedLibrary>();

// DER OID of prime256v1, the CKA_EC_PARAMS value of a P-256 key.
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');
// SubjectPublicKeyInfo prefix for an uncompressed P-256 point.
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

function acquire(library: string): LoadedLibrary {
  const existing = libraries.get(library);
  if (existing !== undefined) {
    existing.refs++;
    return existing;
  }
  // Loaded here, not at the top, so apps that never use an HSM need not build pkcs11js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('pkcs11js') as Pkcs11Module;
  const pkcs11 = new sdk.PKCS11();
  try {
    pkcs11.load(library);
  } catch (cause) {
    throw new SignerError({
      code: 'SIGNER_UNAVAILABLE',
      message: `cannot load PKCS#11 library ${library}`,
      cause,
    });
  }
  try {
    pkcs11.C_Initialize();
  } catch (cause) {
    if ((cause as { code?: unknown }).code !== sdk.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw new SignerError({
        code: 'SIGNER_UNAVAILABLE',
        message: `C_Initialize failed for ${library}`,
        cause,
      });
    }
  }
  const loaded = { sdk, pkcs11, refs: 1 };
  libraries.set(library, loaded);
  return loaded;
}

function release(library: string): void {
  const loaded = libraries.get(library);
  if (loaded === undefined) {
    return;
  }
  loaded.refs--;
  if (loaded.refs === 0) {
    libraries.delete(library);
    try {
      loaded.pkcs11.C_Finalize();
    } finally {
      loaded.pkcs11.close();
    }
  }
}

function hsmError(message: string, cause: unknown): SignerError {
  return new SignerError({ code: 'SIGNER_FAILED', message, cause });
}

/** An open, logged-in session on the token with the given label. */
class TokenSession {
  readonly lib: LoadedLibrary;
  readonly handle: Buffer;
  readonly #options: Readonly<HsmTokenOptions>;
  #closed = false;

  constructor(options: Readonly<HsmTokenOptions>) {
    this.#options = options;
    this.lib = acquire(options.library);
    const { sdk, pkcs11 } = this.lib;
    try {
      const slot = pkcs11
        .C_GetSlotList(true)
        .find((s) => pkcs11.C_GetTokenInfo(s).label.trim() === options.tokenLabel);
      if (slot === undefined) {
        throw new SignerError({
          code: 'KEY_NOT_FOUND',
          message: `no PKCS#11 token labelled ${options.tokenLabel} in ${options.library}`,
        });
      }
      this.handle = pkcs11.C_OpenSession(slot, sdk.CKF_SERIAL_SESSION | sdk.CKF_RW_SESSION);
      try {
        pkcs11.C_Login(this.handle, sdk.CKU_USER, options.pin);
      } catch (cause) {
        if ((cause as { code?: unknown }).code !== sdk.CKR_USER_ALREADY_LOGGED_IN) {
          pkcs11.C_CloseSession(this.handle);
          throw hsmError(`login to token ${options.tokenLabel} failed`, cause);
        }
      }
    } catch (err) {
      release(options.library);
      throw err;
    }
  }

  find(cls: number, id: Buffer): Buffer {
    const { sdk, pkcs11 } = this.lib;
    pkcs11.C_FindObjectsInit(this.handle, [
      { type: sdk.CKA_CLASS, value: cls },
      { type: sdk.CKA_KEY_TYPE, value: sdk.CKK_EC },
      { type: sdk.CKA_ID, value: id },
    ]);
    try {
      const [object] = pkcs11.C_FindObjects(this.handle, 1);
      if (object === undefined) {
        throw new SignerError({
          code: 'KEY_NOT_FOUND',
          message: `no EC key with CKA_ID ${id.toString('hex')} on token ${this.#options.tokenLabel}`,
        });
      }
      return object;
    } finally {
      pkcs11.C_FindObjectsFinal(this.handle);
    }
  }

  publicKey(id: Buffer): KeyObject {
    const publicHandle = this.find(this.lib.sdk.CKO_PUBLIC_KEY, id);
    return spkiFromEcPoint(this.ecPoint(publicHandle));
  }

  ecPoint(publicHandle: Buffer): Buffer {
    const [attr] = this.lib.pkcs11.C_GetAttributeValue(this.handle, publicHandle, [
      { type: this.lib.sdk.CKA_EC_POINT },
    ]);
    if (attr === undefined) {
      throw hsmError('public key has no CKA_EC_POINT', undefined);
    }
    return unwrapOctetString(attr.value);
  }

  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    try {
      this.lib.pkcs11.C_CloseSession(this.handle);
    } finally {
      release(this.#options.library);
    }
  }
}

// CKA_EC_POINT is a DER OCTET STRING around the uncompressed point 04 || X || Y.
function unwrapOctetString(value: Buffer): Buffer {
  if (value.length === 67 && value[0] === 0x04 && value[1] === 0x41) {
    return value.subarray(2);
  }
  if (value.length === 65 && value[0] === 0x04) {
    return value;
  }
  throw hsmError(
    `unexpected CKA_EC_POINT of ${value.length} bytes; expected a P-256 point`,
    undefined,
  );
}

function spkiFromEcPoint(point: Buffer): KeyObject {
  return createPublicKey({
    key: Buffer.concat([P256_SPKI_PREFIX, point]),
    format: 'der',
    type: 'spki',
  });
}

function toIdBuffer(id: string | Uint8Array): Buffer {
  if (typeof id === 'string') {
    if (!/^([0-9a-f]{2})+$/i.test(id)) {
      throw new ConfigError({ code: 'INVALID_CONFIG', message: `HSM key id ${id} is not hex` });
    }
    return Buffer.from(id, 'hex');
  }
  return Buffer.from(id);
}

class HsmSigner implements Signer {
  readonly keyReference: KeyReference;
  readonly algorithm = 'ECDSA_P256' as const;
  readonly #session: TokenSession;
  readonly #privateKey: Buffer;
  readonly #publicKey: KeyObject;
  // A PKCS#11 session runs one operation at a time; signs queue behind each other.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: Readonly<HsmSignerOptions>) {
    const id = toIdBuffer(options.id);
    this.#session = new TokenSession(options);
    try {
      this.#privateKey = this.#session.find(this.#session.lib.sdk.CKO_PRIVATE_KEY, id);
      this.#publicKey = this.#session.publicKey(id);
    } catch (err) {
      this.#session.close();
      throw err;
    }
    this.keyReference = { type: 'hsm', tokenLabel: options.tokenLabel, id: id.toString('hex') };
  }

  sign(digest: Uint8Array): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      const { sdk, pkcs11 } = this.#session.lib;
      try {
        pkcs11.C_SignInit(this.#session.handle, { mechanism: sdk.CKM_ECDSA }, this.#privateKey);
        const raw = await pkcs11.C_SignAsync(
          this.#session.handle,
          Buffer.from(digest),
          Buffer.alloc(64),
        );
        return rawToLowSDer(raw);
      } catch (cause) {
        throw hsmError(
          `HSM signing with key ${this.keyReference.type === 'hsm' ? this.keyReference.id : ''} failed`,
          cause,
        );
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  publicKey(): Promise<KeyObject> {
    return Promise.resolve(this.#publicKey);
  }

  async close(): Promise<void> {
    await this.#queue;
    this.#session.close();
  }
}

/**
 * A signer whose P-256 key stays in a PKCS#11 token. Loads `pkcs11js` on first use and shares one
 * initialised library per path across signers.
 *
 * @param options - library, token label, PIN and key id
 * @returns a signer; call `close()` to log out and release the library
 * @throws SignerError `KEY_NOT_FOUND` when the token or key does not exist
 * @throws SignerError `SIGNER_FAILED` when login fails
 * @throws SignerError `SIGNER_UNAVAILABLE` when the library cannot be loaded
 * @example
 * ```ts
 * const signer = signers.newHsmSigner({ library, tokenLabel: 'consortium', pin, id: ski });
 * ```
 */
export function newHsmSigner(options: Readonly<HsmSignerOptions>): Signer {
  return new HsmSigner(options);
}

/**
 * Generates a P-256 key pair inside the token: sensitive, not extractable, with CKA_ID set to the
 * SKI (SHA-256 of the uncompressed public point), the convention Fabric's PKCS#11 tooling uses.
 *
 * @param options - library, token label, PIN and an optional label
 * @returns the key reference to store with the certificate
 * @throws SignerError when the token refuses
 */
export function generateHsmKey(
  options: Readonly<GenerateHsmKeyOptions>,
): Extract<KeyReference, { type: 'hsm' }> {
  const session = new TokenSession(options);
  try {
    const { sdk, pkcs11 } = session.lib;
    const tempId = randomBytes(16);
    const label = options.label ?? `fabric-${tempId.toString('hex')}`;
    let keys: Pkcs11js.KeyPair;
    try {
      keys = pkcs11.C_GenerateKeyPair(
        session.handle,
        { mechanism: sdk.CKM_EC_KEY_PAIR_GEN },
        [
          { type: sdk.CKA_CLASS, value: sdk.CKO_PUBLIC_KEY },
          { type: sdk.CKA_KEY_TYPE, value: sdk.CKK_EC },
          { type: sdk.CKA_EC_PARAMS, value: P256_PARAMS },
          { type: sdk.CKA_TOKEN, value: true },
          { type: sdk.CKA_VERIFY, value: true },
          { type: sdk.CKA_ID, value: tempId },
          { type: sdk.CKA_LABEL, value: label },
        ],
        [
          { type: sdk.CKA_CLASS, value: sdk.CKO_PRIVATE_KEY },
          { type: sdk.CKA_KEY_TYPE, value: sdk.CKK_EC },
          { type: sdk.CKA_TOKEN, value: true },
          { type: sdk.CKA_PRIVATE, value: true },
          { type: sdk.CKA_SENSITIVE, value: true },
          { type: sdk.CKA_EXTRACTABLE, value: false },
          { type: sdk.CKA_SIGN, value: true },
          { type: sdk.CKA_ID, value: tempId },
          { type: sdk.CKA_LABEL, value: label },
        ],
      );
    } catch (cause) {
      throw hsmError(`key generation on token ${options.tokenLabel} failed`, cause);
    }
    const ski = createHash('sha256').update(session.ecPoint(keys.publicKey)).digest();
    for (const handle of [keys.publicKey, keys.privateKey]) {
      pkcs11.C_SetAttributeValue(session.handle, handle, [{ type: sdk.CKA_ID, value: ski }]);
    }
    return { type: 'hsm', tokenLabel: options.tokenLabel, id: ski.toString('hex'), label };
  } finally {
    session.close();
  }
}
