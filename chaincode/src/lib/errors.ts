/**
 * Errors raised by the contracts. Only the message crosses the wire to the client, so every
 * message starts with its code in brackets (`[FEED_NOT_FOUND] feed eth-usd does not exist`) and
 * the gateway library maps the code back to a typed error.
 */

export { ERROR_CODE_PATTERN } from '@oracle-consortium/protocol';

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
