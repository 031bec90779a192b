/**
 * Reading and writing feed state. Every write goes through canonical JSON so that all endorsers
 * produce identical write sets.
 */
import type { Context } from 'fabric-contract-api';
import { toBytes, type Page } from '@oracle-consortium/protocol';
import { readKeyPage } from '../lib/pages';
import { ensure } from './errors';
import { feedKey, latestKey } from './keys';
import type { FeedRecord, RoundRecord } from './types';

/**
 * Reads a JSON value, or `undefined` when the key is absent.
 *
 * @param ctx - the transaction context
 * @param key - the state key
 * @returns the parsed value
 */
export async function readJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  return bytes.length === 0 ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as T);
}

/**
 * Writes a value as canonical JSON.
 *
 * @param ctx - the transaction context
 * @param key - the state key
 * @param value - the value
 */
export async function writeJson(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, toBytes(value));
}

/**
 * Reads a feed that must exist.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @returns the feed
 * @throws ChaincodeError `FEED_NOT_FOUND` when there is no such feed
 */
export async function loadFeed(ctx: Context, feedId: string): Promise<FeedRecord> {
  const feed = await readJson<FeedRecord>(ctx, feedKey(ctx, feedId));
  ensure(feed !== undefined, 'FEED_NOT_FOUND', `feed ${feedId} does not exist`);
  return feed;
}

/**
 * Reads a feed's latest round, if any.
 *
 * @param ctx - the transaction context
 * @param feedId - the feed id
 * @returns the latest round, or `undefined` before the first report
 */
export async function loadLatest(ctx: Context, feedId: string): Promise<RoundRecord | undefined> {
  return readJson<RoundRecord>(ctx, latestKey(ctx, feedId));
}

export type { Page };

/**
 * Reads one page of a partial composite key range; an empty collection is an empty page with an
 * empty bookmark. Paginated queries make a transaction read-only in Fabric, so only
 * evaluate-only functions call this.
 *
 * @param ctx - the transaction context
 * @param objectType - the composite key type
 * @param attributes - the leading attributes
 * @param pageSize - the most records to return
 * @param bookmark - where to resume, or empty for the start
 * @returns the page
 */
export async function readPage<T>(
  ctx: Context,
  objectType: string,
  attributes: string[],
  pageSize: number,
  bookmark: string,
): Promise<Page<T>> {
  const page = await readKeyPage(ctx, objectType, attributes, pageSize, bookmark);
  const records = page.entries.map((e) => JSON.parse(Buffer.from(e.value).toString('utf8')) as T);
  return { records, bookmark: page.bookmark, fetchedRecordsCount: records.length };
}

/**
 * Reads every record under a partial composite key (for small, bounded sets such as a feed's
 * subscribers). Unlike paginated reads this may run in a submit transaction.
 *
 * @param ctx - the transaction context
 * @param objectType - the composite key type
 * @param attributes - the leading attributes
 * @returns the records in key order
 */
export async function readAll<T>(
  ctx: Context,
  objectType: string,
  attributes: string[],
): Promise<T[]> {
  const records: T[] = [];
  for await (const kv of ctx.stub.getStateByPartialCompositeKey(objectType, attributes)) {
    records.push(JSON.parse(Buffer.from(kv.value).toString('utf8')) as T);
  }
  return records;
}
