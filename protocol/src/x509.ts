/**
 * The few facts about an X.509 certificate that the MSP-definition rules need (its DER, whether it
 * is a CA, its subject, its public key, who issued it, whether a key verifies its signature), on
 * every Node the chaincode runs on. Node 15.6+ answers with `X509Certificate`; Node 12, the
 * runtime of Fabric 2.2's Node chaincode (the chaincode's AMB build), has none, so there the
 * certificate is read from its DER and its signature checked with `crypto.verify`. The unit tests
 * hold both readings to the same answers.
 */
import * as crypto from 'node:crypto';
import { derChildren, readDerElement, type DerElement } from './der';

/** What the MSP-definition rules read from a certificate. */
export interface Certificate {
  /** The certificate's DER, without anything that followed it in the input. */
  readonly raw: Buffer;
  /** Whether basicConstraints says cA is true. */
  readonly ca: boolean;
  /** The subject, one `TYPE=value` a line (for messages). */
  readonly subject: string;
  /** The subject's public key. */
  readonly publicKey: crypto.KeyObject;
  /**
   * Whether `issuer` is named as this certificate's issuer (its subject is this certificate's
   * issuer name).
   *
   * @param issuer - the candidate issuer
   * @returns true when the names match
   */
  checkIssued(issuer: Certificate): boolean;
  /**
   * Whether `key` verifies this certificate's signature.
   *
   * @param key - the candidate issuer's public key
   * @returns true when the signature verifies
   */
  verify(key: crypto.KeyObject): boolean;
}

const PEM = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*)-----END CERTIFICATE-----/;
const OID_BASIC_CONSTRAINTS = '551d13';
const OID_KEY_USAGE = '551d0f';
const OID_SUBJECT_KEY_ID = '551d0e';
const OID_AUTHORITY_KEY_ID = '551d23';
/** Signature algorithm OIDs (hex of the content octets) and the hash each uses. */
const SIGNATURE_HASHES: Readonly<Record<string, string | null>> = {
  '2a8648ce3d040302': 'sha256', // ecdsa-with-SHA256
  '2a8648ce3d040303': 'sha384', // ecdsa-with-SHA384
  '2a8648ce3d040304': 'sha512', // ecdsa-with-SHA512
  '2a864886f70d01010b': 'sha256', // sha256WithRSAEncryption
  '2a864886f70d01010c': 'sha384', // sha384WithRSAEncryption
  '2a864886f70d01010d': 'sha512', // sha512WithRSAEncryption
  '2b6570': null, // Ed25519
};
/** Attribute type OIDs of distinguished names, for the subject line. */
const NAME_TYPES: Readonly<Record<string, string>> = {
  '550403': 'CN',
  '550406': 'C',
  '550407': 'L',
  '550408': 'ST',
  '55040a': 'O',
  '55040b': 'OU',
};

/** Node 15.6+ has X509Certificate; Node 12 has not (the import then reads as undefined). */
const NATIVE: typeof crypto.X509Certificate | undefined =
  typeof crypto.X509Certificate === 'function' ? crypto.X509Certificate : undefined;

function invalid(what: string): Error {
  return new Error(`not an X.509 certificate: ${what}`);
}

/** The DER of a PEM certificate, or the input when it is DER already. */
function derOf(input: Buffer): Buffer {
  const text = input.subarray(0, 64).toString('latin1');
  if (!text.includes('-----BEGIN')) return input;
  const m = PEM.exec(input.toString('latin1'));
  if (m === null) throw invalid('PEM without one CERTIFICATE block');
  return Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64');
}

function expectTag(el: DerElement | undefined, tag: number, what: string): DerElement {
  if (el?.tag !== tag) throw invalid(`${what} is missing or malformed`);
  return el;
}

function subjectText(name: DerElement): string {
  const lines: string[] = [];
  for (const rdn of derChildren(name.content) ?? []) {
    for (const atv of derChildren(rdn.content) ?? []) {
      const [type, value] = derChildren(atv.content) ?? [];
      if (type === undefined || value === undefined) continue;
      const hex = type.content.toString('hex');
      lines.push(`${NAME_TYPES[hex] ?? hex}=${value.content.toString('utf8')}`);
    }
  }
  return lines.join('\n');
}

/** Each extension's value (the content of its extnValue OCTET STRING), by OID in hex. */
function extensionValues(extensions: DerElement | undefined): Map<string, Buffer> {
  const values = new Map<string, Buffer>();
  if (extensions === undefined) return values;
  const [list] = derChildren(extensions.content) ?? [];
  for (const ext of derChildren(list?.content ?? Buffer.alloc(0)) ?? []) {
    const parts = derChildren(ext.content) ?? [];
    const value = parts[parts.length - 1];
    if (parts[0]?.tag === 0x06 && value?.tag === 0x04) {
      values.set(parts[0].content.toString('hex'), value.content);
    }
  }
  return values;
}

function isCa(extensions: Map<string, Buffer>): boolean {
  const value = extensions.get(OID_BASIC_CONSTRAINTS);
  const constraints = value === undefined ? undefined : readDerElement(value);
  const [cA] = derChildren(constraints?.content ?? Buffer.alloc(0)) ?? [];
  return cA?.tag === 0x01 && cA.content[0] !== 0;
}

/** Whether keyUsage, when present, allows signing certificates (as OpenSSL requires of an issuer). */
function maySignCertificates(extensions: Map<string, Buffer>): boolean {
  const value = extensions.get(OID_KEY_USAGE);
  if (value === undefined) return true;
  const bits = readDerElement(value);
  return bits?.tag === 0x03 && ((bits.content[1] ?? 0) & 0x04) !== 0;
}

