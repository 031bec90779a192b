/**
 * Parsing of JSON arguments, shared by both contracts. The convention of both: a `parse*` function
 * takes untrusted input (an argument, or a field of a parsed argument) and returns a checked value
 * or raises the coded error naming the input, before the transaction reads or writes anything.
 */
import { ensure, fail } from './errors';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/**
 * Whether a parsed JSON value is an object (not null, not an array).
 *
 * @param value - the parsed value
 * @returns true for a JSON object
 */
export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Parses a JSON argument.
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
    return fail(
      'MALFORMED_INPUT',
      `${what} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/**
 * Parses a JSON argument that must be an object.
 *
 * @param text - the raw argument
 * @param what - its name for messages
 * @returns the object
 * @throws ChaincodeError `MALFORMED_INPUT` when it is not a JSON object
 */
export function parseObject(text: string, what: string): JsonObject {
  const value = parseJsonArg(text, what);
  ensure(isJsonObject(value), 'MALFORMED_INPUT', `${what} must be a JSON object`);
  return value;
}

/**
 * Refuses an object carrying a field it may not, so a typo is not silently ignored.
 *
 * @param value - the object
 * @param allowed - the fields it may carry
 * @param what - its name for messages
 * @throws ChaincodeError `MALFORMED_INPUT` naming the first unknown field
 */
export function rejectUnknownFields(
  value: JsonObject,
  allowed: readonly string[],
  what: string,
): void {
  for (const key of Object.keys(value)) {
    ensure(allowed.includes(key), 'MALFORMED_INPUT', `${what} has an unknown field ${key}`);
  }
}
