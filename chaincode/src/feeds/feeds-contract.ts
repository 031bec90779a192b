/**
 * The `feeds` contract: oracle data feeds in the manner of Chainlink's OCR aggregator and
 * `AggregatorV3Interface`, with premium values in private data.
 *
 * Trust comes from the oracles' signatures, not from the submitter: a report is accepted when at
 * least `minSignatures` (≥ f+1) distinct registered oracles signed its canonical bytes (see
 * `encodeReport` of the protocol package) and it carries at least `minObservations` (≥ 2f+1) observations from
 * distinct oracles. The answer is the upper median (`sorted[n/2]`, as OCR).
 *
 * Endorsement: the chaincode-level policy is OR over the member peers, so any one member's peer
 * can endorse a feed or report transaction. A report that carries a premium value is sent (with
 * `endorsingOrganizations`) to the owner's peer and one peer of each current subscriber only,
 * since Fabric validates each `_implicit_org_<MSP>` write against that member's own endorsement
 * policy; a non-subscriber's peers never see the plaintext.
 *
 * No hot keys: every key a report reads or writes is scoped to its feed (see `lib/keys.ts`), so
 * reports for different feeds never conflict; two reports for one feed conflict on the feed's
 * `feed.latest` key, which is what orders its rounds.
 *
 * This file holds only the decorated functions: each parses its arguments (`lib/inputs.ts`,
 * `lib/report-inputs.ts`), checks the caller, runs one use case of `lib/` and returns canonical
 * JSON. The decisions are pure modules (`report-acceptance.ts`, `verify-report.ts`,
 * `feed-config.ts`). It runs past 400 lines because each of its 22 functions carries its wire
 * contract in TSDoc (arguments, result, every error code); the code itself is about 200 lines.
 */
import { canonicalJson, ROUND_REPORTED_EVENT, type RoundData } from '@oracle-consortium/protocol';
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CheckedContract } from '../lib/checked-contract';
import { parseJsonArg } from '../lib/inputs';
import { parseMspId } from '../lib/msp-ids';
import { parsePageSize, readPage } from '../lib/pages';
import { requireAdmin } from './lib/access';
import {
  changeOracles,
  createFeed,
  loadAdministeredFeed,
  setThresholds,
  updateFeed,
} from './lib/feed-admin';
import {
  parseBounds,
  parseFeedDefinition,
  parseFeedId,
  parseOracle,
  parsePublicKey,
  parseReportingPolicy,
  parseRoundId,
  parseThresholds,
} from './lib/inputs';
import { KEY_TYPES } from './lib/keys';
import { parseReport, parseRevealedPremium } from './lib/report-inputs';
import { checkRevealedPremium, readPremium } from './lib/premium';
import { submitReport } from './lib/reports';
import { roundData, loadFeed, loadLatest, loadRound, readSubscriptions } from './lib/store';
import { grantSubscription, revokeSubscription } from './lib/subscriptions';
import type { FeedRecord, RoundRecord } from './types';

export { ROUND_REPORTED_EVENT, type RoundData };

/**
 * Oracle data feeds. Every transaction takes string arguments (JSON for structured input) and
 * returns a JSON string; failures are `ChaincodeError`s whose message starts with `[CODE]`. Every
 * function refuses arguments over 64 KiB or transient data over 68 KiB with `INPUT_TOO_LARGE`
 * (see `lib/limits.ts`).
 */
@Info({ title: 'feeds', description: 'Signed multi-oracle data feeds with premium private data' })
export class FeedsContract extends CheckedContract {
  constructor() {
    super('feeds');
  }

  /**
   * Creates a feed owned by the caller's MSP. Input fields: `feedId`, `description`, `decimals`
   * (0–36), `oracles` (`[{id, publicKey}]`, PEM or base64 DER SPKI, P-256 or Ed25519, 1–31 of
   * them), `f`, optional `minSignatures` (default f+1) and `minObservations` (default 2f+1),
   * optional `minAnswer`/`maxAnswer` (decimal strings, default the int192 range),
   * `heartbeatSeconds`, `deviationThresholdPpb`, optional `maxFutureSkewSeconds` (default 60).
   *
   * @param ctx - the transaction context
   * @param feedJson - the feed definition
   * @returns the stored feed as JSON
   * @throws ChaincodeError `FORBIDDEN` without `feeds.admin=true`
   * @throws ChaincodeError `MALFORMED_INPUT` for a bad field
   * @throws ChaincodeError `INVALID_CONFIG` for an unusable oracle set or thresholds
   * @throws ChaincodeError `FEED_EXISTS` when the id is taken
   * @example
   * ```
   * peer chaincode invoke -c '{"function":"feeds:createFeed","Args":["{\"feedId\":\"eth-usd\",...}"]}'
   * ```
   */
  @Transaction()
  @Returns('string')
  async createFeed(ctx: Context, feedJson: string): Promise<string> {
    requireAdmin(ctx);
    return canonicalJson(await createFeed(ctx, parseFeedDefinition(feedJson)));
  }

