/**
 * What a decision does to the ledger: applying an approved proposal's actions, and recording a
 * decision no vote recorded (an expiration, or a threshold reached by concurrent votes).
 */
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { txTimeIso, txTimeMs } from '../../lib/context';
import type { InvitationRecord, MembershipEventType, ProposalRecord } from '../types';
import { applyTally, tally } from '../proposal-rules';
import { expirationMs, type VotingPolicy } from '../voting-rules';
import { KEY_TYPES, key } from './keys';
import {
  emit,
  readMember,
  readMembers,
  readVotes,
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
 * Records the decision an open proposal has reached but not recorded: EXPIRED once its expiration
 * has passed, or APPROVED (its actions applied) or REJECTED when votes cast at the same moment
 * reached it together, so that neither vote saw the other (see `votes.ts`). The tally counts every
 * vote of the proposal. An open proposal that is not decided is returned with its current counters
 * and nothing is written; a decided one is returned unchanged.
 *
 * @param ctx - the transaction context
 * @param proposal - the stored proposal
 * @param policy - the voting policy (an invitation lasts the proposal duration)
 * @returns the proposal as it now stands
 */
export async function settleProposal(
  ctx: Context,
  proposal: ProposalRecord,
  policy: VotingPolicy,
): Promise<ProposalRecord> {
  if (proposal.status !== 'IN_PROGRESS') {
    return proposal;
  }
  const counts = tally(await readVotes(ctx, proposal.proposalId), proposal.eligibleVoters);
  let next = applyTally(proposal, counts, txTimeMs(ctx));
  if (next.status === 'IN_PROGRESS') {
    return next;
  }
  const types: MembershipEventType[] = ['ProposalStatusChanged'];
  let membersRemoved: string[] | undefined;
  if (next.status === 'APPROVED') {
    const applied = await applyApproval(ctx, next, policy);
    next = applied.proposal;
    types.push(...applied.types);
    membersRemoved = applied.membersRemoved;
  }
  await saveProposal(ctx, next, proposal.status);
  emit(ctx, types, {
    proposalId: next.proposalId,
    status: next.status,
    previousStatus: proposal.status,
    yesVoteCount: next.yesVoteCount,
    noVoteCount: next.noVoteCount,
    outstandingVoteCount: next.outstandingVoteCount,
    ...(next.invitationIds.length > 0 ? { invitationIds: next.invitationIds } : {}),
    ...(membersRemoved === undefined ? {} : { membersRemoved }),
  });
  return next;
}
