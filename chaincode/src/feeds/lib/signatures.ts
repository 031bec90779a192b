/**
 * Oracle public keys and signature checks, with node:crypto only.
 *
 * Parsing a SubjectPublicKeyInfo costs more than half of an ECDSA verification, so each key is
 * parsed once per chaincode process and kept in a module-level cache keyed by its base64 DER.
 *
 * One key has several SPKI encodings: a P-256 point compressed, uncompressed or hybrid, under the
 * named curve or explicit curve parameters. OpenSSL accepts them all and exports each as it came,
 * so two encodings of one key compare as two keys, and one oracle registered twice could supply
 * several signatures of a report. Keys are therefore stored and compared in one canonical form:
 * the uncompressed point under the named curve for P-256, the only SPKI form for Ed25519.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { OracleKeyType } from '@oracle-consortium/protocol';
import { canonicalP256Spki } from './spki-compat';

/** Bounds the cache so a flood of distinct keys cannot grow the process without limit. */
const KEY_CACHE_LIMIT = 4096;
const keyCache = new Map<string, KeyObject>();
const canonicalCache = new Map<string, string>();

/** A public key after {@link normalizePublicKey}. */
export interface NormalizedKey {
  /** The key algorithm. */
  readonly keyType: OracleKeyType;
  /**
   * base64 of the canonical DER SubjectPublicKeyInfo (uncompressed point and named curve for
   * P-256): the one form stored on the ledger, equal for every encoding of one key.
   */
  readonly publicKey: string;
}

/**
 * Node 12 (the AMB build's runtime) has neither JWK export (Node 15.9) nor
 * `asymmetricKeyDetails` (Node 15.7); there the key is taken apart by hand (spki-compat.ts).
 */
const HAS_KEY_DETAILS = (() => {
  try {
    const probe = createPublicKey({
      key: Buffer.from('MCowBQYDK2VwAyEAqmhg4DUFN1wVSOJafyDtypHnuIx+Y6FKHR3Ru9rTi+Q=', 'base64'),
      format: 'der',
      type: 'spki',
    });
    return (
      probe.asymmetricKeyDetails !== undefined && probe.export({ format: 'jwk' }).x !== undefined
    );
  } catch {
    return false;
  }
})();

/**
 * The key type and canonical SPKI of a key. A JWK carries only the curve and the coordinates (or
 * Ed25519's raw 32 bytes), so exporting through it forgets how the key was written.
 */
function describeKey(key: KeyObject): NormalizedKey | undefined {
  if (!HAS_KEY_DETAILS) return describeKeyWithoutJwk(key);
  let keyType: OracleKeyType | undefined;
  if (key.asymmetricKeyType === 'ed25519') keyType = 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    keyType = 'p256';
  }
  if (keyType === undefined) return undefined;
  const publicKey = createPublicKey({ key: key.export({ format: 'jwk' }), format: 'jwk' })
    .export({ format: 'der', type: 'spki' })
    .toString('base64');
  return { keyType, publicKey };
}

/**
 * {@link describeKey} for a Node without JWK export: an Ed25519 SPKI has one form only, and a
 * P-256 key's point and parameters are read from its DER.
 *
 * @param key - a parsed public key
 * @returns the key type and canonical base64 DER SPKI, or `undefined` when it is neither P-256
 *   nor Ed25519
 */
export function describeKeyWithoutJwk(key: KeyObject): NormalizedKey | undefined {
  const spki = key.export({ format: 'der', type: 'spki' });
  if (key.asymmetricKeyType === 'ed25519') {
    return { keyType: 'ed25519', publicKey: spki.toString('base64') };
  }
  if (key.asymmetricKeyType !== 'ec') return undefined;
  const publicKey = canonicalP256Spki(spki);
  return publicKey === undefined ? undefined : { keyType: 'p256', publicKey };
}

/**
 * Reads a public key given as PEM (`-----BEGIN PUBLIC KEY-----`, any line width) or as base64 DER
 * SPKI in any point or parameter encoding, checks that it is P-256 or Ed25519, and returns its
 * canonical stored form.
 *
 * @param text - the key as PEM or base64 DER SPKI
 * @returns the key type and canonical base64 DER SPKI, or `undefined` when it is not a usable key
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
  return describeKey(key);
}

/**
 * The canonical form of a stored key, for comparing keys. Keys stored before canonical storage may
 * be in any encoding; comparing canonical forms finds one key held by two oracles all the same.
 *
 * @param publicKey - base64 DER SPKI as stored
 * @returns the canonical base64 DER SPKI
 * @throws Error when the text is not a public key (stored keys were checked when registered)
 */
export function canonicalPublicKey(publicKey: string): string {
  let canonical = canonicalCache.get(publicKey);
  if (canonical === undefined) {
    const described = describeKey(cachedPublicKey(publicKey));
    if (described === undefined) throw new Error('stored oracle key is neither P-256 nor Ed25519');
    canonical = described.publicKey;
    if (canonicalCache.size >= KEY_CACHE_LIMIT) canonicalCache.clear();
    canonicalCache.set(publicKey, canonical);
  }
  return canonical;
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
