/**
 * Faults the chaos suite injects, on a schedule, through `network.sh`'s per-node commands
 * (`kill`, `start`, `pause`, `resume`, `status --json`), with the Raft leader read from the
 * orderers' `consensus_etcdraft_is_leader` gauge. The schedule is pure (unit-tested); the injector
 * drives a real network.
 *
 * Over 400 lines on purpose: each fault kind's injection, repair and leader bookkeeping sit next to
 * the schedule entry that names it, so adding a fault kind is one edit in one file.
 */
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Every fault the suite knows. */
export const FAULT_KINDS = [
  'peer-kill',
  'peer-pause',
  'chaincode-kill',
  'orderer-follower-kill',
  'orderer-pause',
  'orderer-leader-kill',
  'orderer-quorum-loss',
] as const;

/** One kind of fault. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault to inject, in the order of the schedule. */
export interface ScheduledFault {
  /** What to do. */
  readonly kind: FaultKind;
  /** How long the node stays down or paused before it is restarted or resumed, seconds. */
  readonly holdS: number;
}

/** Options of {@link buildSchedule}. */
export interface ScheduleOptions {
  /** Faults in order. */
  readonly kinds: readonly FaultKind[];
  /** Load before the first fault, seconds (the baseline of the first recovery). */
  readonly warmupS: number;
  /** Down or paused time of each fault, seconds. */
  readonly holdS: number;
  /** Load after a fault is repaired before the next one may start, seconds. */
  readonly gapS: number;
  /**
   * Longest further wait, after the gap, for throughput to come back before the next fault (or the
   * end of the load), seconds: room for today's 65 s stall after a Raft leader is lost, without
   * making a run whose throughput is back at once wait for nothing.
   */
  readonly maxWaitS: number;
}

/**
 * Checks the schedule's options and lays out its faults.
 *
 * @param options - kinds in order, warm-up, hold, gap and longest wait
 * @returns the faults in order and the longest the schedule can take, seconds
 * @throws Error naming the option when a time is not a positive number, or the kind when unknown
 */
export function buildSchedule(options: Readonly<ScheduleOptions>): {
  faults: ScheduledFault[];
  longestS: number;
} {
  for (const [name, v] of Object.entries({
    warmupS: options.warmupS,
    holdS: options.holdS,
    gapS: options.gapS,
    maxWaitS: options.maxWaitS,
  })) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new Error(`${name} must be a positive number of seconds, got ${String(v)}`);
    }
  }
  const faults = options.kinds.map((kind): ScheduledFault => {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`unknown fault kind '${kind as string}'; known: ${FAULT_KINDS.join(', ')}`);
    }
    return { kind, holdS: options.holdS };
  });
  const perFault = options.holdS + options.gapS + options.maxWaitS;
  return { faults, longestS: options.warmupS + faults.length * perFault };
}

/**
 * Parses a comma-separated list of fault kinds.
 *
 * @param text - e.g. `peer-kill,orderer-leader-kill`
 * @returns the kinds in order
 * @throws Error naming the first unknown kind
 */
export function parseFaultKinds(text: string): FaultKind[] {
  const kinds = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const k of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      throw new Error(`unknown fault kind '${k}'; known: ${FAULT_KINDS.join(', ')}`);
    }
  }
  return kinds as FaultKind[];
}

/** A node as `network.sh status --json` describes it. */
export interface NodeStatus {
  /** Node name (`peer1-org1`, `orderer2`, `cc-kv-peer1-org1`...). */
  readonly name: string;
  /** `kms`, `ca`, `orderer`, `peer` or `chaincode`. */
  readonly kind: string;
  /** Process id of its process group, when running or paused. */
  readonly pid: number | null;
  /** Whether it runs, was stopped or killed, or is paused (SIGSTOP). */
  readonly state: 'running' | 'stopped' | 'paused';
  /** Whether it answers its health check. */
  readonly healthy: boolean;
  /** The port it serves on (a peer's or orderer's listen port). */
  readonly port: number | null;
  /** Block height, for peers. */
  readonly height?: number | null;
  /** Whether it leads the Raft cluster, for orderers. */
  readonly leader?: boolean | null;
}

/** What happened when a fault was injected. */
export interface InjectedFault extends ScheduledFault {
  /** The nodes it hit. */
  readonly targets: readonly string[];
  /** When the fault was injected, seconds from the start of the run. */
  readonly injectedAtS: number;
  /** When the repair (start or resume) had finished, seconds from the start of the run. */
  readonly repairedAtS: number | null;
  /** The Raft leader before the fault. */
  readonly leaderBefore: string | null;
  /** The first leader other than the one before the fault, and when it was seen. */
  readonly newLeader?: { readonly name: string; readonly atS: number };
  /** What went wrong while injecting or repairing, if anything. */
  readonly error?: string;
}

