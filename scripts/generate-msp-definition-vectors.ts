/**
 * Writes test/vectors/msp-definition.json: the MSP-definition canonicalisation and hash vectors
 * that the chaincode and the gateway both test against. The test certificates are made on the
 * first run (openssl, see scripts/lib/openssl-ca.ts) and reused afterwards, so rerunning reproduces
 * the file unless the canonical form or the hash changed, which is what the vectors are there to
 * catch.
 *
 * Run: npx ts-node --transpile-only scripts/generate-msp-definition-vectors.ts &&
 *      npx prettier --write test/vectors/msp-definition.json
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MSP_DEFINITION_DOMAIN,
  MspDefinitionError,
  canonicalMspDefinition,
  mspDefinitionHash,
} from '@oracle-consortium/protocol';
import { issuedCa, issuedLeaf, selfSigned } from './lib/openssl-ca';

const OUT = join(__dirname, '..', 'test', 'vectors', 'msp-definition.json');

interface Certificates {
  orgRoot: string;
  /** An admin of the organisation, issued by orgRoot: the invitee's caller in contract tests. */
  orgAdmin: string;
  /** An admin issued by otherRoot: a caller of the impostor organisation. */
  otherAdmin: string;
  orgTlsRoot: string;
  otherRoot: string;
  leaf: string;
  intermediate: string;
}

function certificates(): Certificates {
  if (existsSync(OUT)) {
    // A file from before the admin certificates existed is regenerated whole.
    const stored = (
      JSON.parse(readFileSync(OUT, 'utf8')) as { certificates: Partial<Certificates> }
    ).certificates;
    if (stored.orgAdmin !== undefined) return stored as Certificates;
  }
  const orgRoot = selfSigned('ca.org3.example.com');
  const otherRoot = selfSigned('ca.impostor.example.com');
  return {
    orgRoot: orgRoot.certPem,
    orgAdmin: issuedLeaf('Admin@org3.example.com', 'admin', orgRoot).certPem,
    otherAdmin: issuedLeaf('Admin@org3.example.com', 'admin', otherRoot).certPem,
    orgTlsRoot: selfSigned('tlsca.org3.example.com').certPem,
    otherRoot: otherRoot.certPem,
    leaf: selfSigned('peer0.org3.example.com', false).certPem,
    intermediate: issuedCa('ica.org3.example.com', orgRoot).certPem,
  };
}

const certs = certificates();
const der = (pem: string): string => new X509Certificate(pem).raw.toString('base64');
const body = (pem: string): string => der(pem);
const wrap = (b64: string, width: number, eol: string): string =>
  (b64.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(eol);

const base = {
  mspId: 'Org3MSP',
  rootCerts: [certs.orgRoot, certs.otherRoot],
  tlsRootCerts: [certs.orgTlsRoot],
  nodeOUs: true,
};
const inputs = [
  { name: 'PEM wrapped at 64 columns', input: base },
  {
    name: 'PEM wrapped at 76 columns with CRLF and indentation',
    input: {
      ...base,
      rootCerts: base.rootCerts.map(
        (p) =>
          `\r\n  -----BEGIN CERTIFICATE-----\r\n  ${wrap(body(p), 76, '\r\n  ')}\r\n-----END CERTIFICATE-----\r\n`,
      ),
    },
  },
  {
    name: 'PEM on one line',
    input: {
      ...base,
      tlsRootCerts: [
        `-----BEGIN CERTIFICATE-----${body(certs.orgTlsRoot)}-----END CERTIFICATE-----`,
      ],
    },
  },
  {
    name: 'base64 DER',
    input: { ...base, rootCerts: base.rootCerts.map(der), tlsRootCerts: [der(certs.orgTlsRoot)] },
  },
  {
    name: 'roots in the other order',
    input: { ...base, rootCerts: [...base.rootCerts].reverse() },
  },
];
const distinct = [
  { name: 'node OUs disabled', input: { ...base, nodeOUs: false } },
  { name: 'another MSP id', input: { ...base, mspId: 'Org4MSP' } },
  { name: 'one root fewer', input: { ...base, rootCerts: [certs.orgRoot] } },
  {
    name: 'roots and TLS roots swapped',
    input: { ...base, rootCerts: [certs.orgTlsRoot], tlsRootCerts: [certs.orgRoot] },
  },
].map((v) => ({ ...v, expectedHash: mspDefinitionHash(v.input) }));
const invalidInputs: { name: string; input: unknown }[] = [
  { name: 'not an object', input: ['Org3MSP'] },
  { name: 'an unknown field', input: { ...base, adminCerts: [] } },
  { name: 'a malformed MSP id', input: { ...base, mspId: 'Org 3' } },
  {
    name: 'nodeOUs missing',
    input: { mspId: 'Org3MSP', rootCerts: base.rootCerts, tlsRootCerts: base.tlsRootCerts },
  },
  { name: 'no root certificate', input: { ...base, rootCerts: [] } },
  { name: 'a certificate that is not a string', input: { ...base, tlsRootCerts: [42] } },
  {
    name: 'one root listed twice (PEM and DER)',
    input: { ...base, rootCerts: [certs.orgRoot, der(certs.orgRoot)] },
  },
  { name: 'text that is not base64', input: { ...base, rootCerts: ['not a certificate'] } },
  {
    name: 'base64 that is not a certificate',
    input: { ...base, rootCerts: [Buffer.from('hello, world').toString('base64')] },
  },
  {
    name: 'a private key',
    input: {
      ...base,
      rootCerts: [
        '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----',
      ],
    },
  },
  {
    name: 'a certificate with bytes after it',
    input: {
      ...base,
      rootCerts: [
        Buffer.concat([Buffer.from(der(certs.orgRoot), 'base64'), Buffer.from([0, 0])]).toString(
          'base64',
        ),
      ],
    },
  },
  { name: 'a leaf certificate (CA:FALSE)', input: { ...base, rootCerts: [certs.leaf] } },
  {
    name: 'an intermediate CA (not self-signed)',
    input: { ...base, tlsRootCerts: [certs.intermediate] },
  },
];
const invalid = invalidInputs.map((v) => {
  try {
    canonicalMspDefinition(v.input);
  } catch (err) {
    if (err instanceof MspDefinitionError) {
      return { ...v, expectedCode: err.code };
    }
    throw err;
  }
  throw new Error(`vector "${v.name}" was accepted`);
});

const vectors = {
  domain: MSP_DEFINITION_DOMAIN,
  certificates: certs,
  equivalent: {
    expectedCanonical: canonicalMspDefinition(base),
    expectedHash: mspDefinitionHash(base),
    inputs,
  },
  distinct,
  invalid,
};
writeFileSync(OUT, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${OUT}`);
