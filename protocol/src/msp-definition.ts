/**
 * The MSP definition an invitation binds: the MSP id, root and TLS root certificates and whether
 * node OUs are enabled, which is what the channel configuration will get for the invited
 * organisation. Members vote on it, the invitee presents it again when it accepts, and a member's
 * agent builds the channel update from it, so all three must agree on one value whatever the
 * certificate encoding: {@link canonicalMspDefinition} parses every certificate and re-encodes it
 * as base64 DER (PEM wrapping, whitespace, CRLF or DER input give one form), sorts each list, and
 * {@link mspDefinitionHash} hashes that form. The chaincode checks with these functions and the
 * gateway computes with them; both are tested against `test/vectors/msp-definition.json`.
 *
 * Node OUs are part of the definition because they decide who the channel's `Admins` and
 * `Members` policies count: with them enabled, an identity's role comes from its certificate's OU
 * (`admin`, `client`, `peer`, `orderer`), without them from the MSP's admin certificate list. Two
 * definitions with the same certificates but a different node-OU setting therefore admit
 * different administrators, and a vote must fix which one the channel gets. The OU names are
 * Fabric's defaults (`client`, `peer`, `admin`, `orderer`, certified by the first root), as
 * Fabric CA issues them; custom OU names are not supported yet.
 */
import { createHash } from 'node:crypto';
import { parseCertificate, type Certificate } from './x509';
import { canonicalJson } from './canonical-json';

/** The domain prefix of {@link mspDefinitionHash}, so the hash cannot be replayed as another. */
export const MSP_DEFINITION_DOMAIN = 'oracle-consortium/msp-definition/v1\n';

/** The most certificates one list of a definition may hold; keeps a proposal small. */
export const MAX_MSP_CERTIFICATES = 8;

/** A hex SHA-256 hash: 64 lowercase hex digits. */
export const MSP_DEFINITION_HASH_PATTERN = /^[0-9a-f]{64}$/;

/** The MSP id rule the contracts apply (see `chaincode/src/lib/msp-ids.ts`). */
const MSP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * An organisation's MSP definition as the channel will get it. Certificates may be given as PEM
 * (any wrapping and whitespace) or base64 DER; the canonical form holds base64 DER, sorted.
 */
export interface MspDefinition {
  /** The MSP id, exactly as the channel will spell it. */
  readonly mspId: string;
  /** Self-signed CA certificates that issue the organisation's identities (1 or more). */
  readonly rootCerts: readonly string[];
  /** Self-signed CA certificates that issue its TLS certificates (1 or more). */
  readonly tlsRootCerts: readonly string[];
  /** Whether roles come from Fabric's default node OUs (`client`, `peer`, `admin`, `orderer`). */
  readonly nodeOUs: boolean;
}

/** Why a definition has no canonical form. */
export type MspDefinitionErrorCode =
  'MALFORMED_INPUT' | 'INVALID_CERTIFICATE' | 'NOT_A_CA_CERTIFICATE';

/** A definition that cannot be canonicalised: its code says which rule it breaks. */
export class MspDefinitionError extends Error {
  /** The error code, also a code of the membership contract. */
  readonly code: MspDefinitionErrorCode;

  /**
   * @param code - which rule the definition breaks
   * @param message - what exactly is wrong, naming the field
   */
  constructor(code: MspDefinitionErrorCode, message: string) {
    super(message);
    this.name = 'MspDefinitionError';
    this.code = code;
  }
}

const PEM_BLOCK = /^-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*)-----END CERTIFICATE-----$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function certificateDer(value: unknown, field: string): Buffer {
  if (typeof value !== 'string') {
    throw new MspDefinitionError('MALFORMED_INPUT', `${field} must be a PEM or base64 DER string`);
  }
  const text = value.trim();
  const pem = PEM_BLOCK.exec(text);
  // PEM line breaks and indentation carry no meaning, so they are dropped before decoding.
  const base64 = (pem === null ? text : (pem[1] ?? '')).replace(/\s+/g, '');
  if (!BASE64.test(base64) || base64.length % 4 !== 0) {
    throw new MspDefinitionError(
      'INVALID_CERTIFICATE',
      `${field} is neither one PEM CERTIFICATE block nor base64 DER`,
    );
  }
  return Buffer.from(base64, 'base64');
}

