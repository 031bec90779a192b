/**
 * Helpers for integration tests: run test-network/network.sh, read the network description with
 * the library's reader and connect bare @hyperledger/fabric-gateway clients from it (the library
 * under test has its own connection code; tests of the network itself use the reference client).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { connection, type NetworkConfig } from '@oracle-consortium/gateway';
import { expect } from 'chai';
import { connectBare, type BareConnection } from '../../scripts/bench/fabric-client';
import {
  networkShCommand,
  runChecked,
  runCommand,
  type CommandResult,
} from '../../scripts/lib/run-command';

/** Repository root. */
export const REPO_DIR = path.resolve(__dirname, '..', '..');

/** Settings that select one network (so several can run side by side). */
export interface NetworkEnv {
  NETWORK_NAME: string;
  NETWORK_HOME: string;
  PORT_BASE: string;
  /** Founding members for `up` (1-8; network.sh's default is 2); later commands ignore it. */
  MEMBERS?: string;
  /** Peers per founding member for `up` (1-4; default 2); later commands ignore it. */
  PEERS?: string;
  /** Where `up` puts the peers' and orderers' signing keys (`file`, the default, or `hsm`). */
  NODE_KEYS?: string;
}

/** The SoftHSM2 module paths test-network/lib/common.sh looks for. */
const SOFTHSM2_LIBRARIES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
];

/**
 * Whether SoftHSM2 is installed as network.sh needs it for NODE_KEYS=hsm: its PKCS#11 module and
 * `softhsm2-util` on the PATH.
 *
 * @returns true when both are there
 */
export function softHsm2Installed(): boolean {
  const util = (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && existsSync(path.join(dir, 'softhsm2-util')));
  return util && SOFTHSM2_LIBRARIES.some((f) => existsSync(f));
}

/**
 * Runs one network.sh command and returns its combined output.
 *
 * @param env - the network's settings
 * @param args - network.sh's arguments
 * @returns its stdout followed by its stderr
 * @throws CommandError (scripts/lib/run-command) with the command, exit code and stderr tail when
 *   it exits non-zero
 */
export async function networkSh(env: NetworkEnv, ...args: string[]): Promise<string> {
  const { out, err } = await runChecked(networkShCommand(...args), { env: { ...env } });
  return out + err;
}

/**
 * The settings network.sh needs to act on the network a description came from. The description
 * names the network and its first orderer listens on PORT_BASE + 101 (test-network/lib/common.sh),
 * so the network is found even when the caller's environment does not say which one it is.
 *
 * @param descriptionPath - the network description's path
 * @returns NETWORK_HOME, NETWORK_NAME and PORT_BASE of that network
 * @throws Error when the description lists no orderer
 */
export function networkEnvFor(descriptionPath: string): NetworkEnv {
  const desc = JSON.parse(readFileSync(descriptionPath, 'utf8')) as {
    Network: { Name: string };
    Orderers: { Endpoint: string }[];
  };
  const orderer = desc.Orderers[0];
  if (orderer === undefined) throw new Error(`${descriptionPath} lists no orderer`);
  return {
    NETWORK_HOME: path.dirname(descriptionPath),
    NETWORK_NAME: desc.Network.Name,
    PORT_BASE: String(splitEndpoint(orderer.Endpoint).port - 101),
  };
}

/**
 * One member's settings from a network description, read by the library's own reader (the one
 * reader and type of the description; tests of the file's format read the fields they check).
 *
 * @param file - the description's path
 * @param member - member name, id or MSP id
 * @returns the member's settings
 * @throws ConfigError when the file or the member is missing
 */
export async function loadMember(file: string, member: string): Promise<NetworkConfig> {
  return connection.loadNetworkDescription({ path: file, member });
}

/** One member of a network and its peers, as the network's description lists them. */
export interface DescribedMember {
  /** The member's name (`Org1`), which `loadMember` and `network.sh env` take. */
  readonly name: string;
  /** Its MSP id (`Org1MSP`). */
  readonly mspId: string;
  /** Its peers' node names as network.sh knows them (`peer1-org1`), in the description's order. */
  readonly peers: readonly string[];
}

/**
 * Every member of a network with its peers, from the network's description: the topology the
 * network was brought up with (`MEMBERS`, `PEERS`), never a constant. The library's reader loads
 * one member at a time, so this reads the member list itself.
 *
 * @param file - the description's path
 * @returns the members in the description's order
 * @throws Error when the file is missing or has no Members list
 */
