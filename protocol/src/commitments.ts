/**
 * Salted commitments the contracts publish for values they keep private: a client that holds the
 * value and salt recomputes the hash to check a round's premium value.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * The public commitment to a premium value.
 *
 * @param salt - 64 lowercase hex characters
 * @param value - the premium value (any JSON)
 * @returns `hex(SHA-256(hexDecode(salt) || UTF-8(canonicalJson(value))))`
 * @throws TypeError when the value has no canonical JSON form (see {@link canonicalJson})
 */
export function premiumHash(salt: string, value: unknown): string {
  const text = canonicalJson(value);
  return createHash('sha256').update(Buffer.from(salt, 'hex')).update(text, 'utf8').digest('hex');
}
