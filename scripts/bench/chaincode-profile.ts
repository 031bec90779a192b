/**
 * Where a chaincode server's CPU goes, measured rather than read off a profile by hand: V8's
 * sampling profiler on the chaincode servers of a bench network started with `CHAINCODE_INSPECT=1`
 * (test-network/nodes/ccserver.sh gives each server an inspector port, closed until SIGUSR1 opens
 * it), attached over the inspector protocol for the length of a probe run and closed afterwards.
 * Each sample goes to one group, named by the innermost frame that says what the server was doing:
 * the contract's signature checks, the contract's own code, fabric-contract-api's dispatch,
 * fabric-shim's parsing of the caller's certificate, fabric-shim's messages to the peer (gRPC,
 * protobuf, logging), the runtime, and garbage collection.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { procStats } from './cpu';

/** One node of a V8 CPU profile (the inspector's `Profiler.ProfileNode`, the fields used here). */
export interface ProfileNode {
  /** The node's id. */
  readonly id: number;
  /** The function the node stands for. */
  readonly callFrame: { readonly functionName: string; readonly url: string };
  /** Ids of the functions it called. */
  readonly children?: readonly number[];
}

/** A V8 CPU profile (the inspector's `Profiler.Profile`, the fields used here). */
export interface CpuProfile {
  /** The call tree's nodes; the first is the root. */
  readonly nodes: readonly ProfileNode[];
  /** The node each sample was taken in. */
  readonly samples: readonly number[];
  /** Microseconds since the previous sample, one per sample. */
  readonly timeDeltas: readonly number[];
}

/** The groups a chaincode server's samples are put in, in the order they are printed. */
export const PROFILE_GROUPS = [
  'signature checks',
  'contract code',
  'contract-api dispatch',
  'caller certificate',
  'shim messaging',
  'runtime',
  'garbage collection',
] as const;

/** One of {@link PROFILE_GROUPS}. */
export type ProfileGroup = (typeof PROFILE_GROUPS)[number];

/** What each group holds, for the probe's legend and the README. */
export const PROFILE_GROUP_MEANING: Readonly<Record<ProfileGroup, string>> = {
  'signature checks': "the contract's verifySignature, the OpenSSL verification under it included",
  'contract code':
    "the contract's own functions and the protocol package (parsing, rules, JSON), and what they call in Node itself",
  'contract-api dispatch':
    'fabric-contract-api and fabric-shim’s contract-spi: finding the function, checking and converting its arguments and result',
  'caller certificate':
    "fabric-shim's ClientIdentity parsing the caller's X.509 certificate (@fidm/x509), on every invocation",
  'shim messaging':
    "fabric-shim's messages to and from the peer: its handler and stub, gRPC, protobuf, logging",
  runtime:
    'V8 and Node with no JavaScript frame to name (promise jobs, native stream and HTTP/2 code)',
  'garbage collection': "V8's garbage collector on the main thread",
};

function isOurs(url: string): boolean {
  if (url.includes('/node_modules/@oracle-consortium/')) return true;
  return url.startsWith('file://') || url.startsWith('/') ? !url.includes('/node_modules/') : false;
}

/**
 * The group a stack frame names, or `undefined` for a frame that names none (Node's own
 * JavaScript, native code), which leaves the sample to the frames that called it.
 *
 * @param functionName - the frame's function
 * @param url - the frame's script (a path or `file://` URL; `node:` for Node's own)
 */
export function frameGroup(functionName: string, url: string): ProfileGroup | undefined {
  if (functionName === 'verifySignature' && isOurs(url)) return 'signature checks';
  if (url.includes('/node_modules/@fidm/')) return 'caller certificate';
  if (
    url.endsWith('/fabric-shim/lib/chaincode.js') &&
    (functionName === 'ClientIdentity' || functionName === 'normalizeX509')
  )
    return 'caller certificate';
  if (isOurs(url)) return 'contract code';
  if (
    url.includes('/fabric-shim/lib/contract-spi/') ||
    /\/node_modules\/(fabric-contract-api|ajv|fast-json-stable-stringify|class-transformer|reflect-metadata)\//.test(
      url,
    )
  )
    return 'contract-api dispatch';
  if (url.includes('/node_modules/')) return 'shim messaging';
  return undefined;
}

/** A profile's time by group. */
export interface GroupedProfile {
  /** Milliseconds the main thread was busy (every sample but idle). */
  readonly busyMs: number;
  /** Milliseconds it was idle. */
  readonly idleMs: number;
  /** Milliseconds in each group; they add up to `busyMs`. */
  readonly groups: Readonly<Record<ProfileGroup, number>>;
}

/**
 * Puts every sample of a profile in a group: the group of the innermost frame that names one
 * ({@link frameGroup}); V8's own `(garbage collector)` and `(program)` samples go to garbage
 * collection and runtime, `(idle)` to idle, and a stack no frame of which names a group to runtime.
 *
 * @param profile - a V8 CPU profile
 * @returns the busy and idle time and the time of each group, in milliseconds
 */
