/**
 * Premium subscriptions: granting and revoking a member's access to a feed's premium values.
 */
import type { Context } from 'fabric-contract-api';
import { txTimeSeconds } from '../../lib/context';
import { ensure } from '../../lib/errors';
import { CASE_RULE, sameOrganisation } from '../../lib/msp-ids';
import type { FeedRecord, SubscriptionRecord } from '../types';
import { subscriptionKey } from './keys';
import { readSubscription, readSubscriptions } from './store';
import { writeJson } from '../../lib/state';

/**
 * Subscribes a member to a feed's premium values from the next report on.
 *
 * @param ctx - the transaction context
 * @param feed - the administered feed
 * @param msp - the member to subscribe
 * @returns the subscription
 * @throws ChaincodeError `MALFORMED_INPUT` for the owner itself (in any case), which always has
 *   access
 * @throws ChaincodeError `ALREADY_SUBSCRIBED` for a subscriber, in any case
 */
export async function grantSubscription(
  ctx: Context,
  feed: FeedRecord,
  msp: string,
): Promise<SubscriptionRecord> {
  ensure(
    sameOrganisation([feed.owner], msp) === undefined,
    'MALFORMED_INPUT',
    `${msp} owns feed ${feed.feedId}${msp === feed.owner ? '' : ` as ${feed.owner}`}`,
  );
  const subscribers = await readSubscriptions(ctx, feed.feedId);
  const existing = sameOrganisation(
    subscribers.map((s) => s.mspId),
    msp,
  );
  ensure(
    existing === undefined,
    'ALREADY_SUBSCRIBED',
    existing === msp
      ? `${msp} is subscribed to ${feed.feedId}`
      : `${msp} is subscribed to ${feed.feedId} as ${String(existing)} (${CASE_RULE})`,
  );
  const record: SubscriptionRecord = {
    feedId: feed.feedId,
    mspId: msp,
    grantedAt: txTimeSeconds(ctx),
  };
  await writeJson(ctx, subscriptionKey(ctx, feed.feedId, msp), record);
  return record;
}

/**
 * Ends a member's subscription: later rounds' premium values are no longer written to it.
 *
 * @param ctx - the transaction context
 * @param feed - the administered feed
 * @param msp - the member
 * @returns the removed subscription
 * @throws ChaincodeError `NOT_SUBSCRIBED`
 */
export async function revokeSubscription(
  ctx: Context,
  feed: FeedRecord,
  msp: string,
): Promise<SubscriptionRecord> {
  const existing = await readSubscription(ctx, feed.feedId, msp);
  ensure(existing !== undefined, 'NOT_SUBSCRIBED', `${msp} is not subscribed to ${feed.feedId}`);
  await ctx.stub.deleteState(subscriptionKey(ctx, feed.feedId, msp));
  return existing;
}
