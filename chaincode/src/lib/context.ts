import type { Context } from 'fabric-contract-api';
import { ChaincodeError } from './errors';

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

/**
 * Parses a JSON argument, raising a coded error that names the argument when it is not JSON.
 *
 * @param text - the raw argument
 * @param what - the argument's name for the error message
 * @returns the parsed value
 * @throws ChaincodeError `MALFORMED_INPUT` when the text is not valid JSON
 */
export function parseJsonArg(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ChaincodeError(
      'MALFORMED_INPUT',
      `${what} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
