/**
 * DER helpers for ECDSA P-256 signatures in tests: turning a low-S signature into its high-S twin
 * (both are valid; verifiers must accept either) and into a malformed one.
 */

/** The order of the P-256 group. */
export const P256_ORDER = BigInt(
  '0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
);

function readInt(der: Buffer, at: number): { value: bigint; next: number } {
  if (der[at] !== 0x02) throw new Error('expected INTEGER');
  const len = der[at + 1]!;
  const bytes = der.subarray(at + 2, at + 2 + len);
  return { value: BigInt(`0x${bytes.toString('hex') || '0'}`), next: at + 2 + len };
}

function writeInt(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/**
 * Splits a DER ECDSA signature into r and s.
 *
 * @param der - `SEQUENCE { INTEGER r, INTEGER s }`
 * @returns r and s
 */
export function parseDerSignature(der: Buffer): { r: bigint; s: bigint } {
  if (der[0] !== 0x30) throw new Error('expected SEQUENCE');
  const r = readInt(der, 2);
  const s = readInt(der, r.next);
  return { r: r.value, s: s.value };
}

/**
 * Encodes r and s as a DER ECDSA signature.
 *
 * @param r - the r value
 * @param s - the s value
 * @returns the DER bytes
 */
export function encodeDerSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([writeInt(r), writeInt(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/**
 * The other valid signature for the same message: (r, n - s).
 *
 * @param der - a DER signature
 * @returns the DER signature with s replaced by n - s
 */
export function flipS(der: Buffer): Buffer {
  const { r, s } = parseDerSignature(der);
  return encodeDerSignature(r, P256_ORDER - s);
}

/**
 * Whether a signature's s is in the upper half of the group order.
 *
 * @param der - a DER signature
 * @returns true for high S
 */
export function isHighS(der: Buffer): boolean {
  return parseDerSignature(der).s > P256_ORDER / 2n;
}
