/**
 * The contracts' deterministic JSON: object keys sorted at every depth, no whitespace, undefined
 * members dropped. Hashes the chaincode publishes (premium commitments, proposal details) are over
 * this text, so a client recomputing them must write exactly the same bytes, and every endorsing
 * peer must produce the same bytes for the same state so their write sets match.
 */

/** A JSON value as the contracts read and write it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Deeper values are refused: they serve no feed or proposal and would exhaust the stack. */
export const MAX_JSON_DEPTH = 64;

function sortValue(value: unknown, depth: number): unknown {
  if (depth > MAX_JSON_DEPTH) {
    throw new TypeError(`JSON nested deeper than ${String(MAX_JSON_DEPTH)} levels`);
  }
  if (Array.isArray(value)) {
    return value.map((v) => sortValue(v, depth + 1));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      if (key === '__proto__') {
        // defineProperty, not assignment: a "__proto__" member must stay a member (assignment would
        // set the prototype and drop it from the output, so two different values would hash alike).
        // Only that key needs it; assignment is the fast path for every other.
        Object.defineProperty(out, key, {
          value: sortValue(v, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        out[key] = sortValue(v, depth + 1);
      }
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError('non-finite numbers have no JSON form');
  }
  if (typeof value === 'bigint') {
    throw new TypeError('bigint values must be written as decimal strings');
  }
  return value;
}

/**
 * Serialises a value with object keys sorted recursively; `undefined` members are dropped.
 *
 * @param value - any JSON-compatible value
 * @returns the canonical JSON text
 * @throws TypeError for non-finite numbers, bigint values or nesting deeper than {@link MAX_JSON_DEPTH}
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortValue(value, 0));
}

/**
 * Serialises a value as canonical JSON bytes, the form every ledger write and hashed payload uses.
 *
 * @param value - any JSON-compatible value
 * @returns UTF-8 bytes of {@link canonicalJson}
 * @throws TypeError as {@link canonicalJson} does
 */
export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}
