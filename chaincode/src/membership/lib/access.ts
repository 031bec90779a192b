/**
 * Who may act for an organisation. Writes that act for one (initialise, propose, vote, answer an
 * invitation) need a client certificate carrying `membership.admin=true`, so an organisation's
 * application identities cannot vote on its behalf; other writes need only membership.
 */
import type { Context } from 'fabric-contract-api';
import { ensure } from '../../lib/errors';
import { MEMBERSHIP_ADMIN_ATTRIBUTE } from '../types';
import { readMember } from './store';

/**
 * Checks that the caller carries `membership.admin=true`.
 *
 * @param ctx - the transaction context
 * @param what - the action, for the error message
 * @throws ChaincodeError `NOT_AUTHORIZED` when the attribute is absent or not `true`
 */
export function requireAdmin(ctx: Context, what: string): void {
  ensure(
    ctx.clientIdentity.assertAttributeValue(MEMBERSHIP_ADMIN_ATTRIBUTE, 'true'),
    'NOT_AUTHORIZED',
    `${what} needs a client certificate carrying ${MEMBERSHIP_ADMIN_ATTRIBUTE}=true`,
  );
}

/**
 * The caller's MSP id, checked to be a current member.
 *
 * @param ctx - the transaction context
 * @returns the caller's MSP id
 * @throws ChaincodeError `NOT_A_MEMBER` when the caller's organisation is not a member
 */
export async function requireCallerMember(ctx: Context): Promise<string> {
  const mspId = ctx.clientIdentity.getMSPID();
  const member = await readMember(ctx, mspId);
  ensure(member !== undefined, 'NOT_A_MEMBER', `${mspId} is not a member of the network`);
  return mspId;
}