  /**
   * Registers another oracle at the end of the list (existing indices keep their oracles).
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param oracleJson - `{id, publicKey}`
   * @returns the updated feed as JSON (new config digest)
   * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`, `INVALID_CONFIG`
   */
  @Transaction()
  @Returns('string')
  async addOracle(ctx: Context, feedId: string, oracleJson: string): Promise<string> {
    const feed = await loadAdministeredFeed(ctx, parseFeedId(feedId));
    return canonicalJson(
      await changeOracles(ctx, feed, {
        add: parseOracle(parseJsonArg(oracleJson, 'oracle'), 'oracle'),
      }),
    );
  }

  /**
   * Replaces an oracle's public key; its index stays the same.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param oracleId - the oracle
   * @param publicKey - the new key, PEM or base64 DER SPKI
   * @returns the updated feed as JSON (new config digest)
   * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`, `ORACLE_NOT_FOUND`, `MALFORMED_INPUT`,
   *   `INVALID_CONFIG`
   */
  @Transaction()
  @Returns('string')
  async rotateOracleKey(
    ctx: Context,
    feedId: string,
    oracleId: string,
    publicKey: string,
  ): Promise<string> {
    const feed = await loadAdministeredFeed(ctx, parseFeedId(feedId));
    return canonicalJson(
      await changeOracles(ctx, feed, {
        rotate: oracleId,
        key: parsePublicKey(publicKey, 'publicKey'),
      }),
    );
  }

  /**
   * Removes an oracle; later oracles move down one index (the config digest changes, so no
   * report signed before can be misread under the new indices).
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param oracleId - the oracle
   * @returns the updated feed as JSON
   * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`, `ORACLE_NOT_FOUND`, `INVALID_CONFIG` (when
   *   the remaining oracles cannot meet the thresholds)
   */
  @Transaction()
  @Returns('string')
  async removeOracle(ctx: Context, feedId: string, oracleId: string): Promise<string> {
    const feed = await loadAdministeredFeed(ctx, parseFeedId(feedId));
    return canonicalJson(await changeOracles(ctx, feed, { remove: oracleId }));
  }

  /**
   * Changes the fault tolerance and minimums.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param thresholdsJson - `{f, minSignatures?, minObservations?}`
   * @returns the updated feed as JSON
   * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`, `INVALID_CONFIG`
   */
  @Transaction()
  @Returns('string')
  async setThresholds(ctx: Context, feedId: string, thresholdsJson: string): Promise<string> {
    const feed = await loadAdministeredFeed(ctx, parseFeedId(feedId));
    return canonicalJson(await setThresholds(ctx, feed, parseThresholds(thresholdsJson)));
  }

  /**
   * Changes the answer bounds (the config digest is unchanged: bounds do not affect signing).
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param minAnswer - the smallest acceptable answer, decimal string
   * @param maxAnswer - the largest acceptable answer, decimal string
   * @returns the updated feed as JSON
   * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`
   */
  @Transaction()
  @Returns('string')
  async setBounds(
    ctx: Context,
    feedId: string,
    minAnswer: string,
    maxAnswer: string,
  ): Promise<string> {
    const feed = await loadAdministeredFeed(ctx, parseFeedId(feedId));
    return canonicalJson(await updateFeed(ctx, feed, parseBounds({ minAnswer, maxAnswer })));
  }

  /**
   * Changes the description and the reporting policy fields.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param policyJson - any of `{description, heartbeatSeconds, deviationThresholdPpb,
   *   maxFutureSkewSeconds}`
   * @returns the updated feed as JSON
   * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`
   */
  @Transaction()
  @Returns('string')
  async setReportingPolicy(ctx: Context, feedId: string, policyJson: string): Promise<string> {
    const feed = await loadAdministeredFeed(ctx, parseFeedId(feedId));
    return canonicalJson(await updateFeed(ctx, feed, parseReportingPolicy(policyJson, feed)));
  }

  /**
   * Stops the feed accepting reports.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @returns the updated feed as JSON
   * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`
   */
  @Transaction()
  @Returns('string')
  async pauseFeed(ctx: Context, feedId: string): Promise<string> {
    const feed = await loadAdministeredFeed(ctx, parseFeedId(feedId));
    return canonicalJson(await updateFeed(ctx, feed, { paused: true }));
  }

