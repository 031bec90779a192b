import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import { parseEndpoint, type Endpoint } from '../lib/endpoint';
import type { OrdererEndpoint } from '../orderer/broadcast';

/** One peer the library can send requests to. */
export interface PeerConfig {
  /** Name for logs and errors (node id or profile name). */
  readonly name: string;
  /** MSP of the member running the peer. */
  readonly mspId: string;
  /** Where to dial and which TLS name to expect. */
  readonly endpoint: Endpoint;
  /** PEM roots the peer's TLS certificate must chain to. */
  readonly tlsRootCerts: string;
}

/** The member's CA as a network publishes it. */
export interface CaConfig {
  /** `https://hostname:port`. */
  readonly url: string;
  /** Address to dial, when the hostname does not resolve. */
  readonly address?: string;
  /** PEM roots of the CA's TLS certificate. */
  readonly tlsRootCerts: string;
  /** CA name on a multi-CA server. */
  readonly caName?: string;
  /** Bootstrap registrar, when the network publishes one (local networks only). */
  readonly registrar?: {
    /** Enrollment id of the bootstrap registrar. */
    readonly enrollmentId: string;
    /** Its enrollment secret. */
    readonly enrollmentSecret: string;
  };
}

/** An identity whose files a network description lists. */
export interface IdentityFiles {
  /** MSP of the identity. */
  readonly mspId: string;
  /** PEM certificate path. */
  readonly certificatePath: string;
  /** PEM private key path. */
  readonly privateKeyPath: string;
}

/**
 * Everything needed to connect one member's applications, read from a network description or a
 * connection profile. Peers are ordered own member's first.
 */
export interface NetworkConfig {
  /** Channel the applications use. */
  readonly channelName: string;
  /** The member's MSP id. */
  readonly mspId: string;
  /** Gateway peers, own member's first. */
  readonly peers: readonly PeerConfig[];
  /**
   * The ordering service's nodes, when the network publishes them; the legacy transport (peers
   * without the Gateway service) broadcasts to them, and reads them from the channel's
   * configuration through discovery when absent.
   */
  readonly orderers?: readonly OrdererEndpoint[];
  /** The member's CA, when published. */
  readonly ca?: CaConfig;
  /** Identities listed by the description, by name. */
  readonly identities: Readonly<Record<string, IdentityFiles>>;
  /** KMS endpoint and region, when the network publishes one. */
  readonly kms?: {
    /** URL of the KMS API. */
    readonly endpoint: string;
    /** Region the KMS signs in. */
    readonly region: string;
  };
  /** HSM settings, when the network publishes them. */
  readonly hsm?: {
    /** Path of the PKCS#11 module. */
    readonly library: string;
    /** SoftHSM2 configuration file (SOFTHSM2_CONF), when the HSM is SoftHSM2. */
    readonly softHsm2Conf?: string;
    /** Label of the token holding the keys. */
    readonly tokenLabel: string;
    /** User PIN of that token. */
    readonly pin: string;
  };
}

/** Options of {@link loadNetworkDescription}. */
export interface NetworkDescriptionOptions {
  /** Path of `network.json`. */
  readonly path: string;
  /** Member name, id or MSP id whose applications connect. */
  readonly member: string;
  /**
   * Whether other members' peers are listed after the member's own, as fallback gateways the
   * connection uses only when none of its own peers is usable (never for transient data); false
   * unless stated, since reads would then come from another member's world state.
   */
  readonly includeOtherMembers?: boolean;
}

/** Options of {@link loadConnectionProfile}. */
export interface ConnectionProfileOptions {
  /** Path of a Fabric connection profile, JSON or YAML. */
  readonly path: string;
  /** Organization key or MSP id; the profile's `client.organization` when absent. */
  readonly organization?: string;
  /** Channel; the profile's only channel when absent. */
  readonly channel?: string;
  /**
   * Whether other organizations' peers are listed after the organization's own, as fallback
   * gateways (see {@link NetworkDescriptionOptions.includeOtherMembers}); false unless stated.
   */
  readonly includeOtherMembers?: boolean;
}

function invalid(message: string, cause?: unknown): ConfigError {
  return new ConfigError({ code: 'INVALID_CONFIG', message, cause });
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw invalid(`cannot read ${what} ${path}`, cause);
  }
}

type Json = Record<string, unknown>;

function obj(value: unknown, where: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`${where} must be an object`);
  }
  return value as Json;
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') {
    throw invalid(`${where} must be a non-empty string`);
  }
  return value;
}

function optStr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads the network description the test network writes (shaped like the managed service's
 * GetNetwork/GetMember/GetNode answers) for one member.
 *
 * @param options - description path and member
 * @returns the member's connection settings
 * @throws ConfigError `INVALID_CONFIG` when the file is missing, malformed or lacks the member
 * @example
 * ```ts
 * const config = await connection.loadNetworkDescription({ path: 'network.json', member: 'Org1' });
 * ```
 */
