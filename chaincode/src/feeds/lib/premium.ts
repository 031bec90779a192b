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
import type { Context } from 'fabric-contract-api';
import { premiumHash as commitment, toBytes } from '@oracle-consortium/protocol';
import { transientText } from '../../lib/context';
import { ensure, fail } from '../../lib/errors';
import { parseJsonArg } from '../../lib/inputs';
import type { FeedRecord, PremiumRecord, RoundRecord } from '../types';
import { isAdmin } from './access';
import { parseSalt, type RevealedPremium } from './report-inputs';
import { premiumKey } from './keys';
import { readSubscription, readSubscriptions } from './store';

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

/**
 * Writes the transient premium value of a report, if any, to the owner's and the current
 * subscribers' collections.
 *
 * @param ctx - the transaction context
 * @param feed - the feed
 * @param roundId - the round the report records
 * @returns the public commitment, or `undefined` when the report carries no premium value
 * @throws ChaincodeError `MALFORMED_INPUT` for a salt without a value, a value over
 *   {@link MAX_PREMIUM_BYTES} or not JSON, or a bad salt
 * @throws ChaincodeError `FORBIDDEN` when the caller lacks `feeds.admin=true`
 */
export async function writePremium(
  ctx: Context,
  feed: FeedRecord,
  roundId: string,
): Promise<string | undefined> {
  const text = transientText(ctx, PREMIUM_TRANSIENT_FIELD);
  const saltText = transientText(ctx, SALT_TRANSIENT_FIELD);
  if (text === undefined) {
    ensure(saltText === undefined, 'MALFORMED_INPUT', 'transient salt given without premium');
    return undefined;
  }
  ensure(
    isAdmin(ctx),
    'FORBIDDEN',
    `attaching premium data to feed ${feed.feedId} needs attribute feeds.admin=true`,
  );
  ensure(
    Buffer.byteLength(text, 'utf8') <= MAX_PREMIUM_BYTES,
    'MALFORMED_INPUT',
    `transient premium exceeds ${MAX_PREMIUM_BYTES} bytes`,
  );
  const value = parseJsonArg(text, 'transient premium');
  const salt = parseSalt(saltText);
  const hash = premiumHash(salt, value);
  const record: PremiumRecord = { feedId: feed.feedId, roundId, salt, value, premiumHash: hash };
  const subscribers = await readSubscriptions(ctx, feed.feedId);
  const key = premiumKey(ctx, feed.feedId, roundId);
  for (const msp of [feed.owner, ...subscribers.map((s) => s.mspId)]) {
    await ctx.stub.putPrivateData(implicitCollection(msp), key, toBytes(record));
  }
  return hash;
}

/**
 * Reads a round's premium value from the caller's own implicit collection on the caller's own
 * peer.
 *
 * @param ctx - the transaction context
 * @param feed - the feed
 * @param roundId - canonical decimal round id
 * @returns the stored {@link PremiumRecord}
 * @throws ChaincodeError `NOT_SUBSCRIBED` when the caller is neither owner nor subscriber
 * @throws ChaincodeError `WRONG_PEER` when the peer belongs to another organisation
 * @throws ChaincodeError `NO_DATA` when the round has no premium value for the caller
 */
export async function readPremium(
  ctx: Context,
  feed: FeedRecord,
  roundId: string,
): Promise<PremiumRecord> {
  const msp = ctx.clientIdentity.getMSPID();
  if (msp !== feed.owner) {
    const sub = await readSubscription(ctx, feed.feedId, msp);
    ensure(sub !== undefined, 'NOT_SUBSCRIBED', `${msp} is not subscribed to ${feed.feedId}`);
  }
  const peerMsp = ctx.stub.getMspID();
  ensure(
    peerMsp === msp,
    'WRONG_PEER',
    `premium data of ${msp} must be read through a ${msp} peer, not a ${peerMsp} peer`,
  );
  const bytes = await ctx.stub.getPrivateData(
    implicitCollection(msp),
    premiumKey(ctx, feed.feedId, roundId),
  );
  ensure(
    bytes.length > 0,
    'NO_DATA',
    `no premium value of feed ${feed.feedId} round ${roundId} for ${msp}`,
  );
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as PremiumRecord;
}

/**
 * Checks a revealed premium value against a round's public commitment.
 *
 * @param round - the round
 * @param revealed - the value and salt
 * @returns whether they match, and the commitment
 * @throws ChaincodeError `NO_DATA` when the round carries no premium commitment
 * @throws ChaincodeError `MALFORMED_INPUT` when the value nests deeper than 64 levels
 */
export function checkRevealedPremium(
  round: RoundRecord,
  revealed: RevealedPremium,
): { valid: boolean; premiumHash: string } {
  ensure(
    round.premiumHash !== undefined,
    'NO_DATA',
    `round ${round.roundId} of feed ${round.feedId} has no premium value`,
  );
  return {
    valid: premiumHash(revealed.salt, revealed.value) === round.premiumHash,
    premiumHash: round.premiumHash,
  };
}
