/**
 * The vote use case: record a member's vote, tally the proposal's votes, decide, and apply an
 * approval in the same transaction.
 */
import type { Context } from 'fabric-contract-api';
import { txTimeIso, txTimeMs } from '../../lib/context';
import { writeJson } from '../../lib/state';
import { applyTally, checkVote, tally } from '../proposal-rules';
import type { MembershipEventType, ProposalRecord, VoteRecord, VoteValue } from '../types';
import type { VotingPolicy } from '../voting-rules';
import { applyApproval } from './effects';
import { KEY_TYPES, key } from './keys';
import { emit, loadProposal, readVotes, saveProposal } from './store';

/**
 * Casts a member's vote, once and for good, and decides the proposal when the vote settles it.
 *
 * @param ctx - the transaction context
 * @param policy - the voting policy
 * @param proposalId - the proposal
 * @param voter - the voting member (checked to be a member with the admin attribute)
 * @param value - `YES` or `NO`
 * @returns the updated proposal
 * @throws ChaincodeError `PROPOSAL_NOT_FOUND`, and the codes of `checkVote`
 */
export async function castVote(
  ctx: Context,
  policy: VotingPolicy,
  proposalId: string,
  voter: string,
  value: VoteValue,
): Promise<ProposalRecord> {
  const proposal = await loadProposal(ctx, proposalId);
  const votes = await readVotes(ctx, proposalId);
  const now = txTimeMs(ctx);
  checkVote(proposal, votes, voter, now);
  const record: VoteRecord = { proposalId, memberId: voter, vote: value, date: txTimeIso(ctx) };
  await writeJson(ctx, key(ctx, KEY_TYPES.vote, proposalId, voter), record);

  let next = applyTally(proposal, tally([...votes, record], proposal.eligibleVoters), now);
  const types: MembershipEventType[] = ['VoteCast'];
  let membersRemoved: string[] | undefined;
  if (next.status !== 'IN_PROGRESS') {
    types.push('ProposalStatusChanged');
  }
  if (next.status === 'APPROVED') {
    const applied = await applyApproval(ctx, next, policy);
    next = applied.proposal;
    types.push(...applied.types);
    membersRemoved = applied.membersRemoved;
  }
  await saveProposal(ctx, next, proposal.status);
  emit(ctx, types, {
    proposalId,
    status: next.status,
    previousStatus: proposal.status,
    voter,
    vote: value,
    yesVoteCount: next.yesVoteCount,
    noVoteCount: next.noVoteCount,
    outstandingVoteCount: next.outstandingVoteCount,
    ...(next.invitationIds.length > 0 ? { invitationIds: next.invitationIds } : {}),
    ...(membersRemoved === undefined ? {} : { membersRemoved }),
  });
  return next;
}
