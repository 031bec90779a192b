/**
 * From a database row to the store's records and from a record to a statement's values, for both stores: SQLite (node-sqlite3-wasm) and
 * PostgreSQL (pg) return the same columns, with integers as numbers, bigints or decimal strings
 * depending on the driver and column type, and NULL for an absent optional column. One mapping
 * keeps the two stores returning the same records for the same rows.
 */
import type {
  ErrorRecord,
  JobState,
  RoundEntry,
  RunRecord,
  SourceRecord,
  TransmissionRecord,
} from './store';

/** A row as a driver returns it: column name to value. */
export type Row = Readonly<Record<string, unknown>>;

/** An optional text column as a field: absent when NULL, numbers written in decimal. */
function opt<K extends string>(key: K, v: unknown): Partial<Record<K, string>> {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint'
    ? ({ [key]: v.toString() } as Record<K, string>)
    : {};
}

/**
 * @param r - a `job_state` row
 * @returns the job's saved position
 */
export function jobStateOf(r: Row): JobState {
  return { roundId: String(r.round_id), attempt: Number(r.attempt) };
}

/**
 * @param r - a `job_runs` row
 * @returns the run
 */
export function runOf(r: Row): RunRecord {
  return {
    id: String(r.id),
    job: String(r.job),
    trigger: String(r.trigger),
    startedAt: Number(r.started_at),
    ...(r.finished_at === null || r.finished_at === undefined
      ? {}
      : { finishedAt: Number(r.finished_at) }),
    status: String(r.status) as RunRecord['status'],
    ...opt('result', r.result),
    ...opt('error', r.error),
  };
}

/**
 * @param r - a `run_sources` row
 * @returns the source's answer in a run
 */
export function sourceOf(r: Row): SourceRecord {
  return {
    runId: String(r.run_id),
    bridge: String(r.bridge),
    ...opt('value', r.value),
    ...opt('errorCode', r.error_code),
    ...opt('error', r.error),
    latencyMs: Number(r.latency_ms),
  };
}

/**
 * @param r - an `errors` row
 * @returns the error
 */
export function errorOf(r: Row): ErrorRecord {
  return {
    at: Number(r.at),
    component: String(r.component),
    ...opt('job', r.job),
    ...opt('source', r.source),
    code: String(r.code),
    message: String(r.message),
  };
}

/**
 * @param r - a `rounds` row
 * @returns the round attempt
 */
export function roundOf(r: Row): RoundEntry {
  return {
    feedId: String(r.feed_id),
    roundId: String(r.round_id),
    attempt: Number(r.attempt),
    role: String(r.role) as RoundEntry['role'],
    leader: String(r.leader),
    status: String(r.status),
    ...opt('answer', r.answer),
    ...opt('reason', r.reason),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * @param r - a `transmissions` row
 * @returns the transmission
 */
export function transmissionOf(r: Row): TransmissionRecord {
  return {
    feedId: String(r.feed_id),
    roundId: String(r.round_id),
    status: String(r.status) as TransmissionRecord['status'],
    ...opt('txId', r.tx_id),
    ...opt('error', r.error),
    at: Number(r.at),
  };
}

/** A statement parameter as both drivers take it: text, a number, or NULL. */
export type Param = string | number | null;

/**
 * @param runId - the run
 * @param s - one source's answer
 * @returns the values of `run_sources (run_id, bridge, value, error_code, error, latency_ms)`
 */
export function sourceParams(runId: string, s: Readonly<SourceRecord>): Param[] {
  return [runId, s.bridge, s.value ?? null, s.errorCode ?? null, s.error ?? null, s.latencyMs];
}

/**
 * @param e - the error
 * @param at - when it is recorded (the store's clock, not the caller's)
 * @returns the values of `errors (at, component, job, source, code, message)`
 */
export function errorParams(e: Readonly<ErrorRecord>, at: number): Param[] {
  return [at, e.component, e.job ?? null, e.source ?? null, e.code, e.message];
}

/**
 * @param r - the round attempt
 * @param updatedAt - when it is recorded
 * @returns the values of `rounds (feed_id, round_id, attempt, role, leader, status, answer,
 *   reason, updated_at)`
 */
export function roundParams(r: Readonly<RoundEntry>, updatedAt: number): Param[] {
  return [
    r.feedId,
    r.roundId,
    r.attempt,
    r.role,
    r.leader,
    r.status,
    r.answer ?? null,
    r.reason ?? null,
    updatedAt,
  ];
}

/**
 * @param t - the transmission
 * @param at - when it is recorded
 * @returns the values of `transmissions (feed_id, round_id, status, tx_id, error, at)`
 */
export function transmissionParams(t: Readonly<TransmissionRecord>, at: number): Param[] {
  return [t.feedId, t.roundId, t.status, t.txId ?? null, t.error ?? null, at];
}