export function groupProfile(profile: CpuProfile): GroupedProfile {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const groupOf = new Map<number, ProfileGroup | 'idle'>();
  const classify = (id: number): ProfileGroup | 'idle' => {
    const known = groupOf.get(id);
    if (known !== undefined) return known;
    const leaf = byId.get(id);
    let group: ProfileGroup | 'idle' = 'runtime';
    if (leaf?.callFrame.functionName === '(idle)') group = 'idle';
    else if (leaf?.callFrame.functionName === '(garbage collector)') group = 'garbage collection';
    else if (leaf?.callFrame.functionName !== '(program)') {
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const frame = byId.get(cur)?.callFrame;
        const g = frame === undefined ? undefined : frameGroup(frame.functionName, frame.url);
        if (g !== undefined) {
          group = g;
          break;
        }
      }
    }
    groupOf.set(id, group);
    return group;
  };
  const groups = Object.fromEntries(PROFILE_GROUPS.map((g) => [g, 0])) as Record<
    ProfileGroup,
    number
  >;
  let idleMs = 0;
  let busyMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const g = classify(id);
    if (g === 'idle') {
      idleMs += ms;
    } else {
      groups[g] += ms;
      busyMs += ms;
    }
  });
  return { busyMs, idleMs, groups };
}

/**
 * Whether a profiled server ran any transaction: every invocation passes through fabric-contract-api
 * and fabric-shim's certificate parse. A server that ran none shows only the profiler's own cost.
 *
 * @param grouped - the server's grouped profile
 */
export function ranTransactions(grouped: GroupedProfile): boolean {
  return (
    grouped.groups['contract-api dispatch'] > 0 ||
    grouped.groups['caller certificate'] > 0 ||
    grouped.groups['contract code'] > 0
  );
}

/**
 * Adds grouped profiles (of the servers of one chaincode).
 *
 * @param parts - the profiles' groupings
 * @returns their sum
 */
export function addGrouped(parts: readonly GroupedProfile[]): GroupedProfile {
  const groups = Object.fromEntries(
    PROFILE_GROUPS.map((g) => [g, parts.reduce((s, p) => s + p.groups[g], 0)]),
  ) as Record<ProfileGroup, number>;
  return {
    busyMs: parts.reduce((s, p) => s + p.busyMs, 0),
    idleMs: parts.reduce((s, p) => s + p.idleMs, 0),
    groups,
  };
}

/**
 * One line of milliseconds per operation by group, with each group's share of the busy time;
 * groups under 0.005 ms left out. The sampler counts the time between two samples, so on a
 * machine with more runnable threads than cores a busy thread's waits for a core count too: the
 * shares are the firmer figure, and /proc's CPU per operation the firmer total.
 *
 * @param grouped - the summed profiles
 * @param operations - the operations completed while they were taken
 */
export function formatGrouped(grouped: GroupedProfile, operations: number): string {
  const per = (ms: number) => (operations > 0 ? ms / operations : 0);
  const share = (ms: number) => (grouped.busyMs > 0 ? (100 * ms) / grouped.busyMs : 0);
  const parts = PROFILE_GROUPS.filter((g) => per(grouped.groups[g]) >= 0.005).map(
    (g) => `${g} ${per(grouped.groups[g]).toFixed(2)} (${share(grouped.groups[g]).toFixed(0)}%)`,
  );
  return `main thread ${per(grouped.busyMs).toFixed(2)} ms/op: ${parts.join(', ')}`;
}

/** A chaincode server process that can be profiled. */
export interface ChaincodeServer {
  /** The network's name for it (its pid file's), e.g. `cc-consortium-peer1-org1`. */
  readonly node: string;
  /** The Node process serving the chaincode. */
  readonly pid: number;
  /** Its inspector port, from the `--inspect-port` ccserver.sh put in its NODE_OPTIONS. */
  readonly inspectPort: number;
}

/**
 * The inspector port a process was started with, from its environment as /proc shows it.
 *
 * @param environ - the contents of /proc/<pid>/environ (NUL-separated NAME=value)
 * @returns the port, or `undefined` when NODE_OPTIONS sets none
 */
