/**
 * What the node keeps: job runs and each source's answer in them, rounds, transmissions, errors,
 * the reports it signed, and each job's round position (so a restart resumes where it stopped).
 * One interface, asynchronous, so a PostgreSQL store (with the active/standby lease) can be added
 * beside the SQLite one without touching the callers.
 */

import type { Lease } from './lease';

/** How a job run ended. */
export type RunStatus = 'running' | 'completed' | 'errored';

/** A job run: one observation of a job's sources. */
export interface RunRecord {
  /** Unique id (sent to adapters as the request id). */
  readonly id: string;
  /** The job's name. */
  readonly job: string;
  /** What started it: `observe` (asked by a leader), `poll`, `cron`. */
  readonly trigger: string;
  /** Ms since the epoch. */
  readonly startedAt: number;
  /** Ms since the epoch; absent while running. */
  readonly finishedAt?: number;
  /** Its state. */
  readonly status: RunStatus;
  /** The observation (scaled integer text), when it completed. */
  readonly result?: string;
  /** Why it failed, when it did. */
  readonly error?: string;
}

/** One source's answer in a run. */
export interface SourceRecord {
  /** The run. */
  readonly runId: string;
  /** The bridge. */
  readonly bridge: string;
  /** Its scaled value, when it answered well. */
  readonly value?: string;
  /** The error code, when it was skipped. */
  readonly errorCode?: string;
  /** The error message, when it was skipped. */
  readonly error?: string;
  /** Time spent, retries included. */
  readonly latencyMs: number;
}

/** A recorded error. */
export interface ErrorRecord {
  /** Ms since the epoch (set by the store). */
  readonly at?: number;
  /** The part of the node: `source`, `round`, `transmit`, `p2p`, `chain`. */
  readonly component: string;
  /** The job, when there is one. */
  readonly job?: string;
  /** The source, when there is one. */
  readonly source?: string;
  /** A stable code. */
  readonly code: string;
  /** The explanation. */
  readonly message: string;
}

/** A round as this node saw it. */
export interface RoundEntry {
  /** The feed. */
  readonly feedId: string;
  /** The round id. */
  readonly roundId: string;
  /** The leader attempt (0 for the round's first leader). */
  readonly attempt: number;
  /** This node's part: `leader` or `follower`. */
  readonly role: 'leader' | 'follower';
  /** The leader's oracle id. */
  readonly leader: string;
  /** `observed`, `signed`, `idle` (nothing to report), `reported`, `failed`. */
  readonly status: string;
  /** The report's answer, when there is one. */
  readonly answer?: string;
  /** Why it was reported: `first`, `heartbeat`, `deviation`, `cron`. */
  readonly reason?: string;
  /** Ms since the epoch (set by the store). */
  readonly updatedAt?: number;
}

/** A transmission of a report. */
export interface TransmissionRecord {
  /** The feed. */
  readonly feedId: string;
  /** The round. */
  readonly roundId: string;
  /** `committed`, `stale` (another node's copy committed first), `failed`. */
  readonly status: 'committed' | 'stale' | 'failed';
  /** The transaction id, when known. */
  readonly txId?: string;
  /** Why it failed, when it did. */
  readonly error?: string;
  /** Ms since the epoch (set by the store). */
  readonly at?: number;
}

/** Where a job's rounds stand. */
export interface JobState {
  /** The round the job works on. */
  readonly roundId: string;
  /** The leader attempt within it. */
  readonly attempt: number;
}

/** What a node claims before it signs a report (see {@link Store.claimSignature}). */
export interface SignatureClaim {
  /** The feed. */
  readonly feedId: string;
  /** The round, decimal. */
  readonly roundId: string;
  /** The leader attempt. */
  readonly attempt: number;
  /** The feed configuration the report carries (64 hex characters). */
  readonly configDigest: string;
  /** Hex SHA-256 of the report body's encoding (`signatureClaim` in rounds/report-checks.ts). */
  readonly reportHash: string;
}

/** The node's state store. */
export interface Store {
  /**
   * The active/standby lease: PostgreSQL's shared one, or the always-active lease of a SQLite
   * file that only one process uses.
   */
  readonly lease: Lease;
  /** Records a run's start. */
  startRun(run: Readonly<Pick<RunRecord, 'id' | 'job' | 'trigger'>>): Promise<void>;
  /**
   * Records a run's end and each source's answer; keeps at most the configured number of
   * successful runs per job (errored ones stay).
   */
  finishRun(
    id: string,
    outcome: Readonly<{ status: 'completed' | 'errored'; result?: string; error?: string }>,
    sources: readonly SourceRecord[],
  ): Promise<void>;
  /** Records an error. */
  recordError(error: Readonly<ErrorRecord>): Promise<void>;
  /** Records or updates a round. */
  recordRound(round: Readonly<RoundEntry>): Promise<void>;
  /** Records a transmission. */
  recordTransmission(t: Readonly<TransmissionRecord>): Promise<void>;
  /**
   * Claims the right to sign a report for a round and leader attempt under a feed configuration:
   * true when this node has signed nothing for it or exactly this report, false when it signed
   * another one. The config digest is part of the claim because the contract accepts a report only
   * under the feed's current digest: a report rebuilt after the feed was reconfigured in the middle
   * of an attempt can never be accepted alongside the one signed before, so signing it is no
   * equivocation, while two reports under one digest still are. Claims stored before the digest
   * was recorded (an empty digest) bind every digest. A store with a lease records the claim
   * under the holder's epoch, and only while the lease is held.
   *
   * @throws OracleNodeError `LEASE_LOST` when this process does not hold the lease
   */
  claimSignature(claim: Readonly<SignatureClaim>): Promise<boolean>;
  /** Saves a job's position. */
  saveJobState(job: string, state: Readonly<JobState>): Promise<void>;
  /** A job's saved position, if any. */
  loadJobState(job: string): Promise<JobState | undefined>;
  /** A job's latest runs, newest first. */
  listRuns(job: string, limit: number): Promise<RunRecord[]>;
  /** A run's source answers. */
  listSources(runId: string): Promise<SourceRecord[]>;
  /** The latest errors, newest first. */
  listErrors(limit: number): Promise<ErrorRecord[]>;
  /** A feed's latest rounds, newest first. */
  listRounds(feedId: string, limit: number): Promise<RoundEntry[]>;
  /** A feed's latest transmissions, newest first. */
  listTransmissions(feedId: string, limit: number): Promise<TransmissionRecord[]>;
  /** Runs a trivial query; throws when the database is unusable. */
  check(): Promise<void>;
  /** Closes the database. */
  close(): Promise<void>;
}