export function describedMembers(file: string): DescribedMember[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as {
    Members?: { Name: string; MspId: string; Nodes: { Name: string }[] }[];
  };
  if (!Array.isArray(doc.Members)) throw new Error(`${file} has no Members list`);
  return doc.Members.map((m) => ({
    name: m.Name,
    mspId: m.MspId,
    peers: m.Nodes.map((n) => `${n.Name}-${m.Name.toLowerCase()}`),
  }));
}

/** The description file the integration harness (scripts/with-network.sh) brought up, if any. */
export function sharedDescriptionFile(): string | undefined {
  const file = process.env.NETWORK_DESCRIPTION;
  return file === undefined || file === '' ? undefined : file;
}

/** Splits `host:port`. */
export function splitEndpoint(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  return { host: endpoint.slice(0, i), port: Number(endpoint.slice(i + 1)) };
}

/**
 * A bare fabric-gateway connection as one enrolled identity of a member, through one of its peers,
 * reached the way an app reaches a managed network through a VPC endpoint (the benchmark's
 * `connectBare`, so tests and the bench's baselines connect the same way).
 *
 * @param network - the member's settings ({@link loadMember})
 * @param identityName - an identity the description lists for the member (`admin`, `user1`)
 * @param peerIndex - which of the member's peers to use
 * @returns the connection, its gRPC client and a close function
 * @throws Error when the identity or peer is not in the description
 */
export function connectAs(
  network: NetworkConfig,
  identityName: string,
  peerIndex = 0,
): BareConnection {
  return connectBare(network, identityName, peerIndex);
}

/**
 * Whether a process is still running. A process that ended but was not reaped yet (a zombie: its
 * parent may be a pid 1 that does not reap, as in some containers) counts as gone, which
 * `process.kill(pid, 0)` would not say; /proc does.
 *
 * @param pid - the process id
 * @returns true while it runs
 */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}

/** A node as `network.sh status --json` lists it. */
export interface NodeStatus {
  /** The node's name (`peer1-org1`, `ca-org2`, `cc-kv-peer1-org1`). */
  readonly name: string;
  /** `peer`, `orderer`, `ca`, `chaincode` or `kms`. */
  readonly kind: string;
  /** Its process id, or null when it is not running. */
  readonly pid: number | null;
  /** `running` or `stopped`. */
  readonly state: string;
  /** A peer's ledger height, or null when it could not be read. */
  readonly height?: number | null;
}

/** network.sh on one test network, for the suites that drive it. */
export interface NetworkCommands {
  /** Runs a command (network.sh unless `command` names another) and reports how it ended. */
  readonly run: (args: readonly string[], command?: readonly string[]) => Promise<CommandResult>;
  /** Runs a command as `run` does and fails the test, with its output, unless it exits 0. */
  readonly ok: (args: readonly string[], command?: readonly string[]) => Promise<CommandResult>;
  /** Every node of the network, from `status --json`. */
  readonly status: () => Promise<NodeStatus[]>;
  /** Waits up to a minute until every running peer reports the same height; returns those peers. */
  readonly peersAtOneHeight: () => Promise<NodeStatus[]>;
}

/**
 * network.sh commands on the network `env` selects, run from the repository root.
 *
 * @param env - the network's settings
 * @param extraEnv - further variables for every command (NETWORK_DESCRIPTION)
 * @returns the commands
 */
export function networkCommands(
  env: NetworkEnv,
  extraEnv: Readonly<Record<string, string>> = {},
): NetworkCommands {
  const run = (args: readonly string[], command: readonly string[] = networkShCommand()) =>
    runCommand([...command, ...args], { cwd: REPO_DIR, env: { ...env, ...extraEnv } });
  const ok = async (args: readonly string[], command?: readonly string[]) => {
    const r = await run(args, command);
    expect(r.code, `${args.join(' ')}:\n${r.out}\n${r.err}`).to.equal(0);
    return r;
  };
  const status = async () => JSON.parse((await ok(['status', '--json'])).out) as NodeStatus[];
  const peersAtOneHeight = async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const peers = (await status()).filter((n) => n.kind === 'peer' && n.state === 'running');
      const heights = new Set(peers.map((p) => p.height));
      if (heights.size === 1 && typeof peers[0]?.height === 'number') return peers;
      if (Date.now() > deadline)
        throw new Error(`peers differ in height: ${JSON.stringify(peers)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  return { run, ok, status, peersAtOneHeight };
}
