/**
 * The invitation use cases: the invitee accepting or declining, and anyone concerned recording
 * that an invitation expired.
 */
import {
  mspDefinitionHash,
  parseCertificate,
  type Certificate,
  type MspDefinition,
} from '@oracle-consortium/protocol';
import type { Context } from 'fabric-contract-api';
import { txTimeIso, txTimeMs } from '../../lib/context';
import { ensure } from '../../lib/errors';
import type { InvitationRecord, InvitationStatus, MemberRecord } from '../types';
import { requireAdmin, requireCallerMember } from './access';
import { requireNotMember } from './proposals';
import { emit, loadInvitation, readMembers, saveInvitation, saveMember } from './store';

/**
 * An invitation the caller may answer now: addressed to the caller's MSP, answered by its
 * administrator, pending and not expired. When accepting, the presented definition must be the
 * voted one; it is compared first, like an argument, because the voted hash is public anyway.
 *
 * @param ctx - the transaction context
 * @param invitationId - the invitation
 * @param definition - the definition presented, when accepting
 * @returns the pending invitation
 * @throws ChaincodeError `INVITATION_NOT_FOUND`, `MSP_DEFINITION_MISMATCH`, `NOT_INVITEE`,
 *   `NOT_AUTHORIZED`, `INVITATION_EXPIRED`, `INVITATION_CLOSED`
 */
async function loadOpenInvitationOfCaller(
  ctx: Context,
  invitationId: string,
  definition?: MspDefinition,
): Promise<InvitationRecord> {
  const invitation = await loadInvitation(ctx, invitationId);
  if (definition !== undefined) {
    const presented = mspDefinitionHash(definition);
    ensure(
      presented === invitation.mspDefinitionHash,
      'MSP_DEFINITION_MISMATCH',
      `invitation ${invitation.invitationId} was voted for the ${invitation.principal} definition with hash ${invitation.mspDefinitionHash}; the definition presented (${definition.mspId}) hashes to ${presented}`,
    );
  }
  const caller = ctx.clientIdentity.getMSPID();
  ensure(
    caller === invitation.principal,
    'NOT_INVITEE',
    `invitation ${invitation.invitationId} is for ${invitation.principal}, not ${caller}`,
  );
  requireAdmin(ctx, 'answering an invitation');
  ensure(
    invitation.status !== 'EXPIRED' &&
      (invitation.status !== 'PENDING' || txTimeMs(ctx) < Date.parse(invitation.expirationDate)),
    'INVITATION_EXPIRED',
    `invitation ${invitation.invitationId} expired at ${invitation.expirationDate}`,
  );
  ensure(
    invitation.status === 'PENDING',
    'INVITATION_CLOSED',
    `invitation ${invitation.invitationId} is already ${invitation.status}`,
  );
  return invitation;
}

/**
 * Writes an invitation's new status and announces it.
 *
 * @param ctx - the transaction context
 * @param invitation - the invitation as stored
 * @param status - the new status
 * @param member - the member the invitation admits, when accepted
 * @returns the updated invitation
 */
async function closeWith(
  ctx: Context,
  invitation: InvitationRecord,
  status: Exclude<InvitationStatus, 'PENDING'>,
  member?: MemberRecord,
): Promise<InvitationRecord> {
  const closed: InvitationRecord = { ...invitation, status, statusChangedDate: txTimeIso(ctx) };
  await saveInvitation(ctx, closed);
  if (member !== undefined) {
    await saveMember(ctx, member);
  }
  emit(
    ctx,
    member === undefined ? ['InvitationStatusChanged'] : ['InvitationStatusChanged', 'MemberAdded'],
    {
      proposalId: invitation.proposalId,
      invitationId: invitation.invitationId,
      invitationStatus: status,
      ...(member === undefined ? {} : { membersAdded: [member.mspId] }),
    },
  );
  return closed;
}

