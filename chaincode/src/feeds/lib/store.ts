/**
 * The feeds contract's records in world state: `load*` reads a record that must exist (raising
 * its NOT_FOUND code), `read*` one that may not, `save*` writes one. Keys are in `keys.ts`.
 */
import type { Context } from 'fabric-contract-api';
import { ensure } from '../../lib/errors';
import { readAll, readJson, writeJson } from '../../lib/state';
import type { FeedRecord, RoundData, RoundRecord, SubscriptionRecord } from '../types';
import { KEY_TYPES, feedKey, latestKey, roundKey, subscriptionKey } from './keys';

/**
 * Reads a feed that must exist.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @returns the feed
 * @throws ChaincodeError `FEED_NOT_FOUND` when there is no such feed
 */
export async function loadFeed(ctx: Context, feedId: string): Promise<FeedRecord> {
  const feed = await readFeed(ctx, feedId);
  ensure(feed !== undefined, 'FEED_NOT_FOUND', `feed ${feedId} does not exist`);
  return feed;
}

/**
 * Reads a feed, if it exists.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @returns the feed, or `undefined`
 */
export function readFeed(ctx: Context, feedId: string): Promise<FeedRecord | undefined> {
  return readJson<FeedRecord>(ctx, feedKey(ctx, feedId));
}

/**
 * Writes a feed.
 *
 * @param ctx - the transaction context
 * @param feed - the feed
 * @returns the feed as written
 */
export async function saveFeed(ctx: Context, feed: FeedRecord): Promise<FeedRecord> {
  await writeJson(ctx, feedKey(ctx, feed.feedId), feed);
  return feed;
}

/**
 * A round's public data: what `latestRoundData` and `getRoundData` return, and all the latest-round
 * key holds (the signers, digests and transaction id stay on the round's own key). Fields are
 * picked, so a latest record written before this shape, a full round, reads the same.
 *
 * @param r - a stored round, or a latest record
 * @returns its {@link RoundData}
 */
export function roundData(r: RoundData): RoundData {
  return {
    feedId: r.feedId,
    roundId: r.roundId,
    answer: r.answer,
    startedAt: r.startedAt,
    updatedAt: r.updatedAt,
    answeredInRound: r.answeredInRound,
  };
}

/**
 * Reads a feed's latest round, if any.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @returns the latest round's data, or `undefined` before the first report
 */
export function readLatest(ctx: Context, feedId: string): Promise<RoundData | undefined> {
  return readJson<RoundData>(ctx, latestKey(ctx, feedId));
}

/**
 * Reads a feed's latest round, which must exist.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @returns the latest round's data
 * @throws ChaincodeError `NO_DATA` before the first report
 */
export async function loadLatest(ctx: Context, feedId: string): Promise<RoundData> {
  const latest = await readLatest(ctx, feedId);
  ensure(latest !== undefined, 'NO_DATA', `feed ${feedId} has no rounds yet`);
  return latest;
}

/**
 * Reads a round that must exist.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @param roundId - canonical decimal round id
 * @returns the round
 * @throws ChaincodeError `NO_DATA` for a round never reported
 */
export async function loadRound(
  ctx: Context,
  feedId: string,
  roundId: string,
): Promise<RoundRecord> {
  const round = await readJson<RoundRecord>(ctx, roundKey(ctx, feedId, roundId));
  ensure(round !== undefined, 'NO_DATA', `feed ${feedId} has no round ${roundId}`);
  return round;
}

/**
 * Writes a new round under its own key, and its public data ({@link roundData}) as the feed's
 * latest: each report writes both, so the copy carries only what `latestRoundData` returns and
 * what the next report's ordering checks read (round id, observation time).
 *
 * @param ctx - the transaction context
 * @param round - the round
 */
export async function saveRound(ctx: Context, round: RoundRecord): Promise<void> {
  await writeJson(ctx, roundKey(ctx, round.feedId, round.roundId), round);
  await writeJson(ctx, latestKey(ctx, round.feedId), roundData(round));
}

/**
 * Reads a member's subscription to a feed, if any.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @param mspId - the member
 * @returns the subscription, or `undefined`
 */
export function readSubscription(
  ctx: Context,
  feedId: string,
  mspId: string,
): Promise<SubscriptionRecord | undefined> {
  return readJson<SubscriptionRecord>(ctx, subscriptionKey(ctx, feedId, mspId));
}

/**
 * Every subscription to a feed, in MSP id order.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @returns the subscriptions
 */
export function readSubscriptions(ctx: Context, feedId: string): Promise<SubscriptionRecord[]> {
  return readAll<SubscriptionRecord>(ctx, KEY_TYPES.subscription, [feedId]);
}
