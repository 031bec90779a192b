/**
 * The PostgreSQL store, for an active and a standby process of one oracle sharing a database
 * (through the pure-JavaScript `pg` client, loaded only when a database URL is configured). The
 * schema comes from numbered migrations applied under an advisory lock, so two processes starting
 * together migrate once. Signatures are fenced: a round's signature is claimed in the same
 * statement that checks this process still holds the lease under its epoch, and the claim keeps
 * that epoch, so the database shows under which epoch each round was signed.
 */
import type { Pool, PoolClient } from 'pg';
import { OracleNodeError } from '../errors';
import { leaseLost, type Lease } from './lease';
import { newPostgresLease, type PostgresLease } from './postgres-lease';
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

/** The migrations, applied in order once each; append, never edit an applied one. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE job_runs (
     seq BIGSERIAL UNIQUE, id TEXT PRIMARY KEY, job TEXT NOT NULL, trigger TEXT NOT NULL,
     started_at BIGINT NOT NULL, finished_at BIGINT, status TEXT NOT NULL, result TEXT, error TEXT);
   CREATE INDEX job_runs_job ON job_runs (job, status, started_at);
   CREATE TABLE run_sources (
     seq BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
     bridge TEXT NOT NULL, value TEXT, error_code TEXT, error TEXT, latency_ms INTEGER NOT NULL);
   CREATE INDEX run_sources_run ON run_sources (run_id);
   CREATE TABLE errors (
     id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, component TEXT NOT NULL, job TEXT, source TEXT,
     code TEXT NOT NULL, message TEXT NOT NULL);
   CREATE TABLE rounds (
     feed_id TEXT NOT NULL, round_id NUMERIC NOT NULL, attempt INTEGER NOT NULL, role TEXT NOT NULL,
     leader TEXT NOT NULL, status TEXT NOT NULL, answer TEXT, reason TEXT, updated_at BIGINT NOT NULL,
     PRIMARY KEY (feed_id, round_id, attempt));
   CREATE TABLE transmissions (
     id BIGSERIAL PRIMARY KEY, feed_id TEXT NOT NULL, round_id TEXT NOT NULL, status TEXT NOT NULL,
     tx_id TEXT, error TEXT, at BIGINT NOT NULL);
   CREATE TABLE signed_reports (
     feed_id TEXT NOT NULL, round_id TEXT NOT NULL, attempt INTEGER NOT NULL,
     report_hash TEXT NOT NULL, holder TEXT NOT NULL, epoch BIGINT NOT NULL, at BIGINT NOT NULL,
     PRIMARY KEY (feed_id, round_id, attempt));
   CREATE TABLE job_state (
     job TEXT PRIMARY KEY, round_id TEXT NOT NULL, attempt INTEGER NOT NULL, updated_at BIGINT NOT NULL);
   CREATE TABLE node_lease (
     name TEXT PRIMARY KEY, holder TEXT NOT NULL, epoch BIGINT NOT NULL,
     expires_at TIMESTAMPTZ NOT NULL);`,
  // A claim records the config digest its report carries (see Store.claimSignature); claims made
  // before keep an empty digest, which binds every digest.
  `ALTER TABLE signed_reports ADD COLUMN config_digest TEXT NOT NULL DEFAULT '';
   ALTER TABLE signed_reports DROP CONSTRAINT signed_reports_pkey;
   ALTER TABLE signed_reports ADD PRIMARY KEY (feed_id, round_id, attempt, config_digest);`,
];

/** An arbitrary constant naming the migration lock among the database's advisory locks. */
const MIGRATION_LOCK = 7_301_128_011;

/** Options of {@link newPostgresStore}. */
export interface PostgresStoreOptions {
  /** The database URL (`postgresql://user@host:port/db`). */
  readonly url: string;
  /** Successful runs kept per job. */
  readonly maxSuccessfulRuns: number;
  /** The lease's name: the oracle id. */
  readonly leaseName: string;
  /** How long a lease lasts without renewal. */
  readonly leaseDurationMs: number;
  /** How often it is renewed; a third of the duration when absent. */
  readonly leaseRenewIntervalMs?: number;
  /** This process's holder id; `<oracle>@<host>:<pid>` when absent. */
  readonly holderId?: string;
  /** Told of every failed renewal. */
  readonly onLeaseError?: (err: unknown) => void;
}

function storeFailed(what: string, err: unknown): OracleNodeError {
  return err instanceof OracleNodeError
    ? err
    : new OracleNodeError({
        code: 'STORE_FAILED',
        message: `${what} failed: ${err instanceof Error ? err.message : String(err)}`,
        cause: err,
      });
}

class PostgresStore implements Store {
  readonly #pool: Pool;
  readonly #maxRuns: number;
  readonly #lease: PostgresLease;
  readonly #leaseName: string;

