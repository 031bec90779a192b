/**
 * MSP definitions for invitations: built from PEM files or from an organisation's MSP folder, and
 * hashed exactly as the `membership` contract checks them (the protocol package's canonical form
 * and hash, the very code the chaincode runs). A proposal to invite an organisation carries its
 * definition, and the invitee presents the same definition when it accepts.
 *
 * ```
 * hash = hex SHA-256(UTF-8("oracle-consortium/msp-definition/v1\n" ||
 *          canonicalJson({mspId, nodeOUs, rootCerts: sorted base64 DER, tlsRootCerts: sorted base64 DER})))
 * ```
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { canonicalMspDefinition, type MspDefinition } from '@oracle-consortium/protocol';
import { InputError } from '../errors';

/** Options of {@link fromPemFiles}. */
export interface PemFilesOptions {
  /** The MSP id the channel will use. */
  readonly mspId: string;
  /** Paths of PEM files holding the root CA certificates (one or more certificates each). */
  readonly rootCertFiles: readonly string[];
  /** Paths of PEM files holding the TLS root CA certificates. */
  readonly tlsRootCertFiles: readonly string[];
  /** Whether roles come from Fabric's default node OUs; true when absent, as Fabric CA issues. */
  readonly nodeOUs?: boolean;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

async function readCertificates(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  const certs = text.match(PEM_CERTIFICATE) ?? [];
  if (certs.length === 0) {
    throw new InputError({
      code: 'INVALID_INPUT',
      message: `${path} holds no PEM CERTIFICATE block`,
    });
  }
  return certs;
}

async function readAllCertificates(paths: readonly string[]): Promise<string[]> {
  return (await Promise.all(paths.map(readCertificates))).flat();
}

/**
 * Builds a canonical MSP definition from PEM files.
 *
 * @param options - the MSP id, certificate files and node-OU setting
 * @returns the canonical definition (certificates as sorted base64 DER)
 * @throws InputError `INVALID_INPUT` when a file holds no PEM certificate
 * @throws MspDefinitionError `MALFORMED_INPUT`, `INVALID_CERTIFICATE` or `NOT_A_CA_CERTIFICATE`
 *   when the definition would be refused by the contract
 * @throws Error from the file system when a file cannot be read
 * @example
 * ```ts
 * const def = await clients.mspDefinitions.fromPemFiles({
 *   mspId: 'Org3MSP', rootCertFiles: ['ca-cert.pem'], tlsRootCertFiles: ['tls-ca-cert.pem'] });
 * ```
 */
export async function fromPemFiles(options: Readonly<PemFilesOptions>): Promise<MspDefinition> {
  return canonicalMspDefinition({
    mspId: options.mspId,
    rootCerts: await readAllCertificates(options.rootCertFiles),
    tlsRootCerts: await readAllCertificates(options.tlsRootCertFiles),
    nodeOUs: options.nodeOUs ?? true,
  });
}

async function pemFilesIn(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.pem')).sort();
  if (names.length === 0) {
    throw new InputError({ code: 'INVALID_INPUT', message: `${dir} holds no .pem file` });
  }
  return names.map((n) => join(dir, n));
}

async function nodeOUsEnabled(mspDir: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(join(mspDir, 'config.yaml'), 'utf8');
  } catch {
    // No config.yaml is how an MSP folder without node OUs looks.
    return false;
  }
  const config: unknown = parseYaml(text);
  const nodeOUs =
    typeof config === 'object' && config !== null
      ? (config as Record<string, unknown>).NodeOUs
      : undefined;
  return (
    typeof nodeOUs === 'object' &&
    nodeOUs !== null &&
    (nodeOUs as Record<string, unknown>).Enable === true
  );
}

/**
 * Builds a canonical MSP definition from an MSP folder as Fabric lays it out (`cacerts/`,
 * `tlscacerts/`, and `config.yaml` whose `NodeOUs.Enable` sets `nodeOUs`).
 *
 * @param mspDir - the folder, for example an organisation admin's `msp`
 * @param mspId - the MSP id the channel will use (a folder does not record it)
 * @returns the canonical definition
 * @throws InputError `INVALID_INPUT` when `cacerts/` or `tlscacerts/` holds no `.pem` file
 * @throws MspDefinitionError `MALFORMED_INPUT`, `INVALID_CERTIFICATE` or `NOT_A_CA_CERTIFICATE`
 *   when the definition would be refused by the contract (an intermediate CA among `cacerts/`)
 * @throws Error from the file system when a folder is missing
 * @example
 * ```ts
 * const def = await clients.mspDefinitions.fromMspFolder('organizations/org3/msp', 'Org3MSP');
 * ```
 */
export async function fromMspFolder(mspDir: string, mspId: string): Promise<MspDefinition> {
  return fromPemFiles({
    mspId,
    rootCertFiles: await pemFilesIn(join(mspDir, 'cacerts')),
    tlsRootCertFiles: await pemFilesIn(join(mspDir, 'tlscacerts')),
    nodeOUs: await nodeOUsEnabled(mspDir),
  });
}

// The definition's canonical form and hash are the protocol package's, so the hash an app
// computes is the one the contract checks.
export {
  MSP_DEFINITION_DOMAIN,
  MspDefinitionError,
  canonicalMspDefinition,
  mspDefinitionHash,
  type MspDefinition,
  type MspDefinitionErrorCode,
} from '@oracle-consortium/protocol';
