/**
 * Reading and writing world state, for both contracts. Every write goes through canonical JSON so
 * that all endorsers produce identical write sets; every read of a missing key is `undefined`
 * (Fabric returns an empty value), never an error, so each caller decides what absence means.
 */
import type { Context } from 'fabric-contract-api';
import { toBytes } from '@oracle-consortium/protocol';

/**
 * Reads a JSON record, or `undefined` when the key is absent.
 *
 * @param ctx - the transaction context
 * @param key - the state key
 * @returns the parsed record
 */
export async function readJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  return bytes.length === 0 ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as T);
}

/**
 * Writes a record as canonical JSON.
 *
 * @param ctx - the transaction context
 * @param key - the state key
 * @param value - the record
 */
export async function writeJson(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, toBytes(value));
}

/**
 * Reads every record under a partial composite key, in key order. Meant for small, bounded sets
 * (a feed's subscribers, the members, a proposal's votes); unlike a paginated read it may run in a
 * submit transaction.
 *
 * @param ctx - the transaction context
 * @param objectType - the composite key type
 * @param attributes - the leading attributes
 * @returns the parsed records
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
