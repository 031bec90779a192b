/**
 * Premium values: a provider's extra data for a round, readable only by members it subscribed.
 *
 * Collection design: implicit per-member collections `_implicit_org_<MSPID>`. A round's premium
 * value is written to the owner's collection and to the collection of each member subscribed at
 * the time of the report, so a member's peers hold exactly what that member bought and a
 * non-subscriber's peers never receive the plaintext (collections' dissemination follows their
 * membership). Static collections could not express "whoever is subscribed now" without a
 * chaincode upgrade per subscription.
 *
 * Fabric validates a write to `_implicit_org_X` against X's `Endorsement` policy, so a report
 * carrying a premium value must be endorsed by the owner's peer and by one peer of every current
 * subscriber: the client passes `endorsingOrganizations = [owner, ...subscribers]`. Non-subscribers'
 * peers are never asked, so they never see the transient plaintext either. Reports without a
 * premium value need only the chaincode policy (any one member peer).
 *
 * The public ledger stores only `premiumHash = hex(SHA-256(salt bytes || UTF-8(canonicalJson(value))))`
 * where `salt bytes` are the 32 bytes the 64-hex salt decodes to. The salt comes from the client
 * (chaincode may not use randomness) and stops anyone brute-forcing a guessable value from the hash.
 */
import { premiumHash as commitment } from '@oracle-consortium/protocol';
import { fail } from './errors';

/** Transient field holding the premium value as JSON text. */
export const PREMIUM_TRANSIENT_FIELD = 'premium';

/** Transient field holding the salt (64 lowercase hex characters). */
export const SALT_TRANSIENT_FIELD = 'salt';

/** The largest premium value accepted, in bytes of JSON text. */
export const MAX_PREMIUM_BYTES = 64 * 1024;

/**
 * The implicit collection of a member.
 *
 * @param mspId - the member's MSP id
 * @returns `_implicit_org_<mspId>`
 */
export function implicitCollection(mspId: string): string {
  return `_implicit_org_${mspId}`;
}

/**
 * The public commitment to a premium value.
 *
 * @param salt - 64 lowercase hex characters
 * @param value - the premium value (any JSON)
 * @returns `hex(SHA-256(hexDecode(salt) || UTF-8(canonicalJson(value))))`
 * @throws ChaincodeError `MALFORMED_INPUT` when the value nests deeper than 64 levels
 */
export function premiumHash(salt: string, value: unknown): string {
  try {
    return commitment(salt, value);
  } catch (err) {
    return fail(
      'MALFORMED_INPUT',
      `premium value: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
