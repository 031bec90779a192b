/**
 * The oracle nodes the console is told about (`--oracle-nodes`): each node's operations listener
 * (oracle-node/src/ops/server.ts) is read by this server at the probe interval, never by the
 * browser, so the page's CSP stays 'self' and the nodes' listeners need not be reachable from it.
 * One round reads `/health`, `/readyz`, `/v1/jobs` with each job's recent runs, `/v1/bridges`,
 * `/v1/errors` and `/v1/lease`; listeners hear of each snapshot that differs from the last.
 *
 * `/v1/lease` is newer than the rest: a node that answers it 404 has no lease to report, shown
 * as "n/a" (`lease: null`), so the page works with nodes from before and after it.
 */
import { describeFailure, getText } from '../network/operations';
import { newPoller, type Poller } from '../lib/poller';

/** One node as configured: a name for the page and its operations URL. */
export interface OracleNodeRef {
  /** What the page calls it (the `name=` of the setting, else the URL's host:port). */
  readonly name: string;
  /** The operations listener's base URL, `http://host:port`. */
  readonly url: string;
}

/** The lease state a node reports on `/v1/lease`. */
export interface OracleLease {
  /** Where the lease is kept. */
  readonly store: 'postgres' | 'sqlite';
  /** This node's role: the lease holder, waiting for it, or alone (no lease to share). */
  readonly role: 'active' | 'standby' | 'single';
  /** Who holds it. */
  readonly holder: string | null;
  /** The holder's fencing epoch. */
  readonly epoch: number | null;
  /** When the holder's lease ends unless renewed (ISO-8601). */
  readonly expiresAt: string | null;
}

/** One recent run of a job. */
export interface OracleRun {
  /** The run's id. */
  readonly id: string;
  /** What started it (`poll`, `idle`, `round`…). */
  readonly trigger: string;
  /** When it started (ms since the epoch). */
  readonly startedAt: number;
  /** When it finished, if it has. */
  readonly finishedAt?: number;
  /** Its status as the node records it. */
  readonly status: string;
  /** The value it produced. */
  readonly result?: string;
  /** Why it failed. */
  readonly error?: string;
}

/** One job of a node with its state and recent runs. */
export interface OracleJob {
  /** The job's name. */
  readonly name: string;
  /** Its type (`fluxmonitor`). */
  readonly type: string;
  /** The feed it reports. */
  readonly feedId: string;
  /** The round being worked on. */
  readonly roundId: string;
  /** The leader attempt of that round. */
  readonly attempt: number;
  /** The current leader's oracle id. */
  readonly leader: string;
  /** The latest round on chain, as the node last read it. */
  readonly latestRoundId?: string;
  /** The last chain error, when the node's last read failed. */
  readonly chainError?: string;
  /** Its most recent runs, newest first. */
  readonly runs: readonly OracleRun[];
}

/** One error a node recorded. */
export interface OracleError {
  /** When (ms since the epoch). */
  readonly at?: number;
  /** Which part of the node. */
  readonly component: string;
  /** The job, when one. */
  readonly job?: string;
  /** The source (bridge), when one. */
  readonly source?: string;
  /** Its code. */
  readonly code: string;
  /** Its message. */
  readonly message: string;
}

/** One health check of a node. */
export interface OracleCheck {
  /** `passing` or `failing`. */
  readonly status: string;
  /** What the check said. */
  readonly output?: string;
}

/** What the last round of reads found about one node. */
export interface OracleNodeStatus extends OracleNodeRef {
  /** Whether `/health` answered 200. */
  readonly healthy: boolean;
  /** Whether `/readyz` answered 200; null when the node did not answer at all. */
  readonly ready: boolean | null;
  /** Why it is not healthy: the failing checks, or the connection error. */
  readonly reason?: string;
  /** The node's own checks, by component. */
  readonly checks: Readonly<Record<string, OracleCheck>>;
  /** Its jobs. */
  readonly jobs: readonly OracleJob[];
  /** Its bridges. */
  readonly bridges: readonly { readonly name: string; readonly url: string }[];
  /** Its most recent errors, newest first. */
  readonly errors: readonly OracleError[];
  /** The lease; null when the node has no `/v1/lease` (404: shown "n/a"); absent when unread. */
  readonly lease?: OracleLease | null;
  /** Why the lease could not be read, when it could not (other than 404). */
  readonly leaseError?: string;
}

/** Every configured node at one moment. */
export interface OracleNodesSnapshot {
  /** The nodes, in the order configured. */
  readonly nodes: readonly OracleNodeStatus[];
  /** When the reads finished (ISO-8601). */
  readonly checkedAt: string;
}

/** Options of {@link newOracleNodesMonitor}. */
export interface OracleNodesMonitorOptions {
  /** The nodes. */
  readonly nodes: readonly OracleNodeRef[];
  /** Time between two rounds of reads, in milliseconds. */
  readonly intervalMs: number;
  /** Deadline of one request, in milliseconds. */
  readonly timeoutMs: number;
  /** Runs read per job; 5 when absent. */
  readonly runsPerJob?: number;
  /** Errors read per node; 10 when absent. */
  readonly errorsPerNode?: number;
}

