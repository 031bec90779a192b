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
 * No hot keys: every key a report reads or writes is scoped to its feed (see `keys.ts`), so
 * reports for different feeds never conflict; two reports for one feed conflict on the feed's
 * `feed.latest` key, which is what orders its rounds.
 */
import {
  canonicalJson,
  computeConfigDigest,
  ROUND_REPORTED_EVENT,
  toBytes,
  type RoundData,
} from '@oracle-consortium/protocol';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { parseJsonArg, transientText, txTimeMs } from '../lib/context';
import { checkInputSize } from '../lib/limits';
import { CASE_RULE, sameOrganisation } from '../lib/msp-ids';
import { isAdmin, requireAdmin, requireFeedAdmin, requireOwnerMember } from './access';
import { ensure } from './errors';
import { KEY_TYPES, feedKey, latestKey, premiumKey, roundKey, subscriptionKey } from './keys';
import {
  MAX_PREMIUM_BYTES,
  PREMIUM_TRANSIENT_FIELD,
  SALT_TRANSIENT_FIELD,
  implicitCollection,
  premiumHash,
} from './premium';
import { loadFeed, loadLatest, readAll, readJson, readPage, writeJson } from './state';
import type {
  FeedRecord,
  OracleRecord,
  PremiumRecord,
  RoundRecord,
  SubscriptionRecord,
} from './types';
import {
  DEFAULT_MAX_FUTURE_SKEW_SECONDS,
  boundsField,
  feedIdArg,
  intField,
  mspIdArg,
  onlyFields,
  oracleField,
  pageSizeArg,
  parseObject,
  parseReport,
  publicKeyField,
  roundIdArg,
  saltField,
  checkOracleConfig,
  thresholdsField,
  type Thresholds,
} from './validation';
import { verifyReport } from './verify-report';

export { ROUND_REPORTED_EVENT, type RoundData };

const CREATE_FIELDS = [
  'feedId',
  'description',
  'decimals',
  'oracles',
  'f',
  'minSignatures',
  'minObservations',
  'minAnswer',
  'maxAnswer',
  'heartbeatSeconds',
  'deviationThresholdPpb',
  'maxFutureSkewSeconds',
] as const;

const POLICY_FIELDS = [
  'description',
  'heartbeatSeconds',
  'deviationThresholdPpb',
  'maxFutureSkewSeconds',
] as const;

function txSeconds(ctx: Context): number {
  return Math.floor(txTimeMs(ctx) / 1000);
}

function descriptionField(v: unknown): string {
  ensure(
    typeof v === 'string' && v.length >= 1 && v.length <= 256,
    'MALFORMED_INPUT',
    'description must be a string of 1 to 256 characters',
  );
  return v;
}

function roundData(r: RoundRecord): RoundData {
  return {
    feedId: r.feedId,
    roundId: r.roundId,
    answer: r.answer,
    startedAt: r.startedAt,
    updatedAt: r.updatedAt,
    answeredInRound: r.answeredInRound,
  };
}

/** A feed with a new oracle set or thresholds: the config version moves on, the digest with it. */
function reconfigure(
  feed: FeedRecord,
  oracles: readonly OracleRecord[],
  t: Thresholds,
  now: number,
): FeedRecord {
  const thresholds: Thresholds = {
    f: t.f,
    minSignatures: t.minSignatures,
    minObservations: t.minObservations,
  };
  checkOracleConfig(oracles, thresholds);
  const configVersion = feed.configVersion + 1;
  const configDigest = computeConfigDigest({
    feedId: feed.feedId,
    configVersion,
    oracles,
    ...thresholds,
  });
  return { ...feed, oracles, ...thresholds, configVersion, configDigest, updatedAt: now };
}

async function saveFeed(ctx: Context, feed: FeedRecord): Promise<string> {
  await writeJson(ctx, feedKey(ctx, feed.feedId), feed);
  return canonicalJson(feed);
}

async function adminFeed(ctx: Context, feedIdText: string): Promise<FeedRecord> {
  const feed = await loadFeed(ctx, feedIdArg(feedIdText));
  requireFeedAdmin(ctx, feed);
  return feed;
}

function oracleIndex(feed: FeedRecord, oracleId: string): number {
  const i = feed.oracles.findIndex((o) => o.id === oracleId);
  ensure(i >= 0, 'ORACLE_NOT_FOUND', `feed ${feed.feedId} has no oracle ${oracleId}`);
  return i;
}

/**
 * Oracle data feeds. Every transaction takes string arguments (JSON for structured input) and
 * returns a JSON string; failures are `ChaincodeError`s whose message starts with `[CODE]`. Every
 * function refuses arguments over 64 KiB or transient data over 68 KiB with `INPUT_TOO_LARGE`
 * (see `lib/limits.ts`).
 */
