/**
 * The little DER reading needed where Node's crypto cannot help: Node 12, the runtime of Fabric
 * 2.2's Node chaincode (the chaincode's AMB build), has no JWK export, no `asymmetricKeyDetails`
 * and no `X509Certificate`, so keys and certificates are taken apart here. Definite lengths only,
 * as DER requires; anything malformed reads as `undefined`, never as a partial value.
 */

/** One DER element: its tag, where its content starts and ends, and its whole encoding. */
export interface DerElement {
  /** The identifier octet (0x30 SEQUENCE, 0x06 OID, 0x02 INTEGER, 0x03 BIT STRING...). */
  readonly tag: number;
  /** The content octets. */
  readonly content: Buffer;
  /** Tag, length and content together. */
  readonly raw: Buffer;
}

/**
 * Reads the element at `offset`.
 *
 * @param buf - DER bytes
 * @param offset - where the element starts
 * @returns the element, or `undefined` when the bytes there are not one well-formed element
 */
export function readDerElement(buf: Buffer, offset = 0): DerElement | undefined {
  if (offset + 2 > buf.length) return undefined;
  const tag = buf[offset] ?? 0;
  let length = buf[offset + 1] ?? 0;
  let header = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    // Four length octets cover anything a transaction can carry; more is malformed here.
    if (octets === 0 || octets > 4 || offset + 2 + octets > buf.length) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (buf[offset + 2 + i] ?? 0);
    header += octets;
  }
  const end = offset + header + length;
  if (end > buf.length) return undefined;
  return {
    tag,
    content: buf.subarray(offset + header, end),
    raw: buf.subarray(offset, end),
  };
}

/**
 * The elements inside a constructed element's content, in order.
 *
 * @param content - the content octets of a SEQUENCE, SET or explicit tag
 * @returns the children, or `undefined` when they do not fill the content exactly
 */
export function derChildren(content: Buffer): DerElement[] | undefined {
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < content.length) {
    const el = readDerElement(content, offset);
    if (el === undefined) return undefined;
    out.push(el);
    offset += el.raw.length;
  }
  return out;
}

/**
 * Reads a buffer that must hold exactly one element.
 *
 * @param buf - DER bytes
 * @returns the element, or `undefined` when the bytes hold anything else or anything more
 */
export function readWholeDerElement(buf: Buffer): DerElement | undefined {
  const el = readDerElement(buf);
  return el !== undefined && el.raw.length === buf.length ? el : undefined;
}

/**
 * An unsigned integer's octets without leading zeros, for comparing INTEGER and OCTET STRING
 * encodings of one number.
 *
 * @param octets - big-endian octets
 * @returns lower-case hex without leading zero octets
 */
export function unsignedHex(octets: Buffer): string {
  let i = 0;
  while (i < octets.length - 1 && octets[i] === 0) i++;
  return octets.subarray(i).toString('hex');
}