/** Watches the oracle nodes; see {@link newOracleNodesMonitor}. */
export interface OracleNodesMonitor {
  /** The nodes it reads. */
  readonly nodes: readonly OracleNodeRef[];
  /** @returns the latest snapshot, reading first when none has been taken yet */
  snapshot(): Promise<OracleNodesSnapshot>;
  /**
   * Calls `listener` with every snapshot that differs from the one before (times aside).
   *
   * @param listener - receives the new snapshot
   * @returns a function that removes the listener
   */
  onChange(listener: (snapshot: OracleNodesSnapshot) => void): () => void;
  /** Starts reading at the interval. */
  start(): void;
  /** Stops reading. Idempotent. */
  stop(): void;
}

/**
 * Reads the `--oracle-nodes` setting: a comma-separated list of operations URLs, each optionally
 * named (`node-a=http://127.0.0.1:6688`).
 *
 * @param value - the setting
 * @returns the nodes, in the order given
 * @throws Error naming the entry that is not an `http://host:port` URL, or a name given twice
 */
export function parseOracleNodes(value: string): OracleNodeRef[] {
  const out: OracleNodeRef[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const named = eq > 0 && !entry.slice(0, eq).includes(':');
    const text = named ? entry.slice(eq + 1).trim() : entry;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Error(`oracle node '${entry}' is not a URL (give http://host:port)`);
    }
    // The nodes' operations listener speaks plain HTTP (bound to loopback or a private network).
    if (url.protocol !== 'http:' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
      throw new Error(
        `oracle node '${entry}' must be an operations URL of the form http://host:port`,
      );
    }
    if (url.username !== '' || url.password !== '') {
      throw new Error(`oracle node '${entry}' must not carry credentials`);
    }
    const name = named ? entry.slice(0, eq).trim() : url.host;
    if (out.some((n) => n.name === name)) {
      throw new Error(`oracle node name '${name}' is given twice`);
    }
    out.push({ name, url: url.origin });
  }
  if (out.length === 0) throw new Error('--oracle-nodes lists no node');
  return out;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Checks a `/v1/lease` answer against the shape the node service documents.
 *
 * @param v - the decoded body
 * @returns the lease, or undefined when the body is not one
 */
export function toLease(v: unknown): OracleLease | undefined {
  if (!isObject(v)) return undefined;
  const { store, role, holder, epoch, expiresAt } = v;
  if (store !== 'postgres' && store !== 'sqlite') return undefined;
  if (role !== 'active' && role !== 'standby' && role !== 'single') return undefined;
  if (holder !== null && typeof holder !== 'string') return undefined;
  if (epoch !== null && num(epoch) === undefined) return undefined;
  if (expiresAt !== null && typeof expiresAt !== 'string') return undefined;
  return {
    store,
    role,
    holder,
    epoch: epoch === null ? null : (epoch as number),
    expiresAt,
  };
}

