/**
 * The default store: one SQLite file, through node-sqlite3-wasm. Why that package: it ships SQLite
 * compiled to WebAssembly inside the package, so nothing is downloaded or compiled at install and
 * the same files run on Node 20, 22 and 24 (node:sqlite needs Node 22.5+; better-sqlite3 builds
 * here from source with node-gyp, but a native addon is bound to one Node ABI and the project
 * tests under three). The node writes a few rows a second, well within it.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Database } from 'node-sqlite3-wasm';
import { OracleNodeError } from '../errors';
import { newSingleLease, type Lease } from './lease';
import {
  errorOf,
  jobStateOf,
  roundOf,
  runOf,
  sourceOf,
  transmissionOf,
  type Row,
  errorParams,
  roundParams,
  sourceParams,
  transmissionParams,
} from './rows';
import type {
  ErrorRecord,
  JobState,
  RoundEntry,
  RunRecord,
  SignatureClaim,
  SourceRecord,
  Store,
  TransmissionRecord,
} from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS job_runs (
  id TEXT PRIMARY KEY, job TEXT NOT NULL, trigger TEXT NOT NULL, started_at INTEGER NOT NULL,
  finished_at INTEGER, status TEXT NOT NULL, result TEXT, error TEXT);
CREATE INDEX IF NOT EXISTS job_runs_job ON job_runs (job, status, started_at);
CREATE TABLE IF NOT EXISTS run_sources (
  run_id TEXT NOT NULL, bridge TEXT NOT NULL, value TEXT, error_code TEXT, error TEXT,
  latency_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS run_sources_run ON run_sources (run_id);
CREATE TABLE IF NOT EXISTS errors (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, component TEXT NOT NULL, job TEXT,
  source TEXT, code TEXT NOT NULL, message TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rounds (
  feed_id TEXT NOT NULL, round_id TEXT NOT NULL, attempt INTEGER NOT NULL, role TEXT NOT NULL,
  leader TEXT NOT NULL, status TEXT NOT NULL, answer TEXT, reason TEXT, updated_at INTEGER NOT NULL,
  PRIMARY KEY (feed_id, round_id, attempt));
CREATE TABLE IF NOT EXISTS transmissions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, feed_id TEXT NOT NULL, round_id TEXT NOT NULL,
  status TEXT NOT NULL, tx_id TEXT, error TEXT, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS signed_reports (
  feed_id TEXT NOT NULL, round_id TEXT NOT NULL, attempt INTEGER NOT NULL,
  config_digest TEXT NOT NULL DEFAULT '', report_hash TEXT NOT NULL,
  PRIMARY KEY (feed_id, round_id, attempt, config_digest));
CREATE TABLE IF NOT EXISTS job_state (
  job TEXT PRIMARY KEY, round_id TEXT NOT NULL, attempt INTEGER NOT NULL, updated_at INTEGER NOT NULL);
`;

/**
 * Brings a file made before claims recorded their config digest to the current table: the same
 * rows, each with an empty digest, which binds every digest (see `Store.claimSignature`). SQLite
 * cannot change a primary key in place, so the table is rebuilt in one transaction.
 */
const CLAIMS_WITH_DIGEST = `
BEGIN;
CREATE TABLE signed_reports_next (
  feed_id TEXT NOT NULL, round_id TEXT NOT NULL, attempt INTEGER NOT NULL,
  config_digest TEXT NOT NULL DEFAULT '', report_hash TEXT NOT NULL,
  PRIMARY KEY (feed_id, round_id, attempt, config_digest));
INSERT INTO signed_reports_next (feed_id, round_id, attempt, report_hash)
  SELECT feed_id, round_id, attempt, report_hash FROM signed_reports;
DROP TABLE signed_reports;
ALTER TABLE signed_reports_next RENAME TO signed_reports;
COMMIT;
`;

/** Options of {@link newSqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file; created with its folder when missing. `:memory:` for tests. */
  readonly path: string;
  /** Successful runs kept per job. */
  readonly maxSuccessfulRuns: number;
}

class SqliteStore implements Store {
  readonly #db: Database;
  readonly #maxRuns: number;
  /** A SQLite file has one process, which is always active. */
  readonly lease: Lease = newSingleLease();