export async function loadNetworkDescription(
  options: Readonly<NetworkDescriptionOptions>,
): Promise<NetworkConfig> {
  let doc: Json;
  try {
    doc = obj(JSON.parse(await readText(options.path, 'network description')), options.path);
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw invalid(`network description ${options.path} is not JSON`, cause);
  }
  const network = obj(doc.Network, 'Network');
  const channelName = str(network.ChannelName, 'Network.ChannelName');
  const hosts = (doc.Hosts ?? {}) as Record<string, string>;
  const tlsRootCerts = await readText(
    str(doc.TlsRootChainPath, 'TlsRootChainPath'),
    'TLS root chain',
  );
  if (!Array.isArray(doc.Members)) {
    throw invalid('Members must be an array');
  }
  const members = doc.Members.map((m, i) => obj(m, `Members[${i}]`));
  const own = members.find((m) => [m.Name, m.Id, m.MspId].includes(options.member));
  if (own === undefined) {
    throw invalid(`member ${options.member} is not in ${options.path}`);
  }
  const peersOf = (m: Json): PeerConfig[] => {
    const mspId = str(m.MspId, 'Member.MspId');
    return (Array.isArray(m.Nodes) ? m.Nodes : []).map((n, i) => {
      const node = obj(n, `${mspId}.Nodes[${i}]`);
      const fabric = obj(
        obj(node.FrameworkAttributes, 'Node.FrameworkAttributes').Fabric,
        'Fabric',
      );
      return {
        name: str(node.Id, 'Node.Id'),
        mspId,
        endpoint: parseEndpoint(str(fabric.PeerEndpoint, 'PeerEndpoint'), hosts),
        tlsRootCerts,
      };
    });
  };
  const peers = [
    ...peersOf(own),
    ...(options.includeOtherMembers === true
      ? members.filter((m) => m !== own).flatMap(peersOf)
      : []),
  ];
  if (peers.length === 0) {
    throw invalid(`member ${options.member} has no peer nodes`);
  }
  const fabric = obj(obj(own.FrameworkAttributes, 'FrameworkAttributes').Fabric, 'Fabric');
  const caEndpoint = optStr(fabric.CaEndpoint);
  const registrar = own.CaRegistrar as Json | undefined;
  const identities: Record<string, IdentityFiles> = {};
  for (const [name, value] of Object.entries((own.Identities ?? {}) as Json)) {
    const v = obj(value, `Identities.${name}`);
    identities[name] = {
      mspId: str(v.MspId, `Identities.${name}.MspId`),
      certificatePath: str(v.CertificatePath, `Identities.${name}.CertificatePath`),
      privateKeyPath: str(v.PrivateKeyPath, `Identities.${name}.PrivateKeyPath`),
    };
  }
  const kms = doc.Kms as Json | undefined;
  const hsm = doc.Hsm as Json | undefined;
  let ca: CaConfig | undefined;
  if (caEndpoint !== undefined) {
    const endpoint = parseEndpoint(caEndpoint, hosts);
    ca = {
      url: `https://${endpoint.hostname}:${endpoint.port}`,
      ...(endpoint.address !== undefined ? { address: endpoint.address } : {}),
      tlsRootCerts,
      ...(registrar !== undefined
        ? {
            registrar: {
              enrollmentId: str(registrar.EnrollmentId, 'CaRegistrar.EnrollmentId'),
              enrollmentSecret: str(registrar.EnrollmentSecret, 'CaRegistrar.EnrollmentSecret'),
            },
          }
        : {}),
    };
  }
  const orderers = (Array.isArray(doc.Orderers) ? doc.Orderers : []).map(
    (o: unknown, i): OrdererEndpoint => {
      const node = obj(o, `Orderers[${i}]`);
      return {
        name: optStr(node.Id) ?? `orderer${i + 1}`,
        endpoint: parseEndpoint(str(node.Endpoint, `Orderers[${i}].Endpoint`), hosts),
        tlsRootCerts,
      };
    },
  );
  return {
    channelName,
    mspId: str(own.MspId, 'MspId'),
    peers,
    identities,
    ...(orderers.length > 0 ? { orderers } : {}),
    ...(ca !== undefined ? { ca } : {}),
    ...(kms !== undefined
      ? {
          kms: {
            endpoint: str(kms.Endpoint, 'Kms.Endpoint'),
            region: str(kms.Region, 'Kms.Region'),
          },
        }
      : {}),
    ...(hsm !== undefined
      ? {
          hsm: {
            library: str(hsm.Library, 'Hsm.Library'),
            tokenLabel: str(hsm.TokenLabel, 'Hsm.TokenLabel'),
            pin: str(hsm.Pin, 'Hsm.Pin'),
            ...(optStr(hsm.SoftHsm2Conf) !== undefined
              ? { softHsm2Conf: str(hsm.SoftHsm2Conf, 'Hsm.SoftHsm2Conf') }
              : {}),
          },
        }
      : {}),
  };
}

