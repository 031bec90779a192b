/**
 * Ledger keys. Everything a report touches is keyed by its feed, so reports for different feeds
 * have disjoint read and write sets and can never MVCC-conflict; there is no global counter or
 * index written per report.
 *
 * | key | holds |
 * | --- | --- |
 * | `feed~<feedId>` | the feed's configuration (read by reports, written by admins) |
 * | `feed.latest~<feedId>` | the latest round's public data (read and written by each report) |
 * | `feed.round~<feedId>~<roundId, 20 digits>` | one round, written once |
 * | `feed.subscription~<feedId>~<mspId>` | a premium subscription |
 * | `feed.premium~<feedId>~<roundId, 20 digits>` | premium value, in `_implicit_org_<MSP>` collections only |
 *
 * Round ids are zero-padded so that key order is numeric order for range reads.
 */
import type { Context } from 'fabric-contract-api';

/** Width of zero-padded round ids in keys: 2^64-1 has 20 digits. */
export const ROUND_ID_WIDTH = 20;

/**
 * Composite key object types. They share the chaincode namespace with the membership contract,
 * so all but `feed` itself carry a `feed.` prefix.
 */
export const KEY_TYPES = {
  feed: 'feed',
  latest: 'feed.latest',
  round: 'feed.round',
  subscription: 'feed.subscription',
  premium: 'feed.premium',
} as const;

/**
 * Zero-pads a round id for use in a key.
 *
 * @param roundId - canonical decimal round id
 * @returns the 20-digit form
 */
export function padRoundId(roundId: string): string {
  return roundId.padStart(ROUND_ID_WIDTH, '0');
}

/**
 * The key of a feed.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @returns the composite key
 */
export function feedKey(ctx: Context, feedId: string): string {
  return ctx.stub.createCompositeKey(KEY_TYPES.feed, [feedId]);
}

/**
 * The key of a feed's latest round.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @returns the composite key
 */
export function latestKey(ctx: Context, feedId: string): string {
  return ctx.stub.createCompositeKey(KEY_TYPES.latest, [feedId]);
}

/**
 * The key of a round.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @param roundId - canonical decimal round id
 * @returns the composite key
 */
export function roundKey(ctx: Context, feedId: string, roundId: string): string {
  return ctx.stub.createCompositeKey(KEY_TYPES.round, [feedId, padRoundId(roundId)]);
}

/**
 * The key of a subscription.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @param mspId - the subscriber
 * @returns the composite key
 */
export function subscriptionKey(ctx: Context, feedId: string, mspId: string): string {
  return ctx.stub.createCompositeKey(KEY_TYPES.subscription, [feedId, mspId]);
}

/**
 * The private key of a round's premium value.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @param roundId - canonical decimal round id
 * @returns the composite key
 */
export function premiumKey(ctx: Context, feedId: string, roundId: string): string {
  return ctx.stub.createCompositeKey(KEY_TYPES.premium, [feedId, padRoundId(roundId)]);
}
