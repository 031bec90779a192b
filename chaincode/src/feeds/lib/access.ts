/**
 * Who may do what. A feed is administered by its owner MSP's clients whose certificate carries
 * the Fabric CA attribute `feeds.admin=true` (enrol with `--id.attrs 'feeds.admin=true:ecert'`).
 * The attribute is the only admin signal: `hf.Type` or OU roles are deliberately not consulted, so
 * an org can have peer admins who cannot touch feeds and feed admins who are not peer admins.
 */
import type { Context } from 'fabric-contract-api';
import { ensure } from '../../lib/errors';
import type { FeedRecord } from '../types';

/** The CA attribute that marks a feed administrator. */
export const ADMIN_ATTRIBUTE = 'feeds.admin';

/**
 * Whether the caller carries `feeds.admin=true`.
 *
 * @param ctx - the transaction context
 * @returns true for an admin
 */
export function isAdmin(ctx: Context): boolean {
  return ctx.clientIdentity.assertAttributeValue(ADMIN_ATTRIBUTE, 'true');
}

/**
 * Requires the caller to be an admin of some member (to create a feed).
 *
 * @param ctx - the transaction context
 * @throws ChaincodeError `FORBIDDEN` without `feeds.admin=true`
 */
export function requireAdmin(ctx: Context): void {
  ensure(
    isAdmin(ctx),
    'FORBIDDEN',
    `caller of ${ctx.clientIdentity.getMSPID()} lacks attribute ${ADMIN_ATTRIBUTE}=true`,
  );
}

/**
 * Requires the caller to be an admin of the feed's owner.
 *
 * @param ctx - the transaction context
 * @param feed - the feed
 * @throws ChaincodeError `FORBIDDEN` when the caller is of another MSP or is not an admin
 */
export function requireFeedAdmin(ctx: Context, feed: FeedRecord): void {
  const msp = ctx.clientIdentity.getMSPID();
  ensure(
    msp === feed.owner,
    'FORBIDDEN',
    `feed ${feed.feedId} is owned by ${feed.owner}, not ${msp}`,
  );
  requireAdmin(ctx);
}

/**
 * Requires the caller to belong to the feed's owner: the owner transmits its feed's reports, the
 * way an OCR aggregator accepts `transmit` only from registered transmitters. This stops another
 * member from front-running the owner's report and taking the round before its premium value.
 *
 * @param ctx - the transaction context
 * @param feed - the feed
 * @throws ChaincodeError `FORBIDDEN` when the caller is of another MSP
 */
export function requireOwnerMember(ctx: Context, feed: FeedRecord): void {
  const msp = ctx.clientIdentity.getMSPID();
  ensure(
    msp === feed.owner,
    'FORBIDDEN',
    `reports for feed ${feed.feedId} are transmitted by ${feed.owner}, not ${msp}`,
  );
}
