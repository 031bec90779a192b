/**
 * The nodes of a network as its description lists them: members with their CA and peers, the
 * ordering service's orderers and CA, each with the operations endpoint (`/healthz`, `/metrics`)
 * the console polls. The gateway library's reader keeps only what a connection needs, so the
 * console reads these fields itself.
 */
import { readFile } from 'node:fs/promises';

/** What kind of node a {@link NodeRef} is. */
export type NodeKind = 'ca' | 'peer' | 'orderer';

/** One node the console shows and polls. */
export interface NodeRef {
  /** The name `network.sh` uses for it (`peer1-org1`, `ca-org1`, `orderer2`, `ca-orderer`). */
  readonly name: string;
  /** Its kind. */
  readonly kind: NodeKind;
  /** The member it belongs to (its MSP id); absent for the ordering service's nodes. */
  readonly mspId?: string;
  /** Where it serves (`host:port`), as the description gives it. */
  readonly endpoint?: string;
  /** Its operations endpoint (`host:port`); absent when the description does not say. */
  readonly operations?: string;
  /** The managed service's node id, for peers. */
  readonly nodeId?: string;
}

/** A member and its nodes. */
export interface MemberNodes {
  /** The member's name (`Org1`). */
  readonly name: string;
  /** The member's id in the managed service's form (`m-…`). */
  readonly id: string;
  /** Its MSP id. */
  readonly mspId: string;
  /** Its CA. */
  readonly ca: NodeRef;
  /** Its peers. */
  readonly peers: readonly NodeRef[];
}

/** Every node of the network. */
export interface Topology {
  /** The network's id (`n-…`). */
  readonly networkId: string;
  /** The network's name. */
  readonly networkName: string;
  /** The channel. */
  readonly channelName: string;
  /** The members, in the description's order. */
  readonly members: readonly MemberNodes[];
  /** The orderers, then the ordering service's CA. */
  readonly orderers: readonly NodeRef[];
  /** The ordering service's CA, when the description lists its operations endpoint. */
  readonly orderingCa?: NodeRef;
}

type Json = Record<string, unknown>;

function obj(value: unknown, where: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where} must be an object`);
  }
  return value as Json;
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${where} must be a string`);
  return value;
}

function optStr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(value: unknown, where: string): Json[] {
  if (!Array.isArray(value)) throw new Error(`${where} must be an array`);
  return value.map((v, i) => obj(v, `${where}[${i}]`));
}

/**
 * Reads the nodes out of a parsed network description.
 *
 * @param doc - the parsed `network.json`
 * @returns the topology
 * @throws Error naming the field when the description lacks one the console needs
 */
export function topologyFromDescription(doc: unknown): Topology {
  const root = obj(doc, 'the network description');
  const network = obj(root.Network, 'Network');
  const members = list(root.Members, 'Members').map((m, i): MemberNodes => {
    const name = str(m.Name, `Members[${i}].Name`);
    const mspId = str(m.MspId, `Members[${i}].MspId`);
    const fabric = obj(obj(m.FrameworkAttributes, `${name}.FrameworkAttributes`).Fabric, 'Fabric');
    const lower = name.toLowerCase();
    return {
      name,
      id: str(m.Id, `Members[${i}].Id`),
      mspId,
      ca: {
        name: `ca-${lower}`,
        kind: 'ca',
        mspId,
        ...opt('endpoint', optStr(fabric.CaEndpoint)),
        ...opt('operations', optStr(m.CaOperationsEndpoint)),
      },
      peers: list(m.Nodes ?? [], `${name}.Nodes`).map((n, j): NodeRef => {
        const peerFabric = obj(obj(n.FrameworkAttributes, 'FrameworkAttributes').Fabric, 'Fabric');
        return {
          name: `${str(n.Name, `${name}.Nodes[${j}].Name`)}-${lower}`,
          kind: 'peer',
          mspId,
          nodeId: str(n.Id, `${name}.Nodes[${j}].Id`),
          ...opt('endpoint', optStr(peerFabric.PeerEndpoint)),
          ...opt('operations', optStr(n.OperationsEndpoint)),
        };
      }),
    };
  });
  const orderers = list(root.Orderers ?? [], 'Orderers').map((o, i): NodeRef => ({
    name: str(o.Id, `Orderers[${i}].Id`),
    kind: 'orderer',
    ...opt('endpoint', optStr(o.Endpoint)),
    ...opt('operations', optStr(o.OperationsEndpoint)),
  }));
  const caOps =
    root.OrderingServiceCa !== undefined && root.OrderingServiceCa !== null
      ? optStr(obj(root.OrderingServiceCa, 'OrderingServiceCa').OperationsEndpoint)
      : undefined;
  return {
    networkId: str(network.Id, 'Network.Id'),
    networkName: optStr(network.Name) ?? str(network.Id, 'Network.Id'),
    channelName: str(network.ChannelName, 'Network.ChannelName'),
    members,
    orderers,
    ...(caOps !== undefined
      ? { orderingCa: { name: 'ca-orderer', kind: 'ca' as const, operations: caOps } }
      : {}),
  };
}

function opt<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/**
 * Reads a network description file's nodes.
 *
 * @param path - the description (`network.json`)
 * @returns the topology
 * @throws Error naming the file when it cannot be read or parsed
 */
export async function readTopology(path: string): Promise<Topology> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new Error(`cannot read the network description ${path}`, { cause });
  }
  try {
    return topologyFromDescription(doc);
  } catch (cause) {
    throw new Error(`network description ${path}: ${(cause as Error).message}`, { cause });
  }
}
