/**
 * Feed administration use cases: creating a feed and changing its oracles, thresholds, bounds,
 * reporting policy and pause state. Each takes parsed inputs and a feed the caller administers,
 * and returns the feed as stored.
 */
import type { Context } from 'fabric-contract-api';
import { txTimeSeconds } from '../../lib/context';
import { ensure } from '../../lib/errors';
import type { FeedRecord, OracleRecord } from '../types';
import { requireFeedAdmin } from './access';
import { reconfigure, type Thresholds } from '../feed-config';
import type { FeedDefinition } from './inputs';
import { loadFeed, readFeed, saveFeed } from './store';

/**
 * Loads a feed the caller administers.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @returns the feed
 * @throws ChaincodeError `FEED_NOT_FOUND`, `FORBIDDEN`
 */
export async function loadAdministeredFeed(ctx: Context, feedId: string): Promise<FeedRecord> {
  const feed = await loadFeed(ctx, feedId);
  requireFeedAdmin(ctx, feed);
  return feed;
}

/**
 * Creates a feed owned by the caller's MSP.
 *
 * @param ctx - the transaction context
 * @param def - the parsed definition
 * @returns the stored feed
 * @throws ChaincodeError `FEED_EXISTS`, `INVALID_CONFIG`, `DUPLICATE_ORACLE_KEY`
 */
export async function createFeed(ctx: Context, def: FeedDefinition): Promise<FeedRecord> {
  const existing = await readFeed(ctx, def.feedId);
  ensure(existing === undefined, 'FEED_EXISTS', `feed ${def.feedId} already exists`);
  const now = txTimeSeconds(ctx);
  const draft: FeedRecord = {
    feedId: def.feedId,
    description: def.description,
    decimals: def.decimals,
    owner: ctx.clientIdentity.getMSPID(),
    oracles: [],
    f: 0,
    minSignatures: 1,
    minObservations: 1,
    ...def.bounds,
    heartbeatSeconds: def.heartbeatSeconds,
    deviationThresholdPpb: def.deviationThresholdPpb,
    maxFutureSkewSeconds: def.maxFutureSkewSeconds,
    paused: false,
    configVersion: 0,
    configDigest: '',
    createdAt: now,
    updatedAt: now,
  };
  return saveFeed(ctx, reconfigure(draft, def.oracles, def.thresholds, now));
}

/**
 * The index of a feed's oracle.
 *
 * @param feed - the feed
 * @param oracleId - the oracle's id
 * @returns its index
 * @throws ChaincodeError `ORACLE_NOT_FOUND`
 */
function oracleIndex(feed: FeedRecord, oracleId: string): number {
  const i = feed.oracles.findIndex((o) => o.id === oracleId);
  ensure(i >= 0, 'ORACLE_NOT_FOUND', `feed ${feed.feedId} has no oracle ${oracleId}`);
  return i;
}

/** How an oracle set changes: one oracle more, one key replaced, or one oracle fewer. */
export type OracleChange =
  | { readonly add: OracleRecord }
  | { readonly rotate: string; readonly key: Omit<OracleRecord, 'id'> }
  | { readonly remove: string };

/**
 * Changes a feed's oracle set under a new config version. Added oracles go at the end, so existing
 * indices keep their oracles; a removal moves later oracles down one index.
 *
 * @param ctx - the transaction context
 * @param feed - the administered feed
 * @param change - the change
 * @returns the updated feed
 * @throws ChaincodeError `ORACLE_NOT_FOUND`, `INVALID_CONFIG`, `DUPLICATE_ORACLE_KEY`
 */
export function changeOracles(
  ctx: Context,
  feed: FeedRecord,
  change: OracleChange,
): Promise<FeedRecord> {
  let oracles: OracleRecord[];
  if ('add' in change) {
    oracles = [...feed.oracles, change.add];
  } else if ('rotate' in change) {
    const index = oracleIndex(feed, change.rotate);
    oracles = feed.oracles.map((o, i) => (i === index ? { id: o.id, ...change.key } : o));
  } else {
    const index = oracleIndex(feed, change.remove);
    oracles = feed.oracles.filter((_, i) => i !== index);
  }
  return saveFeed(ctx, reconfigure(feed, oracles, feed, txTimeSeconds(ctx)));
}

/**
 * Changes a feed's thresholds under a new config version.
 *
 * @param ctx - the transaction context
 * @param feed - the administered feed
 * @param thresholds - the new thresholds
 * @returns the updated feed
 * @throws ChaincodeError `INVALID_CONFIG`
 */
export function setThresholds(
  ctx: Context,
  feed: FeedRecord,
  thresholds: Thresholds,
): Promise<FeedRecord> {
  return saveFeed(ctx, reconfigure(feed, feed.oracles, thresholds, txTimeSeconds(ctx)));
}

/**
 * Changes fields the config digest does not cover (bounds, reporting policy, pause state).
 *
 * @param ctx - the transaction context
 * @param feed - the administered feed
 * @param fields - the new values
 * @returns the updated feed
 */
export function updateFeed(
  ctx: Context,
  feed: FeedRecord,
  fields: Partial<
    Pick<
      FeedRecord,
      | 'minAnswer'
      | 'maxAnswer'
      | 'description'
      | 'heartbeatSeconds'
      | 'deviationThresholdPpb'
      | 'maxFutureSkewSeconds'
      | 'paused'
    >
  >,
): Promise<FeedRecord> {
  return saveFeed(ctx, { ...feed, ...fields, updatedAt: txTimeSeconds(ctx) });
}
