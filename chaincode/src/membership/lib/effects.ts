/**
 * What a decision does to the ledger: applying an approved proposal's actions, and settling an
 * expired proposal.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { txTimeIso, txTimeMs } from '../../lib/context';
import type { InvitationRecord, MembershipEventType, ProposalRecord } from '../types';
import { expiredProposal } from '../proposal-rules';
import { expirationMs, type VotingPolicy } from '../voting-rules';
import { KEY_TYPES, key } from './keys';
import {
  emit,
  readMember,
  readMembers,
  saveChannelChange,
  saveInvitation,
  saveProposal,
} from './store';

/** The outcome of applying an approved proposal. */
export interface Applied {
  /** The proposal, APPROVED or ACTION_FAILED. */
  readonly proposal: ProposalRecord;
  /** What the application did, for the transaction's event. */
  readonly types: MembershipEventType[];
  readonly membersRemoved?: string[];
}

/**
 * The deterministic id of the invitation an approved proposal issues to one principal.
 *
 * @param proposalId - the approved proposal
 * @param principal - the invited MSP id
 * @returns `i-` and the first 16 hex digits of SHA-256(proposalId NUL principal)
 */
export function invitationIdFor(proposalId: string, principal: string): string {
  const digest = createHash('sha256').update(`${proposalId}\u0000${principal}`).digest('hex');
  return `i-${digest.slice(0, 16)}`;
}

/**
 * The deterministic id of the proposal a transaction creates.
 *
 * @param txId - the creating transaction's id
 * @returns `p-` and the first 16 hex digits of SHA-256(txId)
 */
export function proposalIdFor(txId: string): string {
  return `p-${createHash('sha256').update(txId).digest('hex').slice(0, 16)}`;
}

/**
 * Applies an approved proposal's actions, all or none. Every action is checked against the
 * registry first; if any cannot be applied (an invitee already a member, a removal target no
 * longer a member, or removals that would leave the network without members) nothing is applied
 * and the proposal becomes ACTION_FAILED with the reason.
 *
 * @param ctx - the transaction context
 * @param proposal - the proposal, already marked APPROVED with its final counters
 * @param policy - the voting policy (an invitation lasts the proposal duration)
 * @returns the final proposal and what was done
 */
export async function applyApproval(
  ctx: Context,
  proposal: ProposalRecord,
  policy: VotingPolicy,
): Promise<Applied> {
  const date = txTimeIso(ctx);
  const failed = (reason: string): Applied => ({
    proposal: { ...proposal, status: 'ACTION_FAILED', actionFailureReason: reason },
    types: [],
  });
  if ('Invitations' in proposal.actions) {
    const invites = proposal.actions.Invitations;
    for (const { Principal: principal } of invites) {
      if ((await readMember(ctx, principal)) !== undefined) {
        return failed(`${principal} is already a member`);
      }
    }
    const expiration = new Date(expirationMs(txTimeMs(ctx), policy)).toISOString();
    const invitationIds: string[] = [];
    for (const invite of invites) {
      const principal = invite.Principal;
      const invitation: InvitationRecord = {
        invitationId: invitationIdFor(proposal.proposalId, principal),
        proposalId: proposal.proposalId,
        principal,
        mspDefinition: invite.MspDefinition,
        mspDefinitionHash: invite.MspDefinitionHash,
        status: 'PENDING',
        creationDate: date,
        expirationDate: expiration,
      };
      await saveInvitation(ctx, invitation);
      await saveChannelChange(ctx, {
        action: 'ADD_ORG',
        mspId: principal,
        proposalId: proposal.proposalId,
        mspDefinition: invite.MspDefinition,
        mspDefinitionHash: invite.MspDefinitionHash,
        status: 'PENDING_CHANNEL_UPDATE',
        createdDate: date,
      });
      invitationIds.push(invitation.invitationId);
    }
    return { proposal: { ...proposal, invitationIds }, types: ['InvitationCreated'] };
  }
  const targets = proposal.actions.Removals.map((a) => a.MemberId);
  for (const target of targets) {
    if ((await readMember(ctx, target)) === undefined) {
      return failed(`${target} is not a member`);
    }
  }
  const members = await readMembers(ctx);
  if (members.every((m) => targets.includes(m.mspId))) {
    return failed('the removals would leave the network without members');
  }
  for (const target of targets) {
    await ctx.stub.deleteState(key(ctx, KEY_TYPES.member, target));
    await saveChannelChange(ctx, {
      action: 'REMOVE_ORG',
      mspId: target,
      proposalId: proposal.proposalId,
      status: 'PENDING_CHANNEL_UPDATE',
      createdDate: date,
    });
  }
  return { proposal, types: ['MemberRemoved'], membersRemoved: targets };
}

/**
 * Settles an open proposal whose expiration has passed: writes EXPIRED and emits the status
 * change. Anything else is returned unchanged and nothing is written.
 *
 * @param ctx - the transaction context
 * @param proposal - the stored proposal
 * @returns the proposal as it now stands
 */
export async function settleIfExpired(
  ctx: Context,
  proposal: ProposalRecord,
): Promise<ProposalRecord> {
  const settled = expiredProposal(proposal, txTimeMs(ctx));
  if (settled === undefined) {
    return proposal;
  }
  await saveProposal(ctx, settled, proposal.status);
  emit(ctx, ['ProposalStatusChanged'], {
    proposalId: settled.proposalId,
    status: settled.status,
    previousStatus: proposal.status,
    yesVoteCount: settled.yesVoteCount,
    noVoteCount: settled.noVoteCount,
    outstandingVoteCount: settled.outstandingVoteCount,
  });
  return settled;
}
