/**
 * The leader's decision whether a round is due, from the job's flux-monitor or cron settings and
 * the feed's latest round on chain.
 */
import type { LatestRound } from '../chain/chain';
import { outsideDeviation, toScaled } from '../bridges/values';
import type { JobSpec } from '../config/jobs';

/** What {@link dueReason} decides on. */
export interface DueInput {
  /** The job. */
  readonly job: JobSpec;
  /** The latest round on chain, if any. */
  readonly latest: LatestRound | undefined;
  /** The median of this round's observations. */
  readonly answer: bigint;
  /** The clock, ms since the epoch. */
  readonly nowMs: number;
  /** Whether a cron tick is pending. */
  readonly cronDue: boolean;
  /** The feed's decimals (for the absolute threshold). */
  readonly decimals: number;
}

/**
 * Why a round is due, Chainlink's flux-monitor rules: the first report, the heartbeat passed, the
 * answer outside the deviation band (relative and absolute thresholds), or a cron tick.
 *
 * @param d - the job, the chain's latest round, the new answer and the clock
 * @returns `first`, `heartbeat`, `deviation`, `cron`, or undefined when nothing is due
 */
export function dueReason(d: Readonly<DueInput>): string | undefined {
  const { job, latest, answer } = d;
  if (latest === undefined) return 'first';
  if (job.type === 'cron') return d.cronDue ? 'cron' : undefined;
  const sinceSeconds = Math.floor(d.nowMs / 1000) - latest.updatedAt;
  if (job.idleTimerPeriodMs > 0 && sinceSeconds * 1000 >= job.idleTimerPeriodMs) return 'heartbeat';
  const absolute = toScaled(job.absoluteThreshold, d.decimals) ?? 0n;
  if (outsideDeviation(BigInt(latest.answer), answer, job.threshold, absolute)) return 'deviation';
  return undefined;
}