@Info({ title: 'feeds', description: 'Signed multi-oracle data feeds with premium private data' })
export class FeedsContract extends Contract {
  constructor() {
    super('feeds');
  }

  /**
   * Runs before every transaction function: refuses arguments or transient data beyond the limits
   * of `lib/limits.ts` before anything is parsed, read or written.
   *
   * @param ctx - the transaction context
   * @throws ChaincodeError `INPUT_TOO_LARGE` beyond `MAX_ARGUMENTS_BYTES` or `MAX_TRANSIENT_BYTES`
   */
  override beforeTransaction(ctx: Context): Promise<void> {
    checkInputSize(ctx);
    return Promise.resolve();
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
    const v = parseObject(feedJson, 'feed');
    onlyFields(v, CREATE_FIELDS, 'feed');
    const feedId = feedIdArg(v.feedId);
    const description = descriptionField(v.description);
    const decimals = intField(v.decimals, 'decimals', 0, 36);
    ensure(Array.isArray(v.oracles), 'MALFORMED_INPUT', 'oracles must be an array');
    const oracles = (v.oracles as unknown[]).map((o, i) => oracleField(o, `oracles[${i}]`));
    const thresholds = thresholdsField(v);
    const bounds = boundsField(v);
    const heartbeatSeconds = intField(v.heartbeatSeconds, 'heartbeatSeconds', 1, 31_536_000);
    const deviationThresholdPpb = intField(
      v.deviationThresholdPpb,
      'deviationThresholdPpb',
      0,
      1_000_000_000,
    );
    const maxFutureSkewSeconds =
      v.maxFutureSkewSeconds === undefined
        ? DEFAULT_MAX_FUTURE_SKEW_SECONDS
        : intField(v.maxFutureSkewSeconds, 'maxFutureSkewSeconds', 0, 3600);
    const existing = await readJson<FeedRecord>(ctx, feedKey(ctx, feedId));
    ensure(existing === undefined, 'FEED_EXISTS', `feed ${feedId} already exists`);
    const now = txSeconds(ctx);
    const draft: FeedRecord = {
      feedId,
      description,
      decimals,
      owner: ctx.clientIdentity.getMSPID(),
      oracles: [],
      f: 0,
      minSignatures: 1,
      minObservations: 1,
      ...bounds,
      heartbeatSeconds,
      deviationThresholdPpb,
      maxFutureSkewSeconds,
      paused: false,
      configVersion: 0,
      configDigest: '',
      createdAt: now,
      updatedAt: now,
    };
    return saveFeed(ctx, reconfigure(draft, oracles, thresholds, now));
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
    const feed = await adminFeed(ctx, feedId);
    const oracle = oracleField(parseJsonArg(oracleJson, 'oracle'), 'oracle');
    return saveFeed(ctx, reconfigure(feed, [...feed.oracles, oracle], feed, txSeconds(ctx)));
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
    const feed = await adminFeed(ctx, feedId);
    const index = oracleIndex(feed, oracleId);
    const key = publicKeyField(publicKey, 'publicKey');
    const oracles = feed.oracles.map((o, i) => (i === index ? { id: o.id, ...key } : o));
    return saveFeed(ctx, reconfigure(feed, oracles, feed, txSeconds(ctx)));
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
    const feed = await adminFeed(ctx, feedId);
    const index = oracleIndex(feed, oracleId);
    const oracles = feed.oracles.filter((_, i) => i !== index);
    return saveFeed(ctx, reconfigure(feed, oracles, feed, txSeconds(ctx)));
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
    const feed = await adminFeed(ctx, feedId);
    const v = parseObject(thresholdsJson, 'thresholds');
    onlyFields(v, ['f', 'minSignatures', 'minObservations'], 'thresholds');
    return saveFeed(ctx, reconfigure(feed, feed.oracles, thresholdsField(v), txSeconds(ctx)));
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
    const feed = await adminFeed(ctx, feedId);
    const bounds = boundsField({ minAnswer, maxAnswer });
    return saveFeed(ctx, { ...feed, ...bounds, updatedAt: txSeconds(ctx) });
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
    const feed = await adminFeed(ctx, feedId);
    const v = parseObject(policyJson, 'policy');
    onlyFields(v, POLICY_FIELDS, 'policy');
    return saveFeed(ctx, {
      ...feed,
      description: v.description === undefined ? feed.description : descriptionField(v.description),
      heartbeatSeconds:
        v.heartbeatSeconds === undefined
          ? feed.heartbeatSeconds
          : intField(v.heartbeatSeconds, 'heartbeatSeconds', 1, 31_536_000),
      deviationThresholdPpb:
        v.deviationThresholdPpb === undefined
          ? feed.deviationThresholdPpb
          : intField(v.deviationThresholdPpb, 'deviationThresholdPpb', 0, 1_000_000_000),
      maxFutureSkewSeconds:
        v.maxFutureSkewSeconds === undefined
          ? feed.maxFutureSkewSeconds
          : intField(v.maxFutureSkewSeconds, 'maxFutureSkewSeconds', 0, 3600),
      updatedAt: txSeconds(ctx),
    });
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
    const feed = await adminFeed(ctx, feedId);
    return saveFeed(ctx, { ...feed, paused: true, updatedAt: txSeconds(ctx) });
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
    const feed = await adminFeed(ctx, feedId);
    return saveFeed(ctx, { ...feed, paused: false, updatedAt: txSeconds(ctx) });
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
    const feed = await adminFeed(ctx, feedId);
    const msp = mspIdArg(mspId);
    ensure(
      sameOrganisation([feed.owner], msp) === undefined,
      'MALFORMED_INPUT',
      `${msp} owns feed ${feed.feedId}${msp === feed.owner ? '' : ` as ${feed.owner}`}`,
    );
    const key = subscriptionKey(ctx, feed.feedId, msp);
    const subscribers = await readAll<SubscriptionRecord>(ctx, KEY_TYPES.subscription, [
      feed.feedId,
    ]);
    const existing = sameOrganisation(
      subscribers.map((s) => s.mspId),
      msp,
    );
    ensure(
      existing === undefined,
      'ALREADY_SUBSCRIBED',
      existing === msp
        ? `${msp} is subscribed to ${feed.feedId}`
        : `${msp} is subscribed to ${feed.feedId} as ${String(existing)} (${CASE_RULE})`,
    );
    const record: SubscriptionRecord = {
      feedId: feed.feedId,
      mspId: msp,
      grantedAt: txSeconds(ctx),
    };
    await writeJson(ctx, key, record);
    return canonicalJson(record);
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
    const feed = await adminFeed(ctx, feedId);
    const msp = mspIdArg(mspId);
    const key = subscriptionKey(ctx, feed.feedId, msp);
    const existing = await readJson<SubscriptionRecord>(ctx, key);
    ensure(existing !== undefined, 'NOT_SUBSCRIBED', `${msp} is not subscribed to ${feed.feedId}`);
    await ctx.stub.deleteState(key);
    return canonicalJson(existing);
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
    const report = parseReport(reportJson);
    const feed = await loadFeed(ctx, report.feedId);
    requireOwnerMember(ctx, feed);
    ensure(!feed.paused, 'FEED_PAUSED', `feed ${feed.feedId} is paused`);
    const latest = await loadLatest(ctx, feed.feedId);
    const nowMs = txTimeMs(ctx);
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
    const { answer, signers } = verifyReport(feed, report);
    ensure(
      answer >= BigInt(feed.minAnswer) && answer <= BigInt(feed.maxAnswer),
      'ANSWER_OUT_OF_BOUNDS',
      `answer ${answer} is outside [${feed.minAnswer}, ${feed.maxAnswer}]`,
    );
    const premium = await this.#writePremium(ctx, feed, report.roundId);
    const round: RoundRecord = {
      feedId: feed.feedId,
      roundId: report.roundId,
      answer: answer.toString(),
      startedAt: report.observationsTimestamp,
      updatedAt: Math.floor(nowMs / 1000),
      answeredInRound: report.roundId,
      observations: report.observations,
      signers,
      configDigest: feed.configDigest,
      txId: ctx.stub.getTxID(),
      ...(premium === undefined ? {} : { premiumHash: premium }),
    };
    await writeJson(ctx, roundKey(ctx, feed.feedId, round.roundId), round);
    await writeJson(ctx, latestKey(ctx, feed.feedId), round);
    ctx.stub.setEvent(
      ROUND_REPORTED_EVENT,
      toBytes({
        feedId: round.feedId,
        roundId: round.roundId,
        answer: round.answer,
        updatedAt: round.updatedAt,
      }),
    );
    return canonicalJson(roundData(round));
  }

