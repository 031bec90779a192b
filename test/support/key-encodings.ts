/**
 * One P-256 public key written in each SubjectPublicKeyInfo encoding OpenSSL accepts: the
 * uncompressed point under the named curve (the canonical form), the compressed point, the hybrid
 * point, and the uncompressed point under explicit curve parameters. Node exports only the first,
 * so the others are assembled here from their fixed DER prefixes (read off `openssl ec -pubout
 * -conv_form compressed|hybrid -param_enc explicit`), which lets tests show that a contract treats
 * them all as one key.
 */
import { ECDH, type KeyObject } from 'node:crypto';

/** DER up to the point: SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING(33) }. */
const NAMED_COMPRESSED_PREFIX = '3039301306072a8648ce3d020106082a8648ce3d030107032200';
/** DER up to the point: SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING(65) }. */
const NAMED_UNCOMPRESSED_PREFIX = '3059301306072a8648ce3d020106082a8648ce3d030107034200';
/** DER up to the point with the full P-256 parameters (prime, a, b, seed, G, n, h) inline. */
const EXPLICIT_PREFIX =
  '3082014b3082010306072a8648ce3d02013081f7020101302c06072a8648ce3d0101022100ffffffff00000001' +
  '000000000000000000000000ffffffffffffffffffffffff305b0420ffffffff000000010000000000000000' +
  '00000000fffffffffffffffffffffffc04205ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce' +
  '3c3e27d2604b031500c49d360886e704936a6678e1139d26b7819f7e900441046b17d1f2e12c4247f8bce6e5' +
  '63a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ece' +
  'cbb6406837bf51f5022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63255102' +
  '0101034200';

/** The same P-256 key in every encoding, each as base64 DER SPKI. */
export interface P256Encodings {
  /** Uncompressed point, named curve: what Node exports and the contract stores. */
  readonly canonical: string;
  /** Compressed point (`02`/`03` + x), named curve. */
  readonly compressed: string;
  /** Hybrid point (`06`/`07` + x + y), named curve. */
  readonly hybrid: string;
  /** Uncompressed point with explicit curve parameters. */
  readonly explicit: string;
}

/**
 * Writes a P-256 public key in each SPKI encoding.
 *
 * @param publicKey - a P-256 public key
 * @returns its encodings, base64 DER
 */
export function p256Encodings(publicKey: KeyObject): P256Encodings {
  const canonical = publicKey.export({ format: 'der', type: 'spki' });
  const point = canonical.subarray(canonical.length - 65);
  const der = (prefix: string, p: Buffer): string =>
    Buffer.concat([Buffer.from(prefix, 'hex'), p]).toString('base64');
  return {
    canonical: canonical.toString('base64'),
    compressed: der(
      NAMED_COMPRESSED_PREFIX,
      ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'compressed') as Buffer,
    ),
    hybrid: der(
      NAMED_UNCOMPRESSED_PREFIX,
      ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'hybrid') as Buffer,
    ),
    explicit: der(EXPLICIT_PREFIX, point),
  };
}

/**
 * Writes base64 DER as PEM with the given line width (PEM readers accept any width).
 *
 * @param base64 - the DER, base64
 * @param width - characters per line
 * @returns the PEM text
 */
export function pemWithWidth(base64: string, width: number): string {
  const lines = base64.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
  return `-----BEGIN PUBLIC KEY-----\r\n${lines.join('\r\n')}\r\n-----END PUBLIC KEY-----\r\n`;
}
