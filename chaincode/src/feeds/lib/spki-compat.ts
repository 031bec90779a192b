/**
 * The canonical SPKI of a P-256 or Ed25519 key without JWK export and `asymmetricKeyDetails`,
 * which the chaincode uses on Node 12 (the runtime of Fabric 2.2's Node chaincode, so of the AMB
 * build). Node 15.9+ takes the JWK path in signatures.ts; the unit tests hold both paths to the
 * same answer for every encoding of a key.
 *
 * P-256 keys come as the uncompressed, compressed or hybrid point, under the named curve or under
 * explicit parameters; explicit parameters count only when they are exactly P-256's (prime, a, b,
 * generator, order), so a look-alike curve is refused as the JWK path refuses it.
 */
import { ECDH } from 'crypto';
import {
  derChildren as children,
  readWholeDerElement as readWhole,
  unsignedHex,
} from '@oracle-consortium/protocol';

/** SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (65 octets) }, up to the point. */
const P256_CANONICAL_PREFIX = Buffer.from(
  '3059301306072a8648ce3d020106082a8648ce3d030107034200',
  'hex',
);
const OID_EC_PUBLIC_KEY = '2a8648ce3d0201';
const OID_PRIME256V1 = '2a8648ce3d030107';
const OID_PRIME_FIELD = '2a8648ce3d0101';
/** P-256's domain parameters (SEC 2, section 2.4.2), lower-case hex without leading zeros. */
const P256 = {
  p: 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
  a: 'ffffffff00000001000000000000000000000000fffffffffffffffffffffffc',
  b: '5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b',
  n: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  g:
    '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296' +
    '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
};

/** The point in its uncompressed form, or `undefined` when it is not a point of P-256. */
function uncompressedPoint(point: Buffer): Buffer | undefined {
  try {
    return ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'uncompressed') as Buffer;
  } catch {
    return undefined;
  }
}

/** Whether explicit ECParameters are P-256's own. */
function isExplicitP256(params: Buffer): boolean {
  const [version, fieldId, curve, base, order] = children(params) ?? [];
  if (version?.tag !== 0x02 || fieldId?.tag !== 0x30 || curve?.tag !== 0x30) return false;
  if (base?.tag !== 0x04 || order?.tag !== 0x02) return false;
  const [fieldType, prime] = children(fieldId.content) ?? [];
  const [a, b] = children(curve.content) ?? [];
  const g = uncompressedPoint(base.content);
  return (
    fieldType?.tag === 0x06 &&
    fieldType.content.toString('hex') === OID_PRIME_FIELD &&
    prime?.tag === 0x02 &&
    unsignedHex(prime.content) === P256.p &&
    a?.tag === 0x04 &&
    unsignedHex(a.content) === P256.a &&
    b?.tag === 0x04 &&
    unsignedHex(b.content) === P256.b &&
    unsignedHex(order.content) === P256.n &&
    g !== undefined &&
    g.toString('hex') === P256.g
  );
}

/**
 * The canonical SPKI of an EC key from its DER SPKI as Node exports it (in whatever encoding it
 * was given).
 *
 * @param spki - DER SubjectPublicKeyInfo of an EC key
 * @returns base64 of SEQUENCE { id-ecPublicKey, prime256v1, uncompressed point }, or `undefined`
 *   when the key is not on P-256
 */
export function canonicalP256Spki(spki: Buffer): string | undefined {
  const outer = readWhole(spki);
  if (outer?.tag !== 0x30) return undefined;
  const [algorithm, key] = children(outer.content) ?? [];
  if (algorithm?.tag !== 0x30 || key?.tag !== 0x03 || key.content[0] !== 0) return undefined;
  const [oid, params] = children(algorithm.content) ?? [];
  if (oid?.tag !== 0x06 || oid.content.toString('hex') !== OID_EC_PUBLIC_KEY) return undefined;
  const named = params?.tag === 0x06 && params.content.toString('hex') === OID_PRIME256V1;
  if (!named && !(params?.tag === 0x30 && isExplicitP256(params.content))) return undefined;
  const point = uncompressedPoint(key.content.subarray(1));
  if (point === undefined) return undefined;
  return Buffer.concat([P256_CANONICAL_PREFIX, point]).toString('base64');
}
