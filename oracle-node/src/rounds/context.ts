/**
 * What the steps of a job's rounds share with the runner: the node's configuration, the job, the
 * chain, the store, metrics and the job's logger. The step modules (observe, transmit) take it
 * instead of the runner, so each reads on its own.
 */
import type { FeedChain } from '../chain/chain';
import type { NodeConfig } from '../config/config';
import type { JobSpec } from '../config/jobs';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import type { Store } from '../store/store';

/** A job's shared dependencies. */
export interface RoundContext {
  /** The node's configuration. */
  readonly config: NodeConfig;
  /** The job. */
  readonly job: JobSpec;
  /** The feeds contract. */
  readonly chain: FeedChain;
  /** The state store. */
  readonly store: Store;
  /** Metrics. */
  readonly metrics: Metrics;
  /** The job's logger. */
  readonly log: Logger;
}
