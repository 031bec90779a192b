/**
 * The live state of the network's nodes: every CA, peer and orderer is probed on its operations
 * endpoint at a fixed interval (health, a peer's block height, an orderer's Raft leader gauge),
 * and listeners hear of each change. This polls the nodes' own HTTP endpoints, never the
 * chaincode; ledger changes reach the console through the event streams instead.
 */
import { metricValue, probeNode } from './operations';
import type { NodeRef, Topology } from './topology';
import { newPoller, type Poller } from '../lib/poller';

/** A node with what the last probe found. */
export interface NodeStatus extends NodeRef {
  /** Whether it answered healthy; null when the description gives no operations endpoint. */
  readonly healthy: boolean | null;
  /** Why it is not healthy. */
  readonly reason?: string;
  /** Peers and orderers: the channel's block height the node reports. */
  readonly height?: number;
  /** Orderers: whether this one is the channel's Raft leader. */
  readonly leader?: boolean;
}

/** A member with its nodes' status. */
export interface MemberStatus {
  /** The member's name (`Org1`). */
  readonly name: string;
  /** The managed service's member id. */
  readonly id: string;
  /** Its MSP id. */
  readonly mspId: string;
  /** Its CA. */
  readonly ca: NodeStatus;
  /** Its peers. */
  readonly peers: readonly NodeStatus[];
}

/** The whole network at one moment. */
export interface NetworkSnapshot {
  /** The network's id. */
  readonly networkId: string;
  /** The network's name. */
  readonly networkName: string;
  /** The channel. */
  readonly channelName: string;
  /** Members and their nodes. */
  readonly members: readonly MemberStatus[];
  /** The ordering service's orderers. */
  readonly orderers: readonly NodeStatus[];
  /** The ordering service's CA, when known. */
  readonly orderingCa?: NodeStatus;
  /** The orderer that reports itself Raft leader, if one does. */
  readonly leader?: string;
  /** When the probes finished (ISO-8601). */
  readonly checkedAt: string;
}

/** Options of {@link newNetworkMonitor}. */
export interface NetworkMonitorOptions {
  /** The nodes to watch. */
  readonly topology: Topology;
  /** Time between two rounds of probes, in milliseconds. */
  readonly intervalMs: number;
  /** Deadline of one probe request, in milliseconds. */
  readonly timeoutMs: number;
}

/** Watches the nodes; see {@link newNetworkMonitor}. */
export interface NetworkMonitor {
  /** @returns the latest snapshot, probing first when none has been taken yet */
  snapshot(): Promise<NetworkSnapshot>;
  /**
   * Calls `listener` with every snapshot that differs from the one before (times aside).
   *
   * @param listener - receives the new snapshot
   * @returns a function that removes the listener
   */
  onChange(listener: (snapshot: NetworkSnapshot) => void): () => void;
  /** Starts probing at the interval. */
  start(): void;
  /** Stops probing. Idempotent. */
  stop(): void;
}

async function probe(node: NodeRef, channel: string, timeoutMs: number): Promise<NodeStatus> {
  if (node.operations === undefined) return { ...node, healthy: null };
  const result = await probeNode(node.operations, {
    metrics: node.kind !== 'ca',
    timeoutMs,
  });
  if (!result.healthy) return { ...node, healthy: false, reason: result.reason ?? 'unhealthy' };
  const status: { -readonly [K in keyof NodeStatus]: NodeStatus[K] } = { ...node, healthy: true };
  if (result.metrics !== undefined) {
    const height = metricValue(result.metrics, 'ledger_blockchain_height', { channel });
    if (height !== undefined) status.height = height;
    if (node.kind === 'orderer') {
      const leader = metricValue(result.metrics, 'consensus_etcdraft_is_leader', { channel });
      if (leader !== undefined) status.leader = leader === 1;
    }
  }
  return status;
}

function comparable(s: NetworkSnapshot): string {
  return JSON.stringify({ ...s, checkedAt: '' });
}

class NetworkMonitorImpl implements NetworkMonitor {
  readonly #options: Readonly<NetworkMonitorOptions>;
  readonly #poller: Poller<NetworkSnapshot>;

  constructor(options: Readonly<NetworkMonitorOptions>) {
    this.#options = options;
    this.#poller = newPoller({
      read: () => this.#probeAll(),
      comparable,
      intervalMs: options.intervalMs,
    });
  }

  snapshot(): Promise<NetworkSnapshot> {
    return this.#poller.snapshot();
  }

  onChange(listener: (snapshot: NetworkSnapshot) => void): () => void {
    return this.#poller.onChange(listener);
  }

  start(): void {
    this.#poller.start();
  }

  stop(): void {
    this.#poller.stop();
  }

  async #probeAll(): Promise<NetworkSnapshot> {
    const { topology, timeoutMs } = this.#options;
    const ch = topology.channelName;
    const [members, orderers, orderingCa] = await Promise.all([
      Promise.all(
        topology.members.map(async (m): Promise<MemberStatus> => {
          const [ca, peers] = await Promise.all([
            probe(m.ca, ch, timeoutMs),
            Promise.all(m.peers.map((p) => probe(p, ch, timeoutMs))),
          ]);
          return { name: m.name, id: m.id, mspId: m.mspId, ca, peers };
        }),
      ),
      Promise.all(topology.orderers.map((o) => probe(o, ch, timeoutMs))),
      topology.orderingCa !== undefined ? probe(topology.orderingCa, ch, timeoutMs) : undefined,
    ]);
    const leader = orderers.find((o) => o.leader === true)?.name;
    const snapshot: NetworkSnapshot = {
      networkId: topology.networkId,
      networkName: topology.networkName,
      channelName: ch,
      members,
      orderers,
      ...(orderingCa !== undefined ? { orderingCa } : {}),
      ...(leader !== undefined ? { leader } : {}),
      checkedAt: new Date().toISOString(),
    };
    return snapshot;
  }
}

/**
 * A monitor of the network's nodes.
 *
 * @param options - the topology, the probe interval and each probe's deadline
 * @returns the monitor; call `start()` to probe at the interval and `stop()` to end
 */
export function newNetworkMonitor(options: Readonly<NetworkMonitorOptions>): NetworkMonitor {
  return new NetworkMonitorImpl(options);
}
