/**
 * What a transaction reads from its context besides state: the transaction time (never the
 * clock) and transient fields (the only way private inputs arrive).
 */
import type { Context } from 'fabric-contract-api';

/**
 * The transaction timestamp in whole milliseconds since the epoch. Contracts never read the
 * clock: every endorser must compute the same result, and the proposal's timestamp is the only
 * time they share.
 *
 * @param ctx - the transaction context
 * @returns milliseconds since the Unix epoch
 */
export function txTimeMs(ctx: Context): number {
  const ts = ctx.stub.getTxTimestamp();
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds.toString());
  return seconds * 1000 + Math.floor(ts.nanos / 1_000_000);
}

/**
 * The transaction timestamp as an ISO-8601 string (millisecond precision).
 *
 * @param ctx - the transaction context
 * @returns the timestamp, for example `2026-11-22T01:34:10.000Z`
 */
export function txTimeIso(ctx: Context): string {
  return new Date(txTimeMs(ctx)).toISOString();
}

/**
 * The transaction timestamp in whole seconds since the epoch (the feeds contract's unit).
 *
 * @param ctx - the transaction context
 * @returns seconds since the Unix epoch, rounded down
 */
export function txTimeSeconds(ctx: Context): number {
  return Math.floor(txTimeMs(ctx) / 1000);
}

/**
 * Reads one transient field as UTF-8 text. Private inputs only ever arrive this way, so they never
 * appear in the block.
 *
 * @param ctx - the transaction context
 * @param field - the transient map key
 * @returns the text, or `undefined` when the field is absent
 */
export function transientText(ctx: Context, field: string): string | undefined {
  const value = ctx.stub.getTransient().get(field);
  return value === undefined ? undefined : Buffer.from(value).toString('utf8');
}
