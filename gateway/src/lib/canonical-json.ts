/**
 * The contracts' deterministic JSON: object keys sorted at every depth, no whitespace, undefined
 * members dropped. Hashes the chaincode publishes (premium commitments, proposal details) are over
 * this text, so a client recomputing them must write exactly the same bytes.
 */

function sortValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortValue);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) {
        out[key] = sortValue(v);
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
 * Serialises a value with object keys sorted recursively.
 *
 * @param value - any JSON-compatible value
 * @returns the canonical JSON text
 * @throws TypeError for non-finite numbers or bigint values
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortValue(value));
}