  constructor(options: Readonly<SqliteStoreOptions>) {
    this.#maxRuns = options.maxSuccessfulRuns;
    try {
      if (options.path !== ':memory:') mkdirSync(path.dirname(options.path), { recursive: true });
      this.#db = new Database(options.path);
      this.#db.exec(SCHEMA);
      const columns = this.#db.all('PRAGMA table_info(signed_reports)') as Row[];
      if (!columns.some((c) => c.name === 'config_digest')) this.#migrate(CLAIMS_WITH_DIGEST);
    } catch (err) {
      throw new OracleNodeError({
        code: 'STORE_FAILED',
        message: `cannot open the SQLite database ${options.path}: ${err instanceof Error ? err.message : String(err)}`,
        cause: err,
      });
    }
  }

  /** Runs a migration that opens and commits its own transaction; rolls it back if it fails. */
  #migrate(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (err) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  #do<T>(what: string, f: () => T): Promise<T> {
    try {
      return Promise.resolve(f());
    } catch (err) {
      return Promise.reject(
        new OracleNodeError({
          code: 'STORE_FAILED',
          message: `${what} failed: ${err instanceof Error ? err.message : String(err)}`,
          cause: err,
        }),
      );
    }
  }

  startRun(run: Readonly<Pick<RunRecord, 'id' | 'job' | 'trigger'>>): Promise<void> {
    return this.#do('recording a run', () => {
      this.#db.run(
        'INSERT INTO job_runs (id, job, trigger, started_at, status) VALUES (?, ?, ?, ?, ?)',
        [run.id, run.job, run.trigger, Date.now(), 'running'],
      );
    });
  }

  finishRun(
    id: string,
    outcome: Readonly<{ status: 'completed' | 'errored'; result?: string; error?: string }>,
    sources: readonly SourceRecord[],
  ): Promise<void> {
    return this.#do('finishing a run', () => {
      this.#db.exec('BEGIN');
      try {
        this.#db.run(
          'UPDATE job_runs SET finished_at = ?, status = ?, result = ?, error = ? WHERE id = ?',
          [Date.now(), outcome.status, outcome.result ?? null, outcome.error ?? null, id],
        );
        for (const s of sources) {
          this.#db.run(
            'INSERT INTO run_sources (run_id, bridge, value, error_code, error, latency_ms) VALUES (?, ?, ?, ?, ?, ?)',
            sourceParams(id, s),
          );
        }
        if (outcome.status === 'completed') this.#prune(id);
        this.#db.exec('COMMIT');
      } catch (err) {
        this.#db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  /** Bounded retention: successful runs of the run's job beyond the limit go, with their sources. */
  #prune(id: string): void {
    const job = this.#db.get('SELECT job FROM job_runs WHERE id = ?', [id]) as Row | null;
    if (job === null) return;
    const old = `SELECT id FROM job_runs WHERE job = ? AND status = 'completed'
                 ORDER BY started_at DESC, rowid DESC LIMIT -1 OFFSET ?`;
    this.#db.run(`DELETE FROM run_sources WHERE run_id IN (${old})`, [
      String(job.job),
      this.#maxRuns,
    ]);
    this.#db.run(`DELETE FROM job_runs WHERE id IN (${old})`, [String(job.job), this.#maxRuns]);
  }

  recordError(e: Readonly<ErrorRecord>): Promise<void> {
    return this.#do('recording an error', () => {
      this.#db.run(
        'INSERT INTO errors (at, component, job, source, code, message) VALUES (?, ?, ?, ?, ?, ?)',
        errorParams(e, Date.now()),
      );
    });
  }

  recordRound(r: Readonly<RoundEntry>): Promise<void> {
    return this.#do('recording a round', () => {
      this.#db.run(
        `INSERT INTO rounds (feed_id, round_id, attempt, role, leader, status, answer, reason, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (feed_id, round_id, attempt) DO UPDATE SET role = excluded.role,
           leader = excluded.leader, status = excluded.status,
           answer = COALESCE(excluded.answer, rounds.answer), reason = COALESCE(excluded.reason, rounds.reason),
           updated_at = excluded.updated_at`,
        roundParams(r, Date.now()),
      );
    });
  }

  recordTransmission(t: Readonly<TransmissionRecord>): Promise<void> {
    return this.#do('recording a transmission', () => {
      this.#db.run(
        'INSERT INTO transmissions (feed_id, round_id, status, tx_id, error, at) VALUES (?, ?, ?, ?, ?, ?)',
        transmissionParams(t, Date.now()),
      );
    });
  }

  claimSignature(claim: Readonly<SignatureClaim>): Promise<boolean> {
    const { feedId, roundId, attempt, configDigest, reportHash } = claim;
    return this.#do('claiming a signature', () => {
      // One process and synchronous calls: nothing runs between the read and the insert.
      const earlier = this.#db.all(
        `SELECT report_hash FROM signed_reports
         WHERE feed_id = ? AND round_id = ? AND attempt = ? AND config_digest IN (?, '')`,
        [feedId, roundId, attempt, configDigest],
      ) as Row[];
      if (earlier.length > 0) return earlier.every((r) => r.report_hash === reportHash);
      this.#db.run(
        'INSERT INTO signed_reports (feed_id, round_id, attempt, config_digest, report_hash) VALUES (?, ?, ?, ?, ?)',
        [feedId, roundId, attempt, configDigest, reportHash],
      );
      return true;
    });
  }

  saveJobState(job: string, state: Readonly<JobState>): Promise<void> {
    return this.#do('saving a job position', () => {
      this.#db.run(
        `INSERT INTO job_state (job, round_id, attempt, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (job) DO UPDATE SET round_id = excluded.round_id, attempt = excluded.attempt,
           updated_at = excluded.updated_at`,
        [job, state.roundId, state.attempt, Date.now()],
      );
    });
  }

  loadJobState(job: string): Promise<JobState | undefined> {
    return this.#do('loading a job position', () => {
      const row = this.#db.get('SELECT round_id, attempt FROM job_state WHERE job = ?', [
        job,
      ]) as Row | null;
      return row === null ? undefined : jobStateOf(row);
    });
  }

  listRuns(job: string, limit: number): Promise<RunRecord[]> {
    return this.#do('listing runs', () =>
      (
        this.#db.all(
          'SELECT * FROM job_runs WHERE job = ? ORDER BY started_at DESC, rowid DESC LIMIT ?',
          [job, limit],
        ) as Row[]
      ).map(runOf),
    );
  }

  listSources(runId: string): Promise<SourceRecord[]> {
    return this.#do('listing sources', () =>
      (
        this.#db.all('SELECT * FROM run_sources WHERE run_id = ? ORDER BY rowid', [runId]) as Row[]
      ).map(sourceOf),
    );
  }

  listErrors(limit: number): Promise<ErrorRecord[]> {
    return this.#do('listing errors', () =>
      (this.#db.all('SELECT * FROM errors ORDER BY id DESC LIMIT ?', [limit]) as Row[]).map(
        errorOf,
      ),
    );
  }

  listRounds(feedId: string, limit: number): Promise<RoundEntry[]> {
    return this.#do('listing rounds', () =>
      (
        this.#db.all(
          'SELECT * FROM rounds WHERE feed_id = ? ORDER BY CAST(round_id AS INTEGER) DESC, attempt DESC LIMIT ?',
          [feedId, limit],
        ) as Row[]
      ).map(roundOf),
    );
  }

  listTransmissions(feedId: string, limit: number): Promise<TransmissionRecord[]> {
    return this.#do('listing transmissions', () =>
      (
        this.#db.all('SELECT * FROM transmissions WHERE feed_id = ? ORDER BY id DESC LIMIT ?', [
          feedId,
          limit,
        ]) as Row[]
      ).map(transmissionOf),
    );
  }

  check(): Promise<void> {
    return this.#do('checking the database', () => {
      this.#db.get('SELECT 1');
    });
  }

  close(): Promise<void> {
    return this.#do('closing the database', () => {
      if (this.#db.isOpen) this.#db.close();
    });
  }
}

/**
 * Opens (and creates) the SQLite store.
 *
 * @param options - the file and the retention of successful runs
 * @returns the store
 * @throws OracleNodeError `STORE_FAILED` when the file cannot be opened or its schema created
 */
export function newSqliteStore(options: Readonly<SqliteStoreOptions>): Store {
  return new SqliteStore(options);
}
