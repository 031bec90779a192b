/**
 * Report acceptance as one pure decision: given a feed's configuration, its latest round and the
 * transaction time, does a report make the next round, and with which answer? No ledger and no
 * clock are read here, so every rule (pause, round order, staleness, future skew, observers,
 * signers, signatures, bounds) is unit-tested directly; `lib/reports.ts` loads the inputs and
 * writes the result.
 */
import { ensure } from '../lib/errors';
import type { FeedRecord, ReportInput, RoundRecord } from './types';
import { verifyReport, type VerifiedReport, type VerifyingFeed } from './verify-report';

/** The feed fields report acceptance reads. */
export type AcceptingFeed = VerifyingFeed &
  Pick<FeedRecord, 'paused' | 'maxFutureSkewSeconds' | 'minAnswer' | 'maxAnswer'>;

/** The fields of the feed's latest round that order the next one. */
export type PreviousRound = Pick<RoundRecord, 'roundId' | 'startedAt'>;

/**
 * Checks that a report follows the feed's latest round and is not dated in the future: its round
 * id is above the latest one, its observations are no older than the latest round's, and they are
 * at most `maxFutureSkewSeconds` after the transaction time.
 *
 * @param feed - the feed's configuration
 * @param latest - the feed's latest round, or `undefined` before the first report
 * @param report - the parsed report
 * @param nowMs - the transaction time, ms since the epoch
 * @throws ChaincodeError `STALE_ROUND` for a round id not above the latest one
 * @throws ChaincodeError `STALE_TIMESTAMP` for observations older than the latest round's
 * @throws ChaincodeError `FUTURE_TIMESTAMP` for observations too far after the transaction time
 */
export function checkRoundTiming(
  feed: Pick<FeedRecord, 'feedId' | 'maxFutureSkewSeconds'>,
  latest: PreviousRound | undefined,
  report: Pick<ReportInput, 'roundId' | 'observationsTimestamp'>,
  nowMs: number,
): void {
  if (latest !== undefined) {
    ensure(
      BigInt(report.roundId) > BigInt(latest.roundId),
      'STALE_ROUND',
      `round ${report.roundId} is not above round ${latest.roundId} of feed ${feed.feedId}`,
    );
    ensure(
      report.observationsTimestamp >= latest.startedAt,
      'STALE_TIMESTAMP',
      `observations at ${report.observationsTimestamp} are older than round ${latest.roundId}'s at ${latest.startedAt}`,
    );
  }
  ensure(
    report.observationsTimestamp * 1000 <= nowMs + feed.maxFutureSkewSeconds * 1000,
    'FUTURE_TIMESTAMP',
    `observations at ${report.observationsTimestamp} are more than ${feed.maxFutureSkewSeconds}s after the transaction time ${Math.floor(nowMs / 1000)}`,
  );
}

/**
 * Checks an answer against the feed's bounds.
 *
 * @param feed - the feed's bounds
 * @param answer - the report's median
 * @throws ChaincodeError `ANSWER_OUT_OF_BOUNDS` outside `[minAnswer, maxAnswer]`
 */
export function checkAnswerBounds(
  feed: Pick<FeedRecord, 'minAnswer' | 'maxAnswer'>,
  answer: bigint,
): void {
  ensure(
    answer >= BigInt(feed.minAnswer) && answer <= BigInt(feed.maxAnswer),
    'ANSWER_OUT_OF_BOUNDS',
    `answer ${answer} is outside [${feed.minAnswer}, ${feed.maxAnswer}]`,
  );
}

/**
 * Decides whether a report is accepted as the feed's next round, checking in this order: the
 * feed is not paused, the round follows the latest one ({@link checkRoundTiming}), the report
 * verifies against the configuration (`verifyReport`: digest, observers, signers, signatures),
 * and its median is within bounds ({@link checkAnswerBounds}).
 *
 * @param feed - the feed's configuration
 * @param latest - the feed's latest round, or `undefined` before the first report
 * @param report - the parsed report
 * @param nowMs - the transaction time, ms since the epoch
 * @returns the answer and the signer indices
 * @throws ChaincodeError `FEED_PAUSED` for a paused feed
 * @throws ChaincodeError `STALE_ROUND`, `STALE_TIMESTAMP`, `FUTURE_TIMESTAMP` (see
 *   {@link checkRoundTiming})
 * @throws ChaincodeError `CONFIG_MISMATCH`, `UNKNOWN_OBSERVER`, `DUPLICATE_OBSERVER`,
 *   `INSUFFICIENT_OBSERVATIONS`, `UNKNOWN_SIGNER`, `DUPLICATE_SIGNER`, `INSUFFICIENT_SIGNATURES`,
 *   `BAD_SIGNATURE` (see `verifyReport`)
 * @throws ChaincodeError `ANSWER_OUT_OF_BOUNDS` for a median outside the bounds
 * @example
 * ```ts
 * const { answer, signers } = acceptReport(feed, latest, report, txTimeMs(ctx));
 * ```
 */
export function acceptReport(
  feed: AcceptingFeed,
  latest: PreviousRound | undefined,
  report: ReportInput,
  nowMs: number,
): VerifiedReport {
  ensure(!feed.paused, 'FEED_PAUSED', `feed ${feed.feedId} is paused`);
  checkRoundTiming(feed, latest, report, nowMs);
  const verified = verifyReport(feed, report);
  checkAnswerBounds(feed, verified.answer);
  return verified;
}