/** What the injector needs of a network: per-node commands and the Raft leader. */
export interface Nodes {
  /**
   * Runs `network.sh <command> <args...>` (`kill`, `start`, `pause`, `resume`, ...).
   *
   * @param command - the network.sh command
   * @param args - the node name, or options
   * @returns the command's output
   * @throws Error with the output when the command fails
   */
  run(command: string, ...args: string[]): Promise<string>;
  /**
   * Which orderer leads the channel's Raft cluster.
   *
   * @param channel - channel name
   * @returns the Raft leader of the channel, `orderer<n>`, or null when none says it leads
   */
  leader(channel: string): Promise<string | null>;
}

/** Drives one network's nodes through test-network/network.sh. */
export class NodeControl implements Nodes {
  readonly #script: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #portBase: number;

  /**
   * @param repoDir - repository root (network.sh lives under test-network/)
   * @param env - environment selecting the network (NETWORK_NAME, NETWORK_HOME, PORT_BASE)
   */
  constructor(repoDir: string, env: NodeJS.ProcessEnv) {
    this.#script = path.join(repoDir, 'test-network', 'network.sh');
    this.#env = env;
    this.#portBase = Number(env.PORT_BASE ?? 30000);
  }

  /**
   * Runs `network.sh <command> <args...>`.
   *
   * @param command - `kill`, `start`, `pause`, `resume`, `status`...
   * @param args - the node name, or options
   * @returns the command's output
   * @throws Error with the command's output when it fails
   */
  async run(command: string, ...args: string[]): Promise<string> {
    try {
      const { stdout, stderr } = await execFileAsync('bash', [this.#script, command, ...args], {
        env: this.#env,
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout + stderr;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `network.sh ${[command, ...args].join(' ')} failed: ${e.message.split('\n')[0] ?? ''}\n${e.stdout ?? ''}${e.stderr ?? ''}`.trim(),
      );
    }
  }

  /** @returns every node's state from `network.sh status --json` */
  async status(): Promise<NodeStatus[]> {
    return JSON.parse(await this.run('status', '--json')) as NodeStatus[];
  }

  /**
   * Which orderer is the Raft leader, from each orderer's operations endpoint
   * (`consensus_etcdraft_is_leader`). A paused or stopped orderer does not answer and is skipped.
   * Read here rather than through `status --json`, which also asks every peer its height and takes
   * seconds; the monitor polls twice a second. Orderer n's operations port is PORT_BASE+93+10n
   * (the port plan in test-network/lib/common.sh).
   *
   * @param channel - channel name
   * @param orderers - how many orderers the network has
   * @returns `orderer<n>`, or null when no orderer says it leads
   */
  async leader(channel: string, orderers = 3): Promise<string | null> {
    const answers = await Promise.all(
      Array.from({ length: orderers }, async (_, k) => {
        const n = k + 1;
        const text = await getText(
          `http://127.0.0.1:${String(this.#portBase + 93 + 10 * n)}/metrics`,
          800,
        );
        return text !== null && isLeaderGauge(text, channel) ? `orderer${String(n)}` : null;
      }),
    );
    return answers.find((a) => a !== null) ?? null;
  }
}

/**
 * GETs a URL's body with a hard deadline that covers connecting, headers and body alike, so a
 * paused orderer (which accepts the connection and never answers) cannot hold the caller: the
 * request is destroyed and the answer is null.
 *
 * @param url - an http:// URL
 * @param ms - the deadline
 * @returns the body, or null on any error, non-200 status or the deadline
 */
function getText(url: string, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const req = http.get(url, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        finish(null);
        return;
      }
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        finish(Buffer.concat(chunks).toString('utf8'));
      });
      res.on('error', () => {
        finish(null);
      });
    });
    const timer = setTimeout(() => {
      finish(null);
    }, ms);
    req.on('error', () => {
      finish(null);
    });
    function finish(value: string | null): void {
      clearTimeout(timer);
      req.destroy();
      resolve(value);
    }
  });
}

/**
 * Reads the Raft leader gauge of one channel from Prometheus text.
 *
 * @param metrics - an orderer's /metrics answer
 * @param channel - channel name
 * @returns whether the gauge is 1
 */
export function isLeaderGauge(metrics: string, channel: string): boolean {
  for (const line of metrics.split('\n')) {
    const m = /^consensus_etcdraft_is_leader\{([^}]*)\}\s+(\S+)$/.exec(line.trim());
    if (m?.[1]?.includes(`channel="${channel}"`) === true) return Number(m[2]) === 1;
  }
  return false;
}

