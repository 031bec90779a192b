/**
 * Oracle public keys and signature checks, with node:crypto only.
 *
 * Parsing a SubjectPublicKeyInfo costs more than half of an ECDSA verification, so each key is
 * parsed once per chaincode process and kept in a module-level cache keyed by its base64 DER.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { OracleKeyType } from '@oracle-consortium/protocol';

/** Bounds the cache so a flood of distinct keys cannot grow the process without limit. */
const KEY_CACHE_LIMIT = 4096;
const keyCache = new Map<string, KeyObject>();

/** A public key after {@link normalizePublicKey}. */
export interface NormalizedKey {
  /** The key algorithm. */
  readonly keyType: OracleKeyType;
  /** base64 of the DER SubjectPublicKeyInfo: the one form stored on the ledger. */
  readonly publicKey: string;
}

function keyTypeOf(key: KeyObject): OracleKeyType | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'p256';
  }
  return undefined;
}

/**
 * Reads a public key given as PEM (`-----BEGIN PUBLIC KEY-----`) or as base64 DER SPKI, checks that
 * it is P-256 or Ed25519, and returns its stored form.
 *
 * @param text - the key as PEM or base64 DER SPKI
 * @returns the key type and base64 DER SPKI, or `undefined` when it is not a usable key
 */
export function normalizePublicKey(text: string): NormalizedKey | undefined {
  let key: KeyObject;
  try {
    key = text.includes('-----BEGIN')
      ? createPublicKey({ key: text, format: 'pem' })
      : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
  const keyType = keyTypeOf(key);
  if (keyType === undefined) return undefined;
  const publicKey = key.export({ format: 'der', type: 'spki' }).toString('base64');
  return { keyType, publicKey };
}

/**
 * The parsed key for a stored base64 DER SPKI, from the cache when it has been seen before.
 *
 * @param publicKey - base64 DER SPKI, as {@link normalizePublicKey} returns it
 * @returns the parsed key
 * @throws Error when the text is not a public key (stored keys were checked when registered)
 */
export function cachedPublicKey(publicKey: string): KeyObject {
  let key = keyCache.get(publicKey);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(publicKey, key);
  }
  return key;
}

/**
 * Checks one oracle signature over report bytes: ECDSA P-256 over SHA-256 with a DER signature
 * (high and low S both accepted, as OpenSSL does), or Ed25519 over the raw bytes.
 *
 * @param keyType - the oracle's key type
 * @param publicKey - the oracle's base64 DER SPKI
 * @param message - the encoded report
 * @param signature - the signature bytes
 * @returns true when the signature is valid; false for any invalid or unparsable signature
 */
export function verifySignature(
  keyType: OracleKeyType,
  publicKey: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const key = cachedPublicKey(publicKey);
  try {
    return keyType === 'ed25519'
      ? verify(null, message, key, signature)
      : verify('sha256', message, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/**
 * How many parsed keys the cache holds (for tests and benchmarks).
 *
 * @returns the cache size
 */
export function cachedKeyCount(): number {
  return keyCache.size;
}