async function pemOf(entry: unknown, base: string, where: string): Promise<string> {
  const e = obj(entry, where);
  const pem = optStr(e.pem);
  if (pem !== undefined) return pem;
  const path = str(e.path, `${where}.path`);
  return readText(isAbsolute(path) ? path : resolve(base, path), `${where}.path`);
}

/**
 * Reads a standard Fabric connection profile (JSON or YAML): `organizations`, `peers` with
 * `url`, `tlsCACerts` and `grpcOptions.ssl-target-name-override`, `certificateAuthorities`.
 * When a peer's URL is an address and the override a hostname, the library dials the address
 * and verifies the hostname.
 *
 * @param options - profile path, organization and channel
 * @returns the organization's connection settings
 * @throws ConfigError `INVALID_CONFIG` when the profile is unreadable or lacks what is asked
 */
export async function loadConnectionProfile(
  options: Readonly<ConnectionProfileOptions>,
): Promise<NetworkConfig> {
  const text = await readText(options.path, 'connection profile');
  let doc: Json;
  try {
    doc = obj(options.path.endsWith('.json') ? JSON.parse(text) : parseYaml(text), options.path);
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw invalid(`connection profile ${options.path} is not valid JSON/YAML`, cause);
  }
  const base = dirname(options.path);
  const orgs = obj(doc.organizations, 'organizations');
  const wanted = options.organization ?? optStr((doc.client as Json | undefined)?.organization);
  const orgEntry = Object.entries(orgs).find(
    ([key, value]) => key === wanted || (value as Json).mspid === wanted,
  );
  if (orgEntry === undefined) {
    throw invalid(`organization ${wanted ?? '(none given)'} is not in ${options.path}`);
  }
  const peerDefs = obj(doc.peers, 'peers');
  const channels = (doc.channels ?? {}) as Json;
  const channelNames = Object.keys(channels);
  const channelName = options.channel ?? (channelNames.length === 1 ? channelNames[0] : undefined);
  if (channelName === undefined) {
    throw invalid(
      `connection profile ${options.path} names ${channelNames.length} channels; pass options.channel`,
    );
  }
  const peersFor = async (org: Json): Promise<PeerConfig[]> => {
    const mspId = str(org.mspid, 'organizations.*.mspid');
    const names = Array.isArray(org.peers) ? (org.peers as string[]) : [];
    return Promise.all(
      names.map(async (name) => {
        const def = obj(peerDefs[name], `peers.${name}`);
        const parsed = parseEndpoint(str(def.url, `peers.${name}.url`));
        const grpcOptions = (def.grpcOptions ?? {}) as Json;
        const override =
          optStr(grpcOptions['ssl-target-name-override']) ?? optStr(grpcOptions.hostnameOverride);
        const endpoint =
          override !== undefined && override !== parsed.hostname
            ? { hostname: override, port: parsed.port, address: parsed.hostname }
            : parsed;
        return {
          name,
          mspId,
          endpoint,
          tlsRootCerts: await pemOf(def.tlsCACerts, base, `peers.${name}.tlsCACerts`),
        };
      }),
    );
  };
  const own = obj(orgEntry[1], `organizations.${orgEntry[0]}`);
  const peers = await peersFor(own);
  if (options.includeOtherMembers === true) {
    for (const [key, value] of Object.entries(orgs)) {
      if (key !== orgEntry[0]) peers.push(...(await peersFor(obj(value, `organizations.${key}`))));
    }
  }
  if (peers.length === 0) {
    throw invalid(`organization ${orgEntry[0]} lists no peers in ${options.path}`);
  }
  const caName = Array.isArray(own.certificateAuthorities)
    ? (own.certificateAuthorities as string[])[0]
    : undefined;
  const caDef =
    caName !== undefined ? ((doc.certificateAuthorities ?? {}) as Json)[caName] : undefined;
  let ca: CaConfig | undefined;
  if (caDef !== undefined && caName !== undefined) {
    const c = obj(caDef, `certificateAuthorities.${caName}`);
    const tls = (c.tlsCACerts ?? {}) as Json;
    const pem = Array.isArray(tls.pem) ? (tls.pem as string[]).join('\n') : undefined;
    ca = {
      url: str(c.url, `certificateAuthorities.${caName}.url`),
      tlsRootCerts: pem ?? (await pemOf(tls, base, `certificateAuthorities.${caName}.tlsCACerts`)),
      ...(optStr(c.caName) !== undefined ? { caName: str(c.caName, 'caName') } : {}),
    };
  }
  return {
    channelName,
    mspId: str(own.mspid, 'mspid'),
    peers,
    identities: {},
    ...(ca !== undefined ? { ca } : {}),
  };
}
