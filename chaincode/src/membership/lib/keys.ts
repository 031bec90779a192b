/**
 * Ledger keys. Every key is composite with a `membership.` object type so it can never collide
 * with another contract of the same chaincode. There is one key per proposal, per vote, per
 * member and per invitation, and no global counter: votes on different proposals never touch a
 * common key, so they never conflict.
 */
import type { Context } from 'fabric-contract-api';

/** The object types, one per record kind. */
export const KEY_TYPES = {
  policy: 'membership.policy',
  initPending: 'membership.initPending',
  member: 'membership.member',
  proposal: 'membership.proposal',
  proposalByStatus: 'membership.proposalByStatus',
  vote: 'membership.vote',
  token: 'membership.token',
  invitation: 'membership.invitation',
  channelChange: 'membership.channelChange',
  details: 'membership.details',
  channelUpdate: 'membership.channelUpdate',
  channelState: 'membership.channelState',
} as const;

/**
 * Builds a composite key.
 *
 * @param ctx - the transaction context
 * @param type - one of {@link KEY_TYPES}
 * @param attributes - the key's attributes
 * @returns the key
 */
export function key(ctx: Context, type: string, ...attributes: string[]): string {
  return ctx.stub.createCompositeKey(type, attributes);
}