  constructor(pool: Pool, options: Readonly<PostgresStoreOptions>) {
    this.#pool = pool;
    this.#leaseName = options.leaseName;
    this.#maxRuns = options.maxSuccessfulRuns;
    this.#lease = newPostgresLease({
      pool,
      name: options.leaseName,
      durationMs: options.leaseDurationMs,
      ...(options.leaseRenewIntervalMs === undefined
        ? {}
        : { renewIntervalMs: options.leaseRenewIntervalMs }),
      ...(options.holderId === undefined ? {} : { holderId: options.holderId }),
      ...(options.onLeaseError === undefined ? {} : { onError: options.onLeaseError }),
    });
  }

  get lease(): Lease {
    return this.#lease;
  }

  async migrate(): Promise<void> {
    await this.#tx('migrating the schema', async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const done = await c.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(done.rows.map((r) => r.version));
      for (const [i, sql] of MIGRATIONS.entries()) {
        if (applied.has(i + 1)) continue;
        await c.query(sql);
        await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
      }
    });
  }

  async #q(what: string, sql: string, params: unknown[] = []): Promise<Row[]> {
    try {
      return (await this.#pool.query<Row>(sql, params)).rows;
    } catch (err) {
      throw storeFailed(what, err);
    }
  }

  async #tx<T>(what: string, f: (c: PoolClient) => Promise<T>): Promise<T> {
    let c: PoolClient;
    try {
      c = await this.#pool.connect();
    } catch (err) {
      throw storeFailed(what, err);
    }
    try {
      await c.query('BEGIN');
      const out = await f(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw storeFailed(what, err);
    } finally {
      c.release();
    }
  }

  async startRun(run: Readonly<Pick<RunRecord, 'id' | 'job' | 'trigger'>>): Promise<void> {
    await this.#q(
      'recording a run',
      'INSERT INTO job_runs (id, job, trigger, started_at, status) VALUES ($1, $2, $3, $4, $5)',
      [run.id, run.job, run.trigger, Date.now(), 'running'],
    );
  }

  async finishRun(
    id: string,
    outcome: Readonly<{ status: 'completed' | 'errored'; result?: string; error?: string }>,
    sources: readonly SourceRecord[],
  ): Promise<void> {
    await this.#tx('finishing a run', async (c) => {
      const r = await c.query<{ job: string }>(
        'UPDATE job_runs SET finished_at = $1, status = $2, result = $3, error = $4 WHERE id = $5 RETURNING job',
        [Date.now(), outcome.status, outcome.result ?? null, outcome.error ?? null, id],
      );
      for (const s of sources) {
        await c.query(
          'INSERT INTO run_sources (run_id, bridge, value, error_code, error, latency_ms) VALUES ($1, $2, $3, $4, $5, $6)',
          sourceParams(id, s),
        );
      }
      const job = r.rows[0]?.job;
      if (outcome.status === 'completed' && job !== undefined) {
        // Bounded retention; the sources go with their runs (ON DELETE CASCADE).
        await c.query(
          `DELETE FROM job_runs WHERE id IN (
             SELECT id FROM job_runs WHERE job = $1 AND status = 'completed'
             ORDER BY started_at DESC, seq DESC OFFSET $2)`,
          [job, this.#maxRuns],
        );
      }
    });
  }

  async recordError(e: Readonly<ErrorRecord>): Promise<void> {
    await this.#q(
      'recording an error',
      'INSERT INTO errors (at, component, job, source, code, message) VALUES ($1, $2, $3, $4, $5, $6)',
      errorParams(e, Date.now()),
    );
  }

  async recordRound(r: Readonly<RoundEntry>): Promise<void> {
    await this.#q(
      'recording a round',
      `INSERT INTO rounds (feed_id, round_id, attempt, role, leader, status, answer, reason, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (feed_id, round_id, attempt) DO UPDATE SET role = EXCLUDED.role,
         leader = EXCLUDED.leader, status = EXCLUDED.status,
         answer = COALESCE(EXCLUDED.answer, rounds.answer),
         reason = COALESCE(EXCLUDED.reason, rounds.reason), updated_at = EXCLUDED.updated_at`,
      roundParams(r, Date.now()),
    );
  }

  async recordTransmission(t: Readonly<TransmissionRecord>): Promise<void> {
    await this.#q(
      'recording a transmission',
      'INSERT INTO transmissions (feed_id, round_id, status, tx_id, error, at) VALUES ($1, $2, $3, $4, $5, $6)',
      transmissionParams(t, Date.now()),
    );
  }

  async claimSignature(claim: Readonly<SignatureClaim>): Promise<boolean> {
    const { feedId, roundId, attempt, configDigest, reportHash } = claim;
    const epoch = this.#lease.activeEpoch();
    if (epoch === undefined) throw leaseLost(`signing round ${roundId} of ${feedId}`);
    // One statement: the lease check, the earlier claims and the new one all see one snapshot, and
    // the insert happens only while the database itself says this process holds this epoch and
    // nothing binding was signed before (under this digest, or a claim made before digests were
    // recorded). Two claims racing for one key: the second inserts nothing and is refused.
    const rows = await this.#q(
      'claiming a signature',
      `WITH lease AS (
         SELECT 1 FROM node_lease
         WHERE name = $6 AND holder = $7 AND epoch = $8 AND expires_at > now()),
       earlier AS (
         SELECT report_hash FROM signed_reports
         WHERE feed_id = $1 AND round_id = $2 AND attempt = $3 AND config_digest IN ($4, '')),
       claimed AS (
         INSERT INTO signed_reports
           (feed_id, round_id, attempt, config_digest, report_hash, holder, epoch, at)
         SELECT $1, $2, $3, $4, $5, $7, $8, $9 FROM lease WHERE NOT EXISTS (SELECT 1 FROM earlier)
         ON CONFLICT DO NOTHING RETURNING report_hash)
       SELECT (SELECT count(*) FROM lease) AS leased,
              (SELECT report_hash FROM claimed) AS claimed,
              (SELECT count(*) FROM earlier) AS earlier,
              (SELECT count(*) FROM earlier WHERE report_hash <> $5) AS other`,
      [
        feedId,
        roundId,
        attempt,
        configDigest,
        reportHash,
        this.#leaseName,
        this.#lease.holderId,
        epoch,
        Date.now(),
      ],
    );
    const row = rows[0] ?? {};
    if (Number(row.leased) !== 1) throw leaseLost(`signing round ${roundId} of ${feedId}`);
    if (Number(row.earlier) > 0) return Number(row.other) === 0;
    return row.claimed === reportHash;
  }

  async saveJobState(job: string, state: Readonly<JobState>): Promise<void> {
    await this.#q(
      'saving a job position',
      `INSERT INTO job_state (job, round_id, attempt, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (job) DO UPDATE SET round_id = EXCLUDED.round_id, attempt = EXCLUDED.attempt,
         updated_at = EXCLUDED.updated_at`,
      [job, state.roundId, state.attempt, Date.now()],
    );
  }

  async loadJobState(job: string): Promise<JobState | undefined> {
    const [row] = await this.#q(
      'loading a job position',
      'SELECT round_id, attempt FROM job_state WHERE job = $1',
      [job],
    );
    return row === undefined ? undefined : jobStateOf(row);
  }

  async listRuns(job: string, limit: number): Promise<RunRecord[]> {
    const rows = await this.#q(
      'listing runs',
      'SELECT * FROM job_runs WHERE job = $1 ORDER BY started_at DESC, seq DESC LIMIT $2',
      [job, limit],
    );
    return rows.map(runOf);
  }

  async listSources(runId: string): Promise<SourceRecord[]> {
    const rows = await this.#q(
      'listing sources',
      'SELECT * FROM run_sources WHERE run_id = $1 ORDER BY seq',
      [runId],
    );
    return rows.map(sourceOf);
  }

  async listErrors(limit: number): Promise<ErrorRecord[]> {
    const rows = await this.#q('listing errors', 'SELECT * FROM errors ORDER BY id DESC LIMIT $1', [
      limit,
    ]);
    return rows.map(errorOf);
  }

  async listRounds(feedId: string, limit: number): Promise<RoundEntry[]> {
    const rows = await this.#q(
      'listing rounds',
      'SELECT * FROM rounds WHERE feed_id = $1 ORDER BY round_id DESC, attempt DESC LIMIT $2',
      [feedId, limit],
    );
    return rows.map(roundOf);
  }

  async listTransmissions(feedId: string, limit: number): Promise<TransmissionRecord[]> {
    const rows = await this.#q(
      'listing transmissions',
      'SELECT * FROM transmissions WHERE feed_id = $1 ORDER BY id DESC LIMIT $2',
      [feedId, limit],
    );
    return rows.map(transmissionOf);
  }

  async check(): Promise<void> {
    await this.#q('checking the database', 'SELECT 1');
  }

  async close(): Promise<void> {
    await this.#lease.stop();
    await this.#pool.end().catch(() => undefined);
  }
}

/**
 * Opens the PostgreSQL store: connects, applies the migrations, and makes (without starting) the
 * oracle's lease, available as `store.lease`.
 *
 * @param options - URL, retention and lease settings
 * @returns the store
 * @throws OracleNodeError `STORE_FAILED` when the database cannot be reached or migrated
 */
export async function newPostgresStore(options: Readonly<PostgresStoreOptions>): Promise<Store> {
  // Loaded here so a node on SQLite never loads the PostgreSQL client.
  const pg = await import('pg');
  const renewMs = options.leaseRenewIntervalMs ?? Math.floor(options.leaseDurationMs / 3);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 4,
    connectionTimeoutMillis: Math.max(1000, renewMs),
    // A renewal stuck longer than its interval is as good as failed; the holder stops on time.
    query_timeout: Math.max(1000, renewMs),
  });
  // An idle client's error (the server restarted) must not crash the process; the next query fails.
  pool.on('error', () => undefined);
  const store = new PostgresStore(pool, options);
  try {
    await store.migrate();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new OracleNodeError({
      code: 'STORE_FAILED',
      message: `cannot open the PostgreSQL database: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
  return store;
}
