/**
 * The report use case: load what acceptance needs, decide with `acceptReport`, write the round
 * (and its premium value), announce it.
 */
import type { Context } from 'fabric-contract-api';
import { ROUND_REPORTED_EVENT, toBytes, type RoundData } from '@oracle-consortium/protocol';
import { txTimeMs } from '../../lib/context';
import { acceptReport } from '../report-acceptance';
import type { ReportInput, RoundRecord } from '../types';
import { requireOwnerMember } from './access';
import { writePremium } from './premium';
import { roundData, loadFeed, readLatest, saveRound } from './store';

/**
 * Records one round from a signed report and emits `RoundReported`.
 *
 * @param ctx - the transaction context
 * @param report - the parsed report
 * @returns the new round's data
 * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN` (caller not of the owner), the codes of
 *   `acceptReport`, and those of `writePremium`
 */
export async function submitReport(ctx: Context, report: ReportInput): Promise<RoundData> {
  const feed = await loadFeed(ctx, report.feedId);
  requireOwnerMember(ctx, feed);
  const latest = await readLatest(ctx, feed.feedId);
  const nowMs = txTimeMs(ctx);
  const { answer, signers, reportDigest } = acceptReport(feed, latest, report, nowMs);
  const premium = await writePremium(ctx, feed, report.roundId);
  const round: RoundRecord = {
    feedId: feed.feedId,
    roundId: report.roundId,
    answer: answer.toString(),
    startedAt: report.observationsTimestamp,
    updatedAt: Math.floor(nowMs / 1000),
    answeredInRound: report.roundId,
    reportDigest,
    signers,
    configDigest: feed.configDigest,
    txId: ctx.stub.getTxID(),
    ...(premium === undefined ? {} : { premiumHash: premium }),
  };
  await saveRound(ctx, round);
  ctx.stub.setEvent(
    ROUND_REPORTED_EVENT,
    toBytes({
      feedId: round.feedId,
      roundId: round.roundId,
      answer: round.answer,
      updatedAt: round.updatedAt,
    }),
  );
  return roundData(round);
}
