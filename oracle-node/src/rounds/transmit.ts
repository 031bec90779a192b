/**
 * Transmission of a round's report through the gateway library, and its record.
 */
import type { SignedReport } from '@oracle-consortium/gateway';
import { errorCode, errorMessage } from '../lib/error-text';
import type { RoundContext } from './context';

/** How a transmission ended. */
export interface TransmitResult {
  /** `committed`, `stale` (another copy came first) or `failed`. */
  readonly status: 'committed' | 'stale' | 'failed';
  /** The failure's code (the contract's, such as `CONFIG_MISMATCH`, or `ERROR`). */
  readonly code?: string;
}

/**
 * Submits a signed report and records the outcome: `committed`, `stale` (the contract already has
 * the round: another node's copy came first; counted, not retried) or `failed` (also recorded as
 * an error).
 *
 * @param ctx - the job's dependencies
 * @param report - the report with its signatures
 * @param role - whether this node leads the round or steps in as a follower
 * @returns the outcome, with the failure's code
 */
export async function transmitReport(
  ctx: RoundContext,
  report: SignedReport,
  role: 'leader' | 'follower',
): Promise<TransmitResult> {
  const feedId = report.feedId;
  ctx.log.log('info', 'transmit.start', { roundId: report.roundId, role });
  try {
    const outcome = await ctx.chain.submitReport(report);
    if (outcome.status === 'committed') {
      ctx.log.log('info', 'transmit.committed', {
        roundId: report.roundId,
        role,
        txId: outcome.txId,
      });
      await ctx.store.recordTransmission({
        feedId,
        roundId: report.roundId,
        status: 'committed',
        txId: outcome.txId,
      });
    } else {
      ctx.log.log('info', 'transmit.stale', {
        roundId: report.roundId,
        role,
        error: outcome.error,
      });
      await ctx.store.recordTransmission({
        feedId,
        roundId: report.roundId,
        status: 'stale',
        error: outcome.error,
      });
    }
    ctx.metrics.inc('oracle_node_transmissions_total', {
      feed: feedId,
      outcome: outcome.status,
    });
    return { status: outcome.status };
  } catch (err) {
    const code = errorCode(err);
    ctx.log.log('warn', 'transmit.failed', { roundId: report.roundId, role, error: err });
    ctx.metrics.inc('oracle_node_transmissions_total', { feed: feedId, outcome: 'failed' });
    await ctx.store.recordTransmission({
      feedId,
      roundId: report.roundId,
      status: 'failed',
      error: errorMessage(err),
    });
    await ctx.store.recordError({
      component: 'transmit',
      job: ctx.job.name,
      code,
      message: errorMessage(err),
    });
    return { status: 'failed', code };
  }
}