/** Everything the injector needs from the run. */
export interface InjectorContext {
  readonly control: Nodes;
  readonly channel: string;
  /**
   * The peer the peer faults hit, asked at injection time: the client's preferred gateway peer,
   * so that a fault lands where the load goes (after a failover that is the other peer).
   */
  readonly peer: () => string;
  /** The chaincode under load; chaincode-kill hits `cc-<chaincode>-<peer>`. */
  readonly chaincode: string;
  /** Seconds since the start of the run. */
  readonly nowS: () => number;
  readonly log: (msg: string) => void;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });

async function waitForLeader(ctx: InjectorContext, timeoutS: number): Promise<string | null> {
  const end = ctx.nowS() + timeoutS;
  for (;;) {
    const l = await ctx.control.leader(ctx.channel);
    if (l !== null || ctx.nowS() > end) return l;
    await sleep(500);
  }
}

function otherOrderers(leader: string | null): string[] {
  return ['orderer1', 'orderer2', 'orderer3'].filter((o) => o !== leader);
}

/**
 * Injects one fault and repairs it after its hold time: kill -9 and start, or SIGSTOP and SIGCONT.
 *
 * @param fault - the scheduled fault
 * @param ctx - node control and run clock
 * @returns what was done and when
 */
export async function inject(fault: ScheduledFault, ctx: InjectorContext): Promise<InjectedFault> {
  const leaderBefore = await waitForLeader(ctx, 30);
  const peer = ctx.peer();
  let targets: string[];
  let down: 'kill' | 'pause';
  switch (fault.kind) {
    case 'peer-kill':
      targets = [peer];
      down = 'kill';
      break;
    case 'peer-pause':
      targets = [peer];
      down = 'pause';
      break;
    case 'chaincode-kill':
      targets = [`cc-${ctx.chaincode}-${peer}`];
      down = 'kill';
      break;
    case 'orderer-leader-kill':
      targets = [leaderBefore ?? 'orderer1'];
      down = 'kill';
      break;
    case 'orderer-follower-kill':
      targets = otherOrderers(leaderBefore).slice(0, 1);
      down = 'kill';
      break;
    case 'orderer-pause':
      targets = [leaderBefore ?? 'orderer1'];
      down = 'pause';
      break;
    case 'orderer-quorum-loss':
      targets = [leaderBefore ?? 'orderer1', ...otherOrderers(leaderBefore).slice(0, 1)];
      down = 'kill';
      break;
  }
  const injectedAtS = ctx.nowS();
  const base = { ...fault, targets, injectedAtS, leaderBefore };
  ctx.log(
    `fault ${fault.kind}: ${down} ${targets.join(', ')} (leader ${leaderBefore ?? 'unknown'})`,
  );
  try {
    await Promise.all(targets.map((t) => ctx.control.run(down, t)));
  } catch (err) {
    return { ...base, repairedAtS: null, error: err instanceof Error ? err.message : String(err) };
  }
  await sleep((injectedAtS + fault.holdS - ctx.nowS()) * 1000);
  let error: string | undefined;
  try {
    // Restarted one after the other: `start` waits for health, and two orderers that come back
    // together is a different scenario from the one scheduled.
    for (const t of targets) await ctx.control.run(down === 'kill' ? 'start' : 'resume', t);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const repairedAtS = ctx.nowS();
  ctx.log(
    `fault ${fault.kind}: ${targets.join(', ')} back after ${(repairedAtS - injectedAtS).toFixed(1)} s`,
  );
  return { ...base, repairedAtS, ...(error === undefined ? {} : { error }) };
}

/** The Raft leader seen at a time (null: no orderer said it leads). */
export interface LeaderSample {
  readonly atS: number;
  readonly leader: string | null;
}

/**
 * Adds to each fault the first leader other than the one before it, seen after its injection and
 * before the next fault's.
 *
 * @param faults - injected faults, in order
 * @param changes - leader samples where the leader changed, in time order
 * @returns the faults with `newLeader` where one was elected
 */
export function withNewLeaders(
  faults: readonly InjectedFault[],
  changes: readonly LeaderSample[],
): InjectedFault[] {
  return faults.map((f, i) => {
    const until = faults[i + 1]?.injectedAtS ?? Number.POSITIVE_INFINITY;
    const c = changes.find(
      (x) =>
        x.atS >= f.injectedAtS && x.atS < until && x.leader !== null && x.leader !== f.leaderBefore,
    );
    return c?.leader == null ? f : { ...f, newLeader: { name: c.leader, atS: c.atS } };
  });
}