function parseRoot(value: unknown, field: string): string {
  const der = certificateDer(value, field);
  let cert: Certificate;
  try {
    cert = parseCertificate(der);
  } catch (err) {
    throw new MspDefinitionError(
      'INVALID_CERTIFICATE',
      `${field} is not an X.509 certificate (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  // Trailing bytes after the DER would let two encodings of one certificate hash differently.
  if (!cert.raw.equals(der)) {
    throw new MspDefinitionError('INVALID_CERTIFICATE', `${field} has bytes after the certificate`);
  }
  if (!cert.ca) {
    throw new MspDefinitionError(
      'NOT_A_CA_CERTIFICATE',
      `${field} (${cert.subject.replace(/\n/g, ', ')}) is not a CA certificate (basicConstraints cA is not true)`,
    );
  }
  if (!cert.checkIssued(cert) || !cert.verify(cert.publicKey)) {
    throw new MspDefinitionError(
      'NOT_A_CA_CERTIFICATE',
      `${field} (${cert.subject.replace(/\n/g, ', ')}) is not self-signed: a root certificate must be; intermediate CAs are not supported yet`,
    );
  }
  return cert.raw.toString('base64');
}

function parseCertList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_MSP_CERTIFICATES) {
    throw new MspDefinitionError(
      'MALFORMED_INPUT',
      `${field} must be an array of 1 to ${MAX_MSP_CERTIFICATES} certificates`,
    );
  }
  const certs = value.map((v, i) => parseRoot(v, `${field}[${i}]`));
  const sorted = [...certs].sort();
  sorted.forEach((c, i) => {
    if (i > 0 && sorted[i - 1] === c) {
      throw new MspDefinitionError('MALFORMED_INPUT', `${field} lists one certificate twice`);
    }
  });
  return sorted;
}

const FIELDS = ['mspId', 'nodeOUs', 'rootCerts', 'tlsRootCerts'];

/**
 * The canonical form of an MSP definition: every certificate parsed and re-encoded as base64 DER,
 * each list sorted (a channel treats root certificates as a set), no other fields.
 *
 * @param value - a parsed JSON value, for example from a transaction argument
 * @returns the canonical definition
 * @throws MspDefinitionError `MALFORMED_INPUT` when the shape, the MSP id or a list is wrong
 * @throws MspDefinitionError `INVALID_CERTIFICATE` when an entry is not one X.509 certificate
 * @throws MspDefinitionError `NOT_A_CA_CERTIFICATE` when a certificate is not a self-signed CA
 * @example
 * ```ts
 * const def = canonicalMspDefinition({ mspId: 'Org3MSP', rootCerts: [caPem], tlsRootCerts: [tlsCaPem], nodeOUs: true });
 * ```
 */
export function canonicalMspDefinition(value: unknown): MspDefinition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MspDefinitionError('MALFORMED_INPUT', 'an MSP definition must be a JSON object');
  }
  const record = value as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    if (!FIELDS.includes(k)) {
      throw new MspDefinitionError(
        'MALFORMED_INPUT',
        `the MSP definition has an unknown field ${k}`,
      );
    }
  }
  const { mspId, nodeOUs } = record;
  if (typeof mspId !== 'string' || !MSP_ID.test(mspId)) {
    throw new MspDefinitionError(
      'MALFORMED_INPUT',
      'mspId must be an MSP id (letters, digits, . _ -; at most 128)',
    );
  }
  if (typeof nodeOUs !== 'boolean') {
    throw new MspDefinitionError('MALFORMED_INPUT', 'nodeOUs must be true or false');
  }
  return {
    mspId,
    rootCerts: parseCertList(record.rootCerts, 'rootCerts'),
    tlsRootCerts: parseCertList(record.tlsRootCerts, 'tlsRootCerts'),
    nodeOUs,
  };
}

/**
 * The hash that binds an invitation to one MSP definition.
 *
 * @param definition - a definition in any accepted encoding; it is canonicalised first
 * @returns `hex(SHA-256(UTF-8(MSP_DEFINITION_DOMAIN || canonicalJson(canonicalMspDefinition(definition)))))`
 * @throws MspDefinitionError as {@link canonicalMspDefinition}
 * @example
 * ```ts
 * const hash = mspDefinitionHash({ mspId: 'Org3MSP', rootCerts: [caPem], tlsRootCerts: [tlsCaPem], nodeOUs: true });
 * ```
 */
export function mspDefinitionHash(definition: unknown): string {
  const text = canonicalJson(canonicalMspDefinition(definition));
  return createHash('sha256')
    .update(MSP_DEFINITION_DOMAIN + text, 'utf8')
    .digest('hex');
}
