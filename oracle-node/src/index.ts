/**
 * A Chainlink-style oracle node for Fabric: flux-monitor and cron jobs over external adapters,
 * OCR-like signed rounds between the nodes of a feed over mutual TLS, reports submitted through
 * the gateway library, state in SQLite or in PostgreSQL shared by an active and a standby process
 * under a lease, health, metrics and a REST API.
 *
 * @packageDocumentation
 */
export { startOracleNode } from './node';
export type { OracleNode, StartOptions } from './node';
export { loadConfig, parseConfig, readConfig } from './config/config';
export type {
  NodeConfig,
  SignerSpec,
  BridgeSpec,
  PeerSpec,
  ListenSpec,
  RoundTimings,
  PostgresSpec,
} from './config/config';
export type { JobSpec, FluxMonitorJob, CronJob, SourceSpec } from './config/jobs';
export type { CronSchedule } from './config/cron';
export { parseCron } from './config/cron';
export { newSqliteStore } from './store/sqlite-store';
export type { SqliteStoreOptions } from './store/sqlite-store';
export { newPostgresStore } from './store/postgres-store';
export type { PostgresStoreOptions } from './store/postgres-store';
export { newSingleLease, newFencedSigner } from './store/lease';
export type { Lease, LeaseState, LeaseRole } from './store/lease';
export type {
  Store,
  RunRecord,
  RunStatus,
  SourceRecord,
  ErrorRecord,
  RoundEntry,
  TransmissionRecord,
  JobState,
  SignatureClaim,
} from './store/store';
export type { FeedChain, LatestRound, SubmitOutcome } from './chain/chain';
export { newLogger } from './ops/logger';
export type { Logger, LoggerOptions, LogLevel } from './ops/logger';
export type { Metrics } from './ops/metrics';
export { OracleNodeError } from './errors';
export type { OracleNodeErrorCode, OracleNodeErrorProperties } from './errors';
