/**
 * One observation of a job: ask its sources through their bridges (median of the good answers),
 * and record it as a job run with each source's answer, the skipped sources as errors, and the
 * latencies and errors in the metrics.
 */
import { randomUUID } from 'node:crypto';
import type { Feed } from '@oracle-consortium/gateway';
import { MAX_VALUE, MIN_VALUE } from '@oracle-consortium/protocol';
import { observeSources } from '../bridges/bridge';
import type { RoundContext } from './context';

/**
 * Observes the job's sources as one recorded run: each source's answer, latency and error go to
 * the store and the metrics, and the run ends completed with the median or errored.
 *
 * @param ctx - the job's dependencies
 * @param feed - the feed (for its decimals)
 * @param trigger - what asked: `observe`, `poll`, `cron`
 * @returns the scaled median, or undefined when too few sources answered or the median is outside
 *   what a report carries (int192)
 * @throws OracleNodeError `STORE_FAILED` when the run cannot be recorded
 */
export async function observeJob(
  ctx: RoundContext,
  feed: Readonly<Feed>,
  trigger: string,
): Promise<bigint | undefined> {
  const job = ctx.job;
  const runId = randomUUID();
  await ctx.store.startRun({ id: runId, job: job.name, trigger });
  const o = await observeSources(
    ctx.config.bridges,
    job.sources,
    job.minSources,
    runId,
    feed.decimals,
  );
  for (const s of o.sources) {
    ctx.metrics.observe(
      'oracle_node_source_latency_seconds',
      { bridge: s.bridge },
      s.latencyMs / 1000,
    );
    if (s.error !== undefined) {
      ctx.metrics.inc('oracle_node_source_errors_total', {
        job: job.name,
        bridge: s.bridge,
        code: s.error.code,
      });
      ctx.log.log('warn', 'source.skipped', {
        runId,
        bridge: s.bridge,
        code: s.error.code,
        error: s.error.message,
      });
      await ctx.store.recordError({
        component: 'source',
        job: job.name,
        source: s.bridge,
        code: s.error.code,
        message: s.error.message,
      });
    }
  }
  // A median a report cannot carry (outside int192 at the feed's scale) is no observation: sent
  // to the leader it would be refused, and a leader's own would make the report unencodable.
  const inRange = o.value === undefined || (o.value >= MIN_VALUE && o.value <= MAX_VALUE);
  const ok = o.value !== undefined && inRange;
  await ctx.store.finishRun(
    runId,
    ok
      ? { status: 'completed', result: String(o.value) }
      : {
          status: 'errored',
          error: inRange
            ? `${o.sources.filter((s) => s.value !== undefined).length} of ${job.sources.length} sources answered; ${job.minSources} needed`
            : `the median ${String(o.value)} (at ${feed.decimals} decimals) is outside what a report carries (a signed 192-bit integer); check the sources' units`,
        },
    o.sources.map((s) => ({
      runId,
      bridge: s.bridge,
      latencyMs: s.latencyMs,
      ...(s.value === undefined ? {} : { value: s.value.toString() }),
      ...(s.error === undefined ? {} : { errorCode: s.error.code, error: s.error.message }),
    })),
  );
  ctx.metrics.inc('oracle_node_observations_total', {
    job: job.name,
    outcome: ok ? 'completed' : 'errored',
  });
  return ok ? o.value : undefined;
}
