/**
 * Job specs: what a node reports and when. Two types, with Chainlink's names so an operator's
 * existing specs read the same:
 *
 * - `fluxmonitor`: poll the sources every `pollTimerPeriod`; report when the median moved more than
 *   `threshold` percent **and** more than `absoluteThreshold` (in the feed's units) from the answer
 *   on chain, or when `idleTimerPeriod` (the heartbeat) has passed since the last round.
 * - `cron`: report on a schedule whatever the value.
 *
 * Each job has one or more sources, each a bridge to an external adapter with its own request
 * data, timeout and retries.
 */
import { TableReader } from './reader';
import { parseCron, type CronSchedule } from './cron';

/** One source of a job: a bridge and what to ask it. */
export interface SourceSpec {
  /** The bridge's name (the node's `[[bridges]]`). */
  readonly bridge: string;
  /** The adapter request's `data`. */
  readonly requestData: Readonly<Record<string, unknown>>;
  /** Where the number is in the answer; `["data", "result"]` by default. */
  readonly path: readonly string[];
  /** Deadline of one request to the adapter. */
  readonly timeoutMs: number;
  /** Further attempts after a failed one (a timeout, an unreachable adapter, a 5xx). */
  readonly retries: number;
}

/** What every job type has. */
interface JobBase {
  /** Unique name of the job on this node. */
  readonly name: string;
  /** The feed it reports to. */
  readonly feedId: string;
  /** Its sources; the node's observation is their median. */
  readonly sources: readonly SourceSpec[];
  /** Fewest sources that must answer for an observation; 1 by default. */
  readonly minSources: number;
}

/** A flux-monitor job (deviation and heartbeat). */
export interface FluxMonitorJob extends JobBase {
  /** The job type. */
  readonly type: 'fluxmonitor';
  /** Deviation that triggers a round, percent of the answer on chain. */
  readonly threshold: number;
  /** Deviation that must also be exceeded, in the feed's units (decimal text); "0" by default. */
  readonly absoluteThreshold: string;
  /** Heartbeat: a round at least this often; 0 turns it off. */
  readonly idleTimerPeriodMs: number;
  /** How often the leader observes. */
  readonly pollTimerPeriodMs: number;
}

/** A cron job (a round on every tick of a schedule). */
export interface CronJob extends JobBase {
  /** The job type. */
  readonly type: 'cron';
  /** When to report. */
  readonly schedule: CronSchedule;
}

/** Any job. */
export type JobSpec = FluxMonitorJob | CronJob;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const FEED_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function readSource(r: TableReader, bridges: ReadonlySet<string>): SourceSpec {
  const bridge = r.string('bridge');
  if (!bridges.has(bridge)) {
    throw r.error(
      r.pathOf('bridge'),
      `no bridge named "${bridge}" (bridges: ${[...bridges].join(', ') || 'none'})`,
    );
  }
  // requestData is free-form (whatever the adapter takes): only its being a table is checked.
  if (r.has('requestData')) r.table('requestData');
  const requestData = (r.raw('requestData') ?? {}) as Record<string, unknown>;
  const path = r.has('path') ? r.strings('path') : ['data', 'result'];
  if (path.length === 0) throw r.error(r.pathOf('path'), 'must name at least one key');
  const source: SourceSpec = {
    bridge,
    requestData,
    path,
    timeoutMs: r.duration('timeout', 10, 5000),
    retries: r.integer('retries', 0, 10, 1),
  };
  r.done();
  return source;
}

/**
 * Validates one job spec.
 *
 * @param value - the parsed spec (a TOML or JSON table)
 * @param path - where it is in the configuration, for error messages (`jobs[0]`)
 * @param bridges - the names of the node's bridges
 * @returns the job
 * @throws OracleNodeError `INVALID_JOB` naming the field at fault
 */
export function readJob(value: unknown, path: string, bridges: ReadonlySet<string>): JobSpec {
  const r = new TableReader(value, path, 'INVALID_JOB');
  const type = r.string('type');
  const name = r.string('name', NAME);
  const feedId = r.string('feedId', FEED_ID);
  const sources = r.tables('sources', 1).map((s) => readSource(s, bridges));
  const minSources = r.integer('minSources', 1, sources.length, 1);
  const base = { name, feedId, sources, minSources };
  let job: JobSpec;
  if (type === 'fluxmonitor') {
    const abs = r.number('absoluteThreshold', 0, Number.MAX_SAFE_INTEGER, 0);
    job = {
      ...base,
      type,
      threshold: r.number('threshold', 0, 100),
      absoluteThreshold: String(abs),
      idleTimerPeriodMs: r.has('idleTimerPeriod') ? r.duration('idleTimerPeriod', 1000) : 0,
      pollTimerPeriodMs: r.duration('pollTimerPeriod', 500),
    };
    if (job.threshold === 0 && job.idleTimerPeriodMs === 0) {
      throw r.error(
        r.pathOf('threshold'),
        'is 0 and there is no idleTimerPeriod: the job would never report',
      );
    }
  } else if (type === 'cron') {
    const text = r.string('schedule');
    let schedule: CronSchedule;
    try {
      schedule = parseCron(text);
      // A schedule that parses may still never fire (30 February): refused here, where the
      // error names the field, rather than when the job starts.
      schedule.next(Date.now());
    } catch (err) {
      throw r.error(r.pathOf('schedule'), err instanceof Error ? err.message : String(err));
    }
    job = { ...base, type, schedule };
  } else {
    throw r.error(r.pathOf('type'), `"${type}" is not a job type (fluxmonitor, cron)`);
  }
  r.done();
  return job;
}