function toRun(v: unknown): OracleRun | undefined {
  if (!isObject(v)) return undefined;
  const id = str(v.id);
  const startedAt = num(v.startedAt);
  if (id === undefined || startedAt === undefined) return undefined;
  const finishedAt = num(v.finishedAt);
  const result = str(v.result);
  const error = str(v.error);
  return {
    id,
    trigger: str(v.trigger) ?? '',
    startedAt,
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    status: str(v.status) ?? '',
    ...(result !== undefined ? { result } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

function toError(v: unknown): OracleError | undefined {
  if (!isObject(v)) return undefined;
  const at = num(v.at);
  const job = str(v.job);
  const source = str(v.source);
  return {
    ...(at !== undefined ? { at } : {}),
    component: str(v.component) ?? '',
    ...(job !== undefined ? { job } : {}),
    ...(source !== undefined ? { source } : {}),
    code: str(v.code) ?? '',
    message: str(v.message) ?? '',
  };
}

const defined = <T>(x: T | undefined): x is T => x !== undefined;

class OracleNodesMonitorImpl implements OracleNodesMonitor {
  readonly #options: Readonly<OracleNodesMonitorOptions>;
  readonly #poller: Poller<OracleNodesSnapshot>;

  constructor(options: Readonly<OracleNodesMonitorOptions>) {
    this.#options = options;
    this.#poller = newPoller({
      read: () => this.#readAll(),
      // A change is a change of the nodes, not of the time they were read.
      comparable: (s) => JSON.stringify(s.nodes),
      intervalMs: options.intervalMs,
    });
  }

  get nodes(): readonly OracleNodeRef[] {
    return this.#options.nodes;
  }

  snapshot(): Promise<OracleNodesSnapshot> {
    return this.#poller.snapshot();
  }

  onChange(listener: (snapshot: OracleNodesSnapshot) => void): () => void {
    return this.#poller.onChange(listener);
  }

  start(): void {
    this.#poller.start();
  }

  stop(): void {
    this.#poller.stop();
  }

  async #readAll(): Promise<OracleNodesSnapshot> {
    const nodes = await Promise.all(this.#options.nodes.map((n) => this.#read(n)));
    return { nodes, checkedAt: new Date().toISOString() };
  }

  async #json(node: OracleNodeRef, path: string): Promise<{ status: number; body: unknown }> {
    const res = await getText(`${node.url}${path}`, this.#options.timeoutMs);
    return { status: res.status, body: parseJson(res.body) };
  }

  async #read(node: OracleNodeRef): Promise<OracleNodeStatus> {
    let health: { status: number; body: unknown };
    try {
      health = await this.#json(node, '/health');
    } catch (err) {
      return {
        ...node,
        healthy: false,
        ready: null,
        reason: describeFailure(err),
        checks: {},
        jobs: [],
        bridges: [],
        errors: [],
      };
    }
    const checks: Record<string, OracleCheck> = {};
    const rawChecks = isObject(health.body) ? health.body.checks : undefined;
    if (isObject(rawChecks)) {
      for (const [name, c] of Object.entries(rawChecks)) {
        if (!isObject(c)) continue;
        const output = str(c.output);
        checks[name] = { status: str(c.status) ?? '', ...(output !== undefined ? { output } : {}) };
      }
    }
    const healthy = health.status === 200;
    const failing = Object.entries(checks)
      .filter(([, c]) => c.status !== 'passing')
      .map(([name, c]) => `${name}: ${c.output ?? c.status}`);
    // The rest is read even from an unhealthy node: its errors are what the operator wants then.
    const [ready, jobs, bridges, errors, lease] = await Promise.all([
      this.#json(node, '/readyz').then(
        (r) => r.status === 200,
        () => null,
      ),
      this.#jobs(node).catch(() => []),
      this.#json(node, '/v1/bridges').then(
        (r) =>
          isObject(r.body) && Array.isArray(r.body.bridges)
            ? r.body.bridges
                .filter(isObject)
                .map((b) => ({ name: str(b.name) ?? '', url: str(b.url) ?? '' }))
            : [],
        () => [],
      ),
      this.#json(node, `/v1/errors?limit=${String(this.#options.errorsPerNode ?? 10)}`).then(
        (r) =>
          isObject(r.body) && Array.isArray(r.body.errors)
            ? r.body.errors.map(toError).filter(defined)
            : [],
        () => [],
      ),
      this.#lease(node),
    ]);
    return {
      ...node,
      healthy,
      ready,
      ...(healthy
        ? {}
        : {
            reason:
              failing.length > 0 ? failing.join('; ') : `health answered HTTP ${health.status}`,
          }),
      checks,
      jobs,
      bridges,
      errors,
      ...lease,
    };
  }

  async #lease(node: OracleNodeRef): Promise<{ lease?: OracleLease | null; leaseError?: string }> {
    let r: { status: number; body: unknown };
    try {
      r = await this.#json(node, '/v1/lease');
    } catch (err) {
      return { leaseError: describeFailure(err) };
    }
    if (r.status === 404) return { lease: null };
    if (r.status !== 200) return { leaseError: `lease answered HTTP ${r.status}` };
    const lease = toLease(r.body);
    return lease === undefined ? { leaseError: 'lease answer of an unknown shape' } : { lease };
  }

  async #jobs(node: OracleNodeRef): Promise<OracleJob[]> {
    const r = await this.#json(node, '/v1/jobs');
    if (r.status !== 200 || !isObject(r.body) || !Array.isArray(r.body.jobs)) return [];
    const limit = this.#options.runsPerJob ?? 5;
    const jobs = r.body.jobs.filter(isObject).map((j) => {
      const spec = isObject(j.spec) ? j.spec : {};
      const status = isObject(j.status) ? j.status : {};
      const latest = isObject(status.latest) ? status.latest : {};
      const latestRoundId = str(latest.roundId) ?? num(latest.roundId)?.toString();
      const chainError = str(status.chainError);
      return {
        name: str(spec.name) ?? str(status.job) ?? '',
        type: str(spec.type) ?? '',
        feedId: str(spec.feedId) ?? str(status.feedId) ?? '',
        roundId: str(status.roundId) ?? '',
        attempt: num(status.attempt) ?? 0,
        leader: str(status.leader) ?? '',
        ...(latestRoundId !== undefined ? { latestRoundId } : {}),
        ...(chainError !== undefined ? { chainError } : {}),
      };
    });
    return Promise.all(
      jobs.map(async (job): Promise<OracleJob> => {
        const runs = await this.#json(
          node,
          `/v1/jobs/${encodeURIComponent(job.name)}/runs?limit=${String(limit)}`,
        ).then(
          (x) =>
            isObject(x.body) && Array.isArray(x.body.runs)
              ? x.body.runs.map(toRun).filter(defined)
              : [],
          () => [],
        );
        return { ...job, runs };
      }),
    );
  }
}

/**
 * A monitor of oracle nodes' operations listeners.
 *
 * @param options - the nodes, the interval and each request's deadline
 * @returns the monitor; call `start()` to read at the interval and `stop()` to end
 */
export function newOracleNodesMonitor(
  options: Readonly<OracleNodesMonitorOptions>,
): OracleNodesMonitor {
  return new OracleNodesMonitorImpl(options);
}