  /**
   * Lets a paused feed accept reports again.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @returns the updated feed as JSON
   * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`
   */
  @Transaction()
  @Returns('string')
  async resumeFeed(ctx: Context, feedId: string): Promise<string> {
    const feed = await loadAdministeredFeed(ctx, parseFeedId(feedId));
    return canonicalJson(await updateFeed(ctx, feed, { paused: false }));
  }

  /**
   * Subscribes a member to the feed's premium values from the next report on.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param mspId - the member to subscribe
   * @returns the subscription as JSON
   * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT` (including the owner
   *   itself, which always has access), `ALREADY_SUBSCRIBED` (also for an id that differs from a
   *   subscriber's only in case: both name one organisation)
   */
  @Transaction()
  @Returns('string')
  async grantSubscription(ctx: Context, feedId: string, mspId: string): Promise<string> {
    const feed = await loadAdministeredFeed(ctx, parseFeedId(feedId));
    return canonicalJson(await grantSubscription(ctx, feed, parseMspId(mspId, 'mspId')));
  }

  /**
   * Ends a member's subscription: later rounds' premium values are no longer written to it (what
   * it already received stays in its collection).
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param mspId - the member
   * @returns the removed subscription as JSON
   * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`, `NOT_SUBSCRIBED`
   */
  @Transaction()
  @Returns('string')
  async revokeSubscription(ctx: Context, feedId: string, mspId: string): Promise<string> {
    const feed = await loadAdministeredFeed(ctx, parseFeedId(feedId));
    return canonicalJson(await revokeSubscription(ctx, feed, parseMspId(mspId, 'mspId')));
  }

  /**
   * Records one round from a signed report. The caller must be a client of the feed's owner. An
   * optional premium value arrives only as transient data (`premium`: JSON text, `salt`: 64 hex);
   * attaching one needs `feeds.admin=true`.
   *
   * @param ctx - the transaction context
   * @param reportJson - `{feedId, roundId, observationsTimestamp, configDigest, observations:
   *   [{oracle, value}], signatures: [{oracle, signature}]}`
   * @returns the new round's data as JSON
   * @throws ChaincodeError `INPUT_TOO_LARGE` for a report over `MAX_REPORT_BYTES` (16 KiB)
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `FORBIDDEN`, `FEED_PAUSED`,
   *   `STALE_ROUND`, `STALE_TIMESTAMP`, `FUTURE_TIMESTAMP`, `CONFIG_MISMATCH`, `UNKNOWN_OBSERVER`,
   *   `DUPLICATE_OBSERVER`, `INSUFFICIENT_OBSERVATIONS`, `UNKNOWN_SIGNER`, `DUPLICATE_SIGNER`,
   *   `INSUFFICIENT_SIGNATURES`, `BAD_SIGNATURE`, `ANSWER_OUT_OF_BOUNDS`
   */
  @Transaction()
  @Returns('string')
  async submitReport(ctx: Context, reportJson: string): Promise<string> {
    return canonicalJson(await submitReport(ctx, parseReport(reportJson)));
  }

  /**
   * A feed's full configuration, including the config digest reports must carry.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @returns the feed as JSON
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   */
  @Transaction(false)
  @Returns('string')
  async getFeed(ctx: Context, feedId: string): Promise<string> {
    return canonicalJson(await loadFeed(ctx, parseFeedId(feedId)));
  }

  /**
   * One page of feeds in id order.
   *
   * @param ctx - the transaction context
   * @param pageSize - 1 to 100
   * @param bookmark - from the previous page, or empty
   * @returns `{records, bookmark, fetchedRecordsCount}` as JSON
   * @throws ChaincodeError `MALFORMED_INPUT`
   */
  @Transaction(false)
  @Returns('string')
  async listFeeds(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const size = parsePageSize(pageSize);
    return canonicalJson(await readPage<FeedRecord>(ctx, KEY_TYPES.feed, [], size, bookmark));
  }

  /**
   * The feed's fixed-point scale.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @returns the decimals as a JSON number
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   */
  @Transaction(false)
  @Returns('string')
  async decimals(ctx: Context, feedId: string): Promise<string> {
    return canonicalJson((await loadFeed(ctx, parseFeedId(feedId))).decimals);
  }

  /**
   * The feed's label.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @returns the description as a JSON string
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   */
  @Transaction(false)
  @Returns('string')
  async description(ctx: Context, feedId: string): Promise<string> {
    return canonicalJson((await loadFeed(ctx, parseFeedId(feedId))).description);
  }