/**
 * Whether the caller's certificate was issued by a root of the voted definition. Presenting the
 * voted definition proves nothing on its own (it is public); a certificate issued by one of its
 * roots shows that the caller belongs to the organisation the members voted on, even if an MSP
 * of that id reached the channel some other way.
 *
 * @param ctx - the transaction context
 * @param invitation - the invitation being accepted
 * @throws ChaincodeError `IDENTITY_NOT_IN_DEFINITION` otherwise
 */
function requireIssuedByVotedRoot(ctx: Context, invitation: InvitationRecord): void {
  let caller: Certificate | undefined;
  try {
    caller = parseCertificate(Buffer.from(ctx.clientIdentity.getIDBytes()));
  } catch {
    caller = undefined;
  }
  const issued =
    caller !== undefined &&
    invitation.mspDefinition.rootCerts.some((der) => {
      const root = parseCertificate(Buffer.from(der, 'base64'));
      return caller.checkIssued(root) && caller.verify(root.publicKey);
    });
  ensure(
    issued,
    'IDENTITY_NOT_IN_DEFINITION',
    `the caller's certificate (${ctx.clientIdentity.getID()}) is not issued by a root certificate of the ${invitation.principal} definition voted for invitation ${invitation.invitationId}`,
  );
}

/**
 * Accepts an invitation: the invitee, presenting the MSP definition that was voted on, becomes a
 * member, eligible for proposals created from now on.
 *
 * @param ctx - the transaction context
 * @param invitationId - the invitation
 * @param definition - the definition presented, canonical
 * @returns the ACCEPTED invitation
 * @throws ChaincodeError the codes of the invitation check, `IDENTITY_NOT_IN_DEFINITION` and
 *   `ALREADY_A_MEMBER`
 */
export async function acceptInvitation(
  ctx: Context,
  invitationId: string,
  definition: MspDefinition,
): Promise<InvitationRecord> {
  const invitation = await loadOpenInvitationOfCaller(ctx, invitationId, definition);
  requireIssuedByVotedRoot(ctx, invitation);
  requireNotMember(
    (await readMembers(ctx)).map((m) => m.mspId),
    invitation.principal,
  );
  return closeWith(ctx, invitation, 'ACCEPTED', {
    mspId: invitation.principal,
    joinedDate: txTimeIso(ctx),
    joinedBy: invitation.invitationId,
  });
}

/**
 * Declines an invitation.
 *
 * @param ctx - the transaction context
 * @param invitationId - the invitation
 * @returns the REJECTED invitation
 * @throws ChaincodeError the codes of the invitation check
 */
export async function rejectInvitation(
  ctx: Context,
  invitationId: string,
): Promise<InvitationRecord> {
  return closeWith(ctx, await loadOpenInvitationOfCaller(ctx, invitationId), 'REJECTED');
}

/**
 * Records EXPIRED on a pending invitation whose expiration has passed; a member's client or the
 * invitee's may.
 *
 * @param ctx - the transaction context
 * @param invitationId - the invitation
 * @returns the EXPIRED invitation
 * @throws ChaincodeError `INVITATION_NOT_FOUND`, `NOT_A_MEMBER`, `INVITATION_CLOSED`,
 *   `INVITATION_NOT_EXPIRED`
 */
export async function expireInvitation(
  ctx: Context,
  invitationId: string,
): Promise<InvitationRecord> {
  const invitation = await loadInvitation(ctx, invitationId);
  if (ctx.clientIdentity.getMSPID() !== invitation.principal) {
    await requireCallerMember(ctx);
  }
  ensure(
    invitation.status === 'PENDING',
    'INVITATION_CLOSED',
    `invitation ${invitation.invitationId} is already ${invitation.status}`,
  );
  ensure(
    txTimeMs(ctx) >= Date.parse(invitation.expirationDate),
    'INVITATION_NOT_EXPIRED',
    `invitation ${invitation.invitationId} is open until ${invitation.expirationDate}`,
  );
  return closeWith(ctx, invitation, 'EXPIRED');
}
