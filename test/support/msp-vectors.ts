/**
 * The shared MSP-definition test vectors (test/vectors/msp-definition.json), read once for the
 * protocol, chaincode and gateway tests, and definitions built from their certificates for tests
 * that only need a valid organisation.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mspDefinitionHash, type MspDefinition } from '@oracle-consortium/protocol';

interface MspVectors {
  domain: string;
  certificates: {
    orgRoot: string;
    orgAdmin: string;
    otherAdmin: string;
    orgTlsRoot: string;
    otherRoot: string;
    leaf: string;
    intermediate: string;
  };
  equivalent: {
    expectedCanonical: MspDefinition;
    expectedHash: string;
    inputs: { name: string; input: unknown }[];
  };
  distinct: { name: string; input: unknown; expectedHash: string }[];
  invalid: { name: string; input: unknown; expectedCode: string }[];
}

/** The vectors, parsed. */
export const mspVectors = JSON.parse(
  readFileSync(join(__dirname, '..', 'vectors', 'msp-definition.json'), 'utf8'),
) as MspVectors;

/**
 * A valid definition for an MSP id: the vectors' organisation root and TLS root, node OUs on.
 *
 * @param mspId - the MSP id
 * @returns the definition, certificates in PEM
 */
export function definitionFor(mspId: string): MspDefinition {
  return {
    mspId,
    rootCerts: [mspVectors.certificates.orgRoot],
    tlsRootCerts: [mspVectors.certificates.orgTlsRoot],
    nodeOUs: true,
  };
}

/**
 * What the contract stores for {@link definitionFor}: certificates as base64 DER, derived here
 * with node:crypto rather than with the canonicalisation under test.
 *
 * @param mspId - the MSP id
 * @returns the canonical definition
 */
export function canonicalFor(mspId: string): MspDefinition {
  const der = (pem: string): string => new X509Certificate(pem).raw.toString('base64');
  return {
    mspId,
    nodeOUs: true,
    rootCerts: [der(mspVectors.certificates.orgRoot)],
    tlsRootCerts: [der(mspVectors.certificates.orgTlsRoot)],
  };
}

/**
 * The hash of {@link definitionFor} (the hash function itself is pinned by the vectors).
 *
 * @param mspId - the MSP id
 * @returns 64 hex digits
 */
export function hashFor(mspId: string): string {
  return mspDefinitionHash(definitionFor(mspId));
}

/**
 * Proposal actions as the contract stores {@link inviting}: canonical definitions and hashes.
 *
 * @param mspIds - the principals
 * @returns the stored actions
 */
export function storedInviting(...mspIds: string[]): {
  Invitations: { Principal: string; MspDefinition: MspDefinition; MspDefinitionHash: string }[];
} {
  return {
    Invitations: mspIds.map((id) => ({
      Principal: id,
      MspDefinition: canonicalFor(id),
      MspDefinitionHash: hashFor(id),
    })),
  };
}

/**
 * A valid definition under the same MSP id with another root: an impostor organisation.
 *
 * @param mspId - the MSP id
 * @returns the definition, certificates in PEM
 */
export function impostorFor(mspId: string): MspDefinition {
  return { ...definitionFor(mspId), rootCerts: [mspVectors.certificates.otherRoot] };
}

/**
 * Proposal actions inviting each MSP id with its {@link definitionFor} definition.
 *
 * @param mspIds - the principals
 * @returns `{ Invitations: [{ Principal, MspDefinition }, …] }`
 */
export function inviting(...mspIds: string[]): {
  Invitations: { Principal: string; MspDefinition: MspDefinition }[];
} {
  return { Invitations: mspIds.map((id) => ({ Principal: id, MspDefinition: definitionFor(id) })) };
}