export function inspectPortFromEnviron(environ: string): number | undefined {
  const options = environ
    .split('\0')
    .find((v) => v.startsWith('NODE_OPTIONS='))
    ?.slice('NODE_OPTIONS='.length);
  const m = /(?:^|\s)--inspect-port=(?:127\.0\.0\.1:)?(\d+)(?:\s|$)/.exec(options ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/**
 * The Node processes serving a chaincode on a running network, found from the network's pid files
 * (each server's supervisor leads a process group with the Node process in it).
 *
 * @param networkHome - the network's state directory (its `pids/`)
 * @param chaincode - the chaincode's name, e.g. `consortium`
 * @returns its servers
 * @throws Error when the network serves no such chaincode, or a server was started without an
 *   inspector port (the network was not started with CHAINCODE_INSPECT=1)
 */
export function chaincodeServers(networkHome: string, chaincode: string): ChaincodeServer[] {
  const pids = path.join(networkHome, 'pids');
  const prefix = `cc-${chaincode}-peer`;
  const files = readdirSync(pids).filter((f) => f.startsWith(prefix) && f.endsWith('.pid'));
  if (files.length === 0) {
    throw new Error(`the network in ${networkHome} runs no server of chaincode ${chaincode}`);
  }
  return files.map((f) => {
    const node = f.slice(0, -'.pid'.length);
    const pgrp = Number(readFileSync(path.join(pids, f), 'utf8').trim().split(/\s+/)[0]);
    // The group holds the supervisor (bash), the server and, while it backs off, a sleep. The
    // server is the one started with --chaincode-address (its command name is no guide: Node 24
    // names its main thread MainThread).
    const server = procStats().find(
      (p) => p.pgrp === pgrp && commandLine(p.pid).includes('--chaincode-address'),
    );
    if (server === undefined) throw new Error(`${node} has no running chaincode server`);
    const port = inspectPortFromEnviron(
      readFileSync(`/proc/${String(server.pid)}/environ`, 'utf8'),
    );
    if (port === undefined) {
      throw new Error(
        `${node} was started without an inspector port: start the network with CHAINCODE_INSPECT=1 to profile its chaincode servers`,
      );
    }
    return { node, pid: server.pid, inspectPort: port };
  });
}

/** An inspector session on another process, over its WebSocket. */
class InspectorSession {
  #next = 0;
  readonly #pending = new Map<number, (reply: { result?: unknown; error?: unknown }) => void>();
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString()) as {
        id?: number;
        result?: unknown;
        error?: unknown;
      };
      if (reply.id === undefined) return;
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    });
  }

  static async open(url: string): Promise<InspectorSession> {
    const socket = new WebSocket(url, { maxPayload: 1024 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => {
        resolve();
      });
      socket.once('error', reject);
    });
    return new InspectorSession(socket);
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, (reply) => {
        if (reply.error !== undefined) {
          reject(new Error(`${method}: ${JSON.stringify(reply.error)}`));
        } else {
          resolve(reply.result as T);
        }
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }
}

async function openInspector(server: ChaincodeServer, timeoutMs = 5000): Promise<InspectorSession> {
  process.kill(server.pid, 'SIGUSR1');
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${String(server.inspectPort)}/json/list`);
      const targets = (await res.json()) as { webSocketDebuggerUrl?: string }[];
      const url = targets[0]?.webSocketDebuggerUrl;
      if (url !== undefined) {
        const session = await InspectorSession.open(url);
        const pid = await session.call<{ result: { value: unknown } }>('Runtime.evaluate', {
          expression: 'process.pid',
          returnByValue: true,
        });
        if (pid.result.value !== server.pid) {
          session.socket.close();
          throw new Error(
            `port ${String(server.inspectPort)} answers for process ${String(pid.result.value)}, not ${server.node} (${String(server.pid)})`,
          );
        }
        return session;
      }
      lastError = 'no inspector target listed';
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('port ')) throw err;
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${server.node}: no inspector on 127.0.0.1:${String(server.inspectPort)} after SIGUSR1 (${lastError})`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function closeInspector(session: InspectorSession): Promise<void> {
  // Closes the server's inspector port again; the reply may not come, since the socket goes with it.
  session.socket.send(
    JSON.stringify({
      id: 0,
      method: 'Runtime.evaluate',
      params: { expression: 'process._debugEnd && process._debugEnd()' },
    }),
  );
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      session.socket.terminate();
      resolve();
    }, 1000);
    session.socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Profiles chaincode servers while `during` runs: opens each server's inspector (SIGUSR1), checks
 * it answers for that process, samples every `intervalUs`, and stops and closes the inspectors
 * when `during` settles, whether it succeeded or not.
 *
 * @param servers - the servers to profile
 * @param during - the work to profile
 * @param intervalUs - the sampling interval (V8's default is 1,000 µs)
 * @returns what `during` returned and each server's profile, in the order of `servers`
 */
export async function profileServers<T>(
  servers: readonly ChaincodeServer[],
  during: () => Promise<T>,
  intervalUs = 1000,
): Promise<{ result: T; profiles: CpuProfile[] }> {
  const sessions: InspectorSession[] = [];
  try {
    for (const s of servers) sessions.push(await openInspector(s));
    for (const session of sessions) {
      await session.call('Profiler.enable');
      await session.call('Profiler.setSamplingInterval', { interval: intervalUs });
    }
    await Promise.all(sessions.map((session) => session.call('Profiler.start')));
    const result = await during();
    const profiles = await Promise.all(
      sessions.map(
        async (session) => (await session.call<{ profile: CpuProfile }>('Profiler.stop')).profile,
      ),
    );
    return { result, profiles };
  } finally {
    await Promise.all(sessions.map((session) => closeInspector(session)));
  }
}
