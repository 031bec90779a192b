/**
 * Size limits on what a transaction carries, checked before any argument is parsed.
 *
 * Fabric accepts proposals up to its gRPC message limit (100 MB by default), so without a cap a
 * valid report padded with megabytes of whitespace would be parsed by every endorser and written
 * into every block. The limits leave room for the largest legitimate input:
 *
 * - {@link MAX_ARGUMENTS_BYTES}, 64 KiB for all arguments of one call together: the largest real
 *   argument set is `createFeed` with 31 oracles, about 9 KB with PEM keys and about 20 KB with
 *   keys written with explicit curve parameters; a 31-oracle report is under 7 KB.
 * - {@link MAX_TRANSIENT_BYTES}, 68 KiB for all transient fields together: a premium value may
 *   be 64 KiB (`MAX_PREMIUM_BYTES`) plus its 64-character salt; a proposal's private details are
 *   at most 2 × 4096 characters and a salt.
 *
 * The feeds contract caps a report more tightly (`MAX_REPORT_BYTES`).
 */
import type { Context } from 'fabric-contract-api';
import { ensure } from './errors';

/** The most bytes all arguments of one call may hold together (function name included). */
export const MAX_ARGUMENTS_BYTES = 64 * 1024;

/** The most bytes all transient fields of one call may hold together (names and values). */
export const MAX_TRANSIENT_BYTES = 68 * 1024;

/**
 * Refuses a call whose arguments or transient data exceed the limits. Both contracts run it from
 * `beforeTransaction`, so it holds for every function, before anything is parsed, read or written.
 *
 * @param ctx - the transaction context
 * @throws ChaincodeError `INPUT_TOO_LARGE` naming the function, the size and the limit
 */
export function checkInputSize(ctx: Context): void {
  const args = ctx.stub.getArgs();
  const fn = args[0] ?? '';
  const argBytes = args.reduce((sum, a) => sum + Buffer.byteLength(a, 'utf8'), 0);
  ensure(
    argBytes <= MAX_ARGUMENTS_BYTES,
    'INPUT_TOO_LARGE',
    `the arguments of ${fn} are ${argBytes} bytes; at most ${MAX_ARGUMENTS_BYTES} are accepted`,
  );
  let transientBytes = 0;
  for (const [name, value] of ctx.stub.getTransient()) {
    transientBytes += Buffer.byteLength(name, 'utf8') + value.length;
  }
  ensure(
    transientBytes <= MAX_TRANSIENT_BYTES,
    'INPUT_TOO_LARGE',
    `the transient data of ${fn} is ${transientBytes} bytes; at most ${MAX_TRANSIENT_BYTES} are accepted`,
  );
}
