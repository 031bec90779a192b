/**
 * Errors raised by the contracts, and the one pair of raise helpers both contracts use. Only the
 * message crosses the wire to the client, so every message starts with its code in brackets
 * (`[FEED_NOT_FOUND] feed eth-usd does not exist`) and the gateway library maps the code back to
 * a typed error.
 *
 * The helpers take any code of the protocol's two lists: the codes a shared module raises
 * (`MALFORMED_INPUT`, `INPUT_TOO_LARGE`) are in both, and the built-chaincode test checks that the
 * feeds and membership folders raise only codes of their own contract's list.
 */
import type { FeedErrorCode, MembershipErrorCode } from '@oracle-consortium/protocol';

export { ERROR_CODE_PATTERN } from '@oracle-consortium/protocol';

/** Every code a contract of this chaincode raises: the protocol's feed and membership lists. */
export type ChaincodeErrorCode = FeedErrorCode | MembershipErrorCode;

/**
 * An error a contract raises on purpose. Throwing it rejects the transaction, so nothing the
 * transaction wrote is committed.
 */
export class ChaincodeError extends Error {
  /** A stable, machine-readable code such as `FEED_NOT_FOUND`. */
  readonly code: string;

  /**
   * @param code - stable upper-snake-case code
   * @param message - human-readable explanation naming the offending input
   */
  constructor(code: string, message: string) {
    super(`[${code}] ${message}`);
    this.name = 'ChaincodeError';
    this.code = code;
  }
}

/**
 * Raises a coded error.
 *
 * @param code - the error's code, one the gateway knows
 * @param message - what went wrong, naming the offending input
 * @throws ChaincodeError always, with `code` and the message `[code] message`
 */
export function fail(code: ChaincodeErrorCode, message: string): never {
  throw new ChaincodeError(code, message);
}

/**
 * Raises a coded error unless the condition holds.
 *
 * @param condition - what must hold
 * @param code - the code to raise otherwise
 * @param message - the explanation to raise otherwise
 * @throws ChaincodeError with `code` when `condition` is false
 */
export function ensure(
  condition: boolean,
  code: ChaincodeErrorCode,
  message: string,
): asserts condition {
  if (!condition) {
    fail(code, message);
  }
}