  /**
   * The latest round. Unlike OCR, which returns zeros, a feed with no rounds is an error.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @returns {@link RoundData} as JSON
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `NO_DATA` before the first report
   */
  @Transaction(false)
  @Returns('string')
  async latestRoundData(ctx: Context, feedId: string): Promise<string> {
    const feed = await loadFeed(ctx, parseFeedId(feedId));
    return canonicalJson(roundData(await loadLatest(ctx, feed.feedId)));
  }

  /**
   * One round.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param roundId - the round, decimal string
   * @returns {@link RoundData} as JSON
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `NO_DATA` for a round never reported
   */
  @Transaction(false)
  @Returns('string')
  async getRoundData(ctx: Context, feedId: string, roundId: string): Promise<string> {
    const feed = await loadFeed(ctx, parseFeedId(feedId));
    parseRoundId(roundId);
    return canonicalJson(roundData(await loadRound(ctx, feed.feedId, roundId)));
  }

  /**
   * One round as stored: its data, the signer indices, the config digest, the digest of the signed
   * report and the id of the transaction that carries the report. The observations and signatures
   * are not in state; a history reader takes them from that transaction (the gateway library's
   * `getRoundReport` does, and checks them against `reportDigest`).
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param roundId - the round, decimal string
   * @returns the {@link RoundRecord} as JSON
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `NO_DATA` for a round never reported
   */
  @Transaction(false)
  @Returns('string')
  async getRound(ctx: Context, feedId: string, roundId: string): Promise<string> {
    const feed = await loadFeed(ctx, parseFeedId(feedId));
    parseRoundId(roundId);
    return canonicalJson(await loadRound(ctx, feed.feedId, roundId));
  }

  /**
   * One page of a feed's rounds, oldest first, as {@link getRound} returns each: signers and the
   * report's digest and transaction id, not the observations (see {@link getRound}).
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param pageSize - 1 to 100
   * @param bookmark - from the previous page, or empty
   * @returns `{records, bookmark, fetchedRecordsCount}` as JSON
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   */
  @Transaction(false)
  @Returns('string')
  async getRoundHistory(
    ctx: Context,
    feedId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const feed = await loadFeed(ctx, parseFeedId(feedId));
    const size = parsePageSize(pageSize);
    return canonicalJson(
      await readPage<RoundRecord>(ctx, KEY_TYPES.round, [feed.feedId], size, bookmark),
    );
  }

  /**
   * The members subscribed to a feed's premium values.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @returns the subscriptions as a JSON array
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   */
  @Transaction(false)
  @Returns('string')
  async listSubscriptions(ctx: Context, feedId: string): Promise<string> {
    const feed = await loadFeed(ctx, parseFeedId(feedId));
    return canonicalJson(await readSubscriptions(ctx, feed.feedId));
  }

  /**
   * A round's premium value, read from the caller's own implicit collection on the caller's own
   * peer. Evaluate it on a peer of your own organisation.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param roundId - the round
   * @returns the {@link PremiumRecord} as JSON (`value`, `salt`, `premiumHash`)
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   * @throws ChaincodeError `NOT_SUBSCRIBED` when the caller is neither owner nor subscriber
   * @throws ChaincodeError `WRONG_PEER` when the peer belongs to another organisation
   * @throws ChaincodeError `NO_DATA` when the round has no premium value for the caller
   */
  @Transaction(false)
  @Returns('string')
  async getPremium(ctx: Context, feedId: string, roundId: string): Promise<string> {
    const feed = await loadFeed(ctx, parseFeedId(feedId));
    parseRoundId(roundId);
    return canonicalJson(await readPremium(ctx, feed, roundId));
  }

  /**
   * Checks a revealed premium value against the round's public commitment. Anyone can call it.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param roundId - the round
   * @param revealedJson - `{value, salt}`
   * @returns `{valid, premiumHash}` as JSON
   * @throws ChaincodeError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `NO_DATA` when the round or its
   *   premium commitment does not exist
   */
  @Transaction(false)
  @Returns('string')
  async verifyPremium(
    ctx: Context,
    feedId: string,
    roundId: string,
    revealedJson: string,
  ): Promise<string> {
    const feed = await loadFeed(ctx, parseFeedId(feedId));
    parseRoundId(roundId);
    const round = await loadRound(ctx, feed.feedId, roundId);
    return canonicalJson(checkRevealedPremium(round, parseRevealedPremium(revealedJson)));
  }
}
