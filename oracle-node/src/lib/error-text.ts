/**
 * Text of a caught value for records and logs: the node records errors from the chain, peers and
 * sources, which are not all `Error`s with a `code`.
 */

/**
 * A stable code for anything caught: the chaincode's code, the error's `code`, or `ERROR`.
 *
 * @param err - what was caught
 * @returns the code
 */
export function errorCode(err: unknown): string {
  const c =
    (err as { chaincodeCode?: unknown; code?: unknown } | null)?.chaincodeCode ??
    (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : 'ERROR';
}

/**
 * The message of anything caught.
 *
 * @param err - what was caught
 * @returns its message
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
