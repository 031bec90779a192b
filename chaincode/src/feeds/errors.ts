import { ChaincodeError } from '../lib/errors';

/**
 * Every code the feeds contract raises. The message that crosses the wire starts with the code in
 * brackets, so a client can `switch` on it after reading it back.
 */
export type FeedErrorCode =
  | 'MALFORMED_INPUT'
  | 'INVALID_CONFIG'
  | 'FORBIDDEN'
  | 'FEED_EXISTS'
  | 'FEED_NOT_FOUND'
  | 'FEED_PAUSED'
  | 'ORACLE_NOT_FOUND'
  | 'CONFIG_MISMATCH'
  | 'STALE_ROUND'
  | 'STALE_TIMESTAMP'
  | 'FUTURE_TIMESTAMP'
  | 'UNKNOWN_OBSERVER'
  | 'DUPLICATE_OBSERVER'
  | 'INSUFFICIENT_OBSERVATIONS'
  | 'UNKNOWN_SIGNER'
  | 'DUPLICATE_SIGNER'
  | 'INSUFFICIENT_SIGNATURES'
  | 'BAD_SIGNATURE'
  | 'ANSWER_OUT_OF_BOUNDS'
  | 'NO_DATA'
  | 'ALREADY_SUBSCRIBED'
  | 'NOT_SUBSCRIBED'
  | 'WRONG_PEER'
  // Added for issue 14:
  | 'DUPLICATE_ORACLE_KEY'
  | 'INPUT_TOO_LARGE';

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
