/**
 * The feeds contract's raise helpers, typed with the protocol's feed error codes so a raise site
 * can only use a code the gateway knows.
 */
import type { FeedErrorCode } from '@oracle-consortium/protocol';
import { ChaincodeError } from '../lib/errors';

/**
 * Every code the feeds contract raises (`FEED_ERROR_CODES` of the protocol package). The
 * message that crosses the wire starts with the code in brackets, so a client can `switch` on it
 * after reading it back.
 */
export type { FeedErrorCode };

/**
 * Raises a feeds error.
 *
 * @param code - the error's code
 * @param message - what went wrong, naming the offending input
 * @throws ChaincodeError always, with `code` and the message `[code] message`
 */
export function fail(code: FeedErrorCode, message: string): never {
  throw new ChaincodeError(code, message);
}

/**
 * Raises a feeds error unless the condition holds.
 *
 * @param condition - what must hold
 * @param code - the code to raise otherwise
 * @param message - the explanation to raise otherwise
 * @throws ChaincodeError with `code` when `condition` is false
 */
export function ensure(
  condition: boolean,
  code: FeedErrorCode,
  message: string,
): asserts condition {
  if (!condition) {
    fail(code, message);
  }
}
