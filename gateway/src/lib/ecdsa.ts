/**
 * ECDSA signature encoding for Fabric: DER `SEQUENCE { INTEGER r, INTEGER s }` with `s <= n/2`.
 * Fabric's verifier rejects a high S ("Invalid S. Must be smaller than half the order"), and KMS
 * and PKCS#11 tokens do not promise a low one, so every EC signer passes through here.
 */

/** Order of the P-256 group. */
export const P256_ORDER = BigInt(
  '0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
);
const HALF_ORDER = P256_ORDER >> 1n;

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const b of bytes) {
    value = (value << 8n) | BigInt(b);
  }
  return value;
}

function bigIntToBytes(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) {
    hex = `0${hex}`;
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function readLength(der: Uint8Array, offset: number): [length: number, next: number] {
  const first = der[offset];
  if (first === undefined) {
    throw new Error('truncated DER length');
  }
  if (first < 0x80) {
    return [first, offset + 1];
  }
  const count = first & 0x7f;
  if (count === 0 || count > 2) {
    throw new Error('unsupported DER length');
  }
  let length = 0;
  for (let i = 1; i <= count; i++) {
    const b = der[offset + i];
    if (b === undefined) {
      throw new Error('truncated DER length');
    }
    length = (length << 8) | b;
  }
  return [length, offset + 1 + count];
}

function readInteger(der: Uint8Array, offset: number): [value: bigint, next: number] {
  if (der[offset] !== 0x02) {
    throw new Error('expected DER INTEGER');
  }
  const [length, start] = readLength(der, offset + 1);
  const end = start + length;
  if (length === 0 || end > der.length) {
    throw new Error('truncated DER INTEGER');
  }
  return [bytesToBigInt(der.subarray(start, end)), end];
}

function encodeLength(length: number): number[] {
  return length < 0x80 ? [length] : [0x81, length];
}

function encodeInteger(value: bigint): number[] {
  let bytes = Array.from(bigIntToBytes(value));
  if ((bytes[0] ?? 0) & 0x80) {
    bytes = [0, ...bytes];
  }
  return [0x02, ...encodeLength(bytes.length), ...bytes];
}

/**
 * Splits a DER ECDSA signature into r and s.
 *
 * @param der - DER-encoded signature
 * @returns r and s
 * @throws Error when `der` is not a well-formed signature
 */
export function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
  if (der[0] !== 0x30) {
    throw new Error('expected DER SEQUENCE');
  }
  const [length, start] = readLength(der, 1);
  if (start + length !== der.length) {
    throw new Error('DER signature length mismatch');
  }
  const [r, afterR] = readInteger(der, start);
  const [s, afterS] = readInteger(der, afterR);
  if (afterS !== der.length) {
    throw new Error('trailing bytes after DER signature');
  }
  return { r, s };
}

/**
 * Encodes r and s as a DER ECDSA signature.
 *
 * @param r - r component
 * @param s - s component
 * @returns DER bytes
 */
export function encodeDerSignature(r: bigint, s: bigint): Uint8Array {
  const body = [...encodeInteger(r), ...encodeInteger(s)];
  return Uint8Array.from([0x30, ...encodeLength(body.length), ...body]);
}

/**
 * Whether a signature's S lies in the lower half of the P-256 order.
 *
 * @param der - DER-encoded signature
 * @returns true when Fabric accepts the S value
 */
export function isLowS(der: Uint8Array): boolean {
  return parseDerSignature(der).s <= HALF_ORDER;
}

/**
 * Rewrites a P-256 signature with `s = n - s` when S is high; both verify, only the low one
 * passes Fabric.
 *
 * @param der - DER-encoded signature
 * @returns DER-encoded signature with low S
 */
export function toLowS(der: Uint8Array): Uint8Array {
  const { r, s } = parseDerSignature(der);
  return encodeDerSignature(r, s > HALF_ORDER ? P256_ORDER - s : s);
}

/**
 * Converts a PKCS#11 `r || s` signature (each 32 bytes for P-256) to low-S DER.
 *
 * @param raw - concatenated r and s
 * @returns DER-encoded signature with low S
 */
export function rawToLowSDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const r = bytesToBigInt(raw.subarray(0, half));
  const s = bytesToBigInt(raw.subarray(half));
  return encodeDerSignature(r, s > HALF_ORDER ? P256_ORDER - s : s);
}