/** The authority key identifier's keyIdentifier, if the certificate names one. */
function authorityKeyId(extensions: Map<string, Buffer>): Buffer | undefined {
  const value = extensions.get(OID_AUTHORITY_KEY_ID);
  const akid = value === undefined ? undefined : readDerElement(value);
  const [first] = derChildren(akid?.content ?? Buffer.alloc(0)) ?? [];
  return first?.tag === 0x80 ? first.content : undefined;
}

/** The subject key identifier, if the certificate has one. */
function subjectKeyId(extensions: Map<string, Buffer>): Buffer | undefined {
  const value = extensions.get(OID_SUBJECT_KEY_ID);
  const skid = value === undefined ? undefined : readDerElement(value);
  return skid?.tag === 0x04 ? skid.content : undefined;
}

/** A certificate read from its DER, for a Node without X509Certificate. */
function fromDer(der: Buffer): Certificate {
  const cert = readDerElement(der);
  if (cert?.tag !== 0x30) throw invalid('no DER SEQUENCE');
  const [tbs, algorithm, signature] = derChildren(cert.content) ?? [];
  expectTag(tbs, 0x30, 'tbsCertificate');
  expectTag(algorithm, 0x30, 'signatureAlgorithm');
  const sig = expectTag(signature, 0x03, 'signatureValue');
  const fields = derChildren(tbs?.content ?? Buffer.alloc(0));
  if (fields === undefined) throw invalid('tbsCertificate is malformed');
  // version [0] is optional; the fields after it are positional.
  const at = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = expectTag(fields[at + 2], 0x30, 'issuer');
  const subject = expectTag(fields[at + 4], 0x30, 'subject');
  const spki = expectTag(fields[at + 5], 0x30, 'subjectPublicKeyInfo');
  const extensions = extensionValues(fields.slice(at + 6).find((f) => f.tag === 0xa3));
  const [oid] = derChildren(algorithm?.content ?? Buffer.alloc(0)) ?? [];
  const hash = SIGNATURE_HASHES[oid?.content.toString('hex') ?? ''];
  let publicKey: crypto.KeyObject;
  try {
    publicKey = crypto.createPublicKey({ key: spki.raw, format: 'der', type: 'spki' });
  } catch (err) {
    throw invalid(`unreadable public key (${err instanceof Error ? err.message : String(err)})`);
  }
  const raw = Buffer.from(cert.raw);
  const tbsRaw = Buffer.from(tbs?.raw ?? Buffer.alloc(0));
  const signatureBytes = sig.content.subarray(1);
  interface ByHand extends Certificate {
    readonly issuerName: Buffer;
    readonly subjectName: Buffer;
    readonly extensions: Map<string, Buffer>;
  }
  const self: ByHand = {
    raw,
    ca: isCa(extensions),
    subject: subjectText(subject),
    publicKey,
    issuerName: Buffer.from(issuer.raw),
    subjectName: Buffer.from(subject.raw),
    extensions,
    // OpenSSL's X509_check_issued, as far as these certificates go: the issuer's subject is our
    // issuer name, its key identifier is the one ours names (when both are there), and its key
    // usage, when restricted, includes signing certificates.
    checkIssued(other: Certificate): boolean {
      const them = other as Partial<ByHand>;
      if (them.subjectName === undefined || them.extensions === undefined) return false;
      if (!them.subjectName.equals(self.issuerName)) return false;
      const akid = authorityKeyId(extensions);
      const skid = subjectKeyId(them.extensions);
      if (akid !== undefined && skid !== undefined && !akid.equals(skid)) return false;
      return maySignCertificates(them.extensions);
    },
    verify(key: crypto.KeyObject): boolean {
      if (hash === undefined) return false;
      try {
        return crypto.verify(hash, tbsRaw, key, signatureBytes);
      } catch {
        return false;
      }
    },
  };
  return self;
}

/** A certificate through Node's X509Certificate. */
function fromNative(native: crypto.X509Certificate): Certificate {
  const self: Certificate & { readonly native: crypto.X509Certificate } = {
    native,
    raw: native.raw,
    ca: native.ca,
    subject: native.subject,
    publicKey: native.publicKey,
    checkIssued(other: Certificate): boolean {
      const theirs = (other as Partial<typeof self>).native;
      return theirs !== undefined && native.checkIssued(theirs);
    },
    verify(key: crypto.KeyObject): boolean {
      return native.verify(key);
    },
  };
  return self;
}

/**
 * Reads one X.509 certificate from PEM or DER bytes, with Node's `X509Certificate` where it
 * exists and from the DER on Node 12.
 *
 * @param input - a PEM CERTIFICATE block or DER bytes; bytes after the DER are ignored (compare
 *   `raw` with the input to refuse them)
 * @param options - `native: false` reads the DER even where `X509Certificate` exists (tests)
 * @returns the certificate
 * @throws Error when the bytes are not one certificate
 * @example
 * ```ts
 * const cert = parseCertificate(readFileSync('ca.pem'));
 * const selfSigned = cert.checkIssued(cert) && cert.verify(cert.publicKey);
 * ```
 */
export function parseCertificate(
  input: Buffer,
  options: Readonly<{ native?: boolean }> = {},
): Certificate {
  if (NATIVE !== undefined && options.native !== false) return fromNative(new NATIVE(input));
  return fromDer(derOf(input));
}