  /** Writes the transient premium value, if any, to the owner's and subscribers' collections. */
  async #writePremium(
    ctx: Context,
    feed: FeedRecord,
    roundId: string,
  ): Promise<string | undefined> {
    const text = transientText(ctx, PREMIUM_TRANSIENT_FIELD);
    const saltText = transientText(ctx, SALT_TRANSIENT_FIELD);
    if (text === undefined) {
      ensure(saltText === undefined, 'MALFORMED_INPUT', 'transient salt given without premium');
      return undefined;
    }
    ensure(
      isAdmin(ctx),
      'FORBIDDEN',
      `attaching premium data to feed ${feed.feedId} needs attribute feeds.admin=true`,
    );
    ensure(
      Buffer.byteLength(text, 'utf8') <= MAX_PREMIUM_BYTES,
      'MALFORMED_INPUT',
      `transient premium exceeds ${MAX_PREMIUM_BYTES} bytes`,
    );
    const value = parseJsonArg(text, 'transient premium');
    const salt = saltField(saltText);
    const hash = premiumHash(salt, value);
    const record: PremiumRecord = { feedId: feed.feedId, roundId, salt, value, premiumHash: hash };
    const subscribers = await readAll<SubscriptionRecord>(ctx, KEY_TYPES.subscription, [
      feed.feedId,
    ]);
    const key = premiumKey(ctx, feed.feedId, roundId);
    for (const msp of [feed.owner, ...subscribers.map((s) => s.mspId)]) {
      await ctx.stub.putPrivateData(implicitCollection(msp), key, toBytes(record));
    }
    return hash;
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
    return canonicalJson(await loadFeed(ctx, feedIdArg(feedId)));
  }

  /**
   * One page of feeds in id order.
   *
   * @param ctx - the transaction context
   * @param pageSize - 1 to 1000
   * @param bookmark - from the previous page, or empty
   * @returns `{records, bookmark, fetchedRecordsCount}` as JSON
   * @throws ChaincodeError `MALFORMED_INPUT`
   */
  @Transaction(false)
  @Returns('string')
  async listFeeds(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const page = await readPage<FeedRecord>(
      ctx,
      KEY_TYPES.feed,
      [],
      pageSizeArg(pageSize),
      bookmark,
    );
    return canonicalJson(page);
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
    return canonicalJson((await loadFeed(ctx, feedIdArg(feedId))).decimals);
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
    return canonicalJson((await loadFeed(ctx, feedIdArg(feedId))).description);
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
    const feed = await loadFeed(ctx, feedIdArg(feedId));
    const latest = await loadLatest(ctx, feed.feedId);
    ensure(latest !== undefined, 'NO_DATA', `feed ${feed.feedId} has no rounds yet`);
    return canonicalJson(roundData(latest));
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
    return canonicalJson(roundData(await this.#loadRound(ctx, feedId, roundId)));
  }

  async #loadRound(ctx: Context, feedId: string, roundId: string): Promise<RoundRecord> {
    const feed = await loadFeed(ctx, feedIdArg(feedId));
    roundIdArg(roundId);
    const round = await readJson<RoundRecord>(ctx, roundKey(ctx, feed.feedId, roundId));
    ensure(round !== undefined, 'NO_DATA', `feed ${feed.feedId} has no round ${roundId}`);
    return round;
  }

  /**
   * One page of a feed's rounds, oldest first, with observations and signers.
   *
   * @param ctx - the transaction context
   * @param feedId - the feed
   * @param pageSize - 1 to 1000
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
    const feed = await loadFeed(ctx, feedIdArg(feedId));
    const size = pageSizeArg(pageSize);
    const page = await readPage<RoundRecord>(ctx, KEY_TYPES.round, [feed.feedId], size, bookmark);
    return canonicalJson(page);
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
    const feed = await loadFeed(ctx, feedIdArg(feedId));
    return canonicalJson(
      await readAll<SubscriptionRecord>(ctx, KEY_TYPES.subscription, [feed.feedId]),
    );
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
    const feed = await loadFeed(ctx, feedIdArg(feedId));
    roundIdArg(roundId);
    const msp = ctx.clientIdentity.getMSPID();
    if (msp !== feed.owner) {
      const sub = await readJson<SubscriptionRecord>(ctx, subscriptionKey(ctx, feed.feedId, msp));
      ensure(sub !== undefined, 'NOT_SUBSCRIBED', `${msp} is not subscribed to ${feed.feedId}`);
    }
    const peerMsp = ctx.stub.getMspID();
    ensure(
      peerMsp === msp,
      'WRONG_PEER',
      `premium data of ${msp} must be read through a ${msp} peer, not a ${peerMsp} peer`,
    );
    const bytes = await ctx.stub.getPrivateData(
      implicitCollection(msp),
      premiumKey(ctx, feed.feedId, roundId),
    );
    ensure(
      bytes.length > 0,
      'NO_DATA',
      `no premium value of feed ${feed.feedId} round ${roundId} for ${msp}`,
    );
    return Buffer.from(bytes).toString('utf8');
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
    const round = await this.#loadRound(ctx, feedId, roundId);
    const v = parseObject(revealedJson, 'revealed');
    onlyFields(v, ['value', 'salt'], 'revealed');
    ensure('value' in v, 'MALFORMED_INPUT', 'revealed.value is missing');
    const salt = saltField(v.salt);
    ensure(
      round.premiumHash !== undefined,
      'NO_DATA',
      `round ${roundId} of feed ${round.feedId} has no premium value`,
    );
    const valid = premiumHash(salt, v.value) === round.premiumHash;
    return canonicalJson({ valid, premiumHash: round.premiumHash });
  }
}
