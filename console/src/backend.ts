/**
 * What the console reads and writes through: the gateway library's connection as the configured
 * member, its typed clients, the channel reader and the node monitor. The member's key stays here,
 * in the server; the browser only ever sees what these return.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  ca,
  clients,
  connection as gatewayConnection,
  signers,
  type Connection,
  type NetworkConfig,
  type Signer,
  type EventStream,
  type FeedsClient,
  type MembershipClient,
  type MembershipEventPayload,
  type RoundReportedPayload,
} from '@oracle-consortium/gateway';
import { readChannel, type ChannelView } from './network/definitions';
import { newNetworkMonitor, type NetworkMonitor } from './network/monitor';
import { readTopology, type Topology } from './network/topology';

/** Everything the HTTP layer needs; a test may give fakes of the network edges. */
export interface ConsoleBackend {
  /** The member the console acts as. */
  readonly member: {
    /** Its name (`Org1`). */
    readonly name: string;
    /** Its MSP id. */
    readonly mspId: string;
  };
  /** The channel. */
  readonly channelName: string;
  /** The feeds contract. */
  readonly feeds: FeedsClient;
  /** The membership contract. */
  readonly membership: MembershipClient;
  /** The node monitor. */
  readonly monitor: NetworkMonitor;
  /** @returns the channel's height and chaincode definitions */
  channel(): Promise<ChannelView>;
  /**
   * Opens the contracts' event streams from the current block on.
   *
   * @returns a round stream and a membership stream
   */
  openStreams(): Promise<{
    rounds: EventStream<RoundReportedPayload>;
    membership: EventStream<MembershipEventPayload>;
  }>;
  /** Closes the connection and stops the monitor. */
  close(): void;
}

/** Options of {@link openBackend}. */
export interface BackendOptions {
  /** The network description (`network.json`). */
  readonly descriptionPath: string;
  /** The member to act as: name, id or MSP id. */
  readonly member: string;
  /** An identity the description lists for the member (`admin`); `admin` when absent. */
  readonly identity?: string;
  /** A file identity store to take `identity` from (its key in a file, the KMS or the HSM). */
  readonly identityStore?: string;
  /** A certificate file to act with instead of a listed identity (with `privateKeyPath`). */
  readonly certificatePath?: string;
  /** The PEM key of `certificatePath`. */
  readonly privateKeyPath?: string;
  /** Where event checkpoints are kept. */
  readonly stateDir: string;
  /** Time between node probes, in milliseconds. */
  readonly probeIntervalMs: number;
  /** Deadline of one node probe, in milliseconds. */
  readonly probeTimeoutMs: number;
}

/**
 * The identity the console acts with: a stored one (key anywhere) when an identity store is
 * given, else a certificate and key file given directly, else one the description lists.
 */
async function actingIdentity(
  network: NetworkConfig,
  options: Readonly<BackendOptions>,
): Promise<{ identity: { certificate: string }; signer: Signer }> {
  const name = options.identity ?? 'admin';
  if (options.identityStore !== undefined) {
    const opened = await ca.openStoredIdentity({
      directory: options.identityStore,
      name,
      network,
    });
    return { identity: { certificate: opened.certificate }, signer: opened.signer };
  }
  let certificatePath = options.certificatePath;
  let keyPath = options.privateKeyPath;
  if (certificatePath === undefined || keyPath === undefined) {
    const listed = network.identities[name];
    if (listed === undefined) {
      throw new Error(
        `the description lists no identity '${name}' for ${network.mspId}; it lists: ${Object.keys(network.identities).join(', ') || 'none'}`,
      );
    }
    certificatePath = listed.certificatePath;
    keyPath = listed.privateKeyPath;
  }
  return {
    identity: { certificate: await readFile(certificatePath, 'utf8') },
    signer: await signers.newFileSigner({ path: keyPath }),
  };
}

/**
 * Connects as the configured member.
 *
 * @param options - description, member, identity and monitor settings
 * @returns the backend; `close()` it at the end
 * @throws ConfigError from the library when the description, member or identity is wrong
 * @throws Error when the description lacks the fields the console reads
 */
export async function openBackend(options: Readonly<BackendOptions>): Promise<ConsoleBackend> {
  const network = await gatewayConnection.loadNetworkDescription({
    path: options.descriptionPath,
    member: options.member,
  });
  const topology: Topology = await readTopology(options.descriptionPath);
  const conn: Connection = gatewayConnection.connect({
    network,
    ...(await actingIdentity(network, options)),
  });
  const own = topology.members.find((m) => m.mspId === network.mspId);
  const monitor = newNetworkMonitor({
    topology,
    intervalMs: options.probeIntervalMs,
    timeoutMs: options.probeTimeoutMs,
  });
  return {
    member: { name: own?.name ?? network.mspId, mspId: network.mspId },
    channelName: network.channelName,
    feeds: clients.newFeedsClient({ connection: conn }),
    membership: clients.newMembershipClient({ connection: conn }),
    monitor,
    channel: () => readChannel(conn),
    async openStreams() {
      // The console relays what happens from now on; history is read from the contracts. So each
      // start begins a fresh checkpoint at the current height.
      await mkdir(options.stateDir, { recursive: true });
      const rounds = join(options.stateDir, 'rounds.checkpoint.json');
      const membership = join(options.stateDir, 'membership.checkpoint.json');
      await Promise.all([rm(rounds, { force: true }), rm(membership, { force: true })]);
      return {
        rounds: clients.newRoundEventStream({ connection: conn, checkpointPath: rounds }),
        membership: clients.newMembershipEventStream({
          connection: conn,
          checkpointPath: membership,
        }),
      };
    },
    close() {
      monitor.stop();
      conn.close();
    },
  };
}
