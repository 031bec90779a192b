/**
 * The vote use case: record a member's vote under its own key, tally the proposal's votes, and
 * decide and apply an approval in the same transaction when the tally settles it.
 *
 * A vote that does not decide writes nothing but its own vote key, so two members voting on one
 * proposal at the same moment do not touch a common key. Whether they also read nothing the other
 * writes depends on how the votes already cast are read:
 * - with `voters` (the `votersCast` transient field the library sends, from `listProposalVotes`),
 *   only those members' vote keys are read. A vote is written once, so those reads never
 *   conflict, and concurrent votes by different members both commit.
 * - without it, the proposal's vote range is read, which is exact but which a concurrent vote
 *   invalidates as a phantom read.
 *
 * Counting only the votes it read is sound: once YES votes reach the requirement, or the YES and
 * outstanding votes fall below it, no further vote can change that, so a tally that decides on the
 * votes read decides on all of them. Two concurrent votes that reach the decision only together are
 * both counted, and the decision is recorded by the next vote or by `closeProposal`, which the
 * gateway library calls after a vote that leaves the proposal open when the votes counted afresh
 * decide it, and which every member's governance agent calls on each pass for such proposals.
 */
import type { Context } from 'fabric-contract-api';
import { txTimeIso, txTimeMs } from '../../lib/context';
import { readJson, writeJson } from '../../lib/state';
import { applyTally, checkVote, tally } from '../proposal-rules';
import type { MembershipEventType, ProposalRecord, VoteRecord, VoteValue } from '../types';
import { applyApproval } from './effects';
import { KEY_TYPES, key } from './keys';
import { emit, loadPolicy, loadProposal, readVotes, readVotesOf, saveProposal } from './store';

/**
 * The votes a vote transaction counts: the named voters' and the caller's own (to refuse a second
 * vote), or, without names, every vote of the proposal.
 *
 * @param ctx - the transaction context
 * @param proposalId - the proposal
 * @param voter - the voting member
 * @param voters - the members whose votes the client read, or `undefined`
 * @returns the votes read
 */
async function votesToCount(
  ctx: Context,
  proposalId: string,
  voter: string,
  voters: readonly string[] | undefined,
): Promise<VoteRecord[]> {
  if (voters === undefined) {
    return readVotes(ctx, proposalId);
  }
  const others = await readVotesOf(
    ctx,
    proposalId,
    voters.filter((v) => v !== voter),
  );
  const own = await readJson<VoteRecord>(ctx, key(ctx, KEY_TYPES.vote, proposalId, voter));
  return own === undefined ? others : [...others, own];
}

/**
 * Casts a member's vote, once and for good, and decides the proposal when the vote settles it.
 *
 * The voting policy is read only by a vote that approves (an invitation lasts the policy's proposal
 * duration): a vote that leaves the proposal open or rejects it needs nothing of it, since the
 * proposal carries its eligible voters and the YES votes it needs.
 *
 * @param ctx - the transaction context
 * @param proposalId - the proposal
 * @param voter - the voting member (checked to be a member with the admin attribute)
 * @param value - `YES` or `NO`
 * @param voters - the members whose votes the client read before voting (see the file comment),
 *   or `undefined` to read every vote of the proposal
 * @returns the proposal with the tally of the votes read and this one
 * @throws ChaincodeError `PROPOSAL_NOT_FOUND`, and the codes of `checkVote`
 */
export async function castVote(
  ctx: Context,
  proposalId: string,
  voter: string,
  value: VoteValue,
  voters?: readonly string[],
): Promise<ProposalRecord> {
  const proposal = await loadProposal(ctx, proposalId);
  const votes = await votesToCount(ctx, proposalId, voter, voters);
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
    const applied = await applyApproval(ctx, next, await loadPolicy(ctx));
    next = applied.proposal;
    types.push(...applied.types);
    membersRemoved = applied.membersRemoved;
  }
  // An open proposal's counters are counted from the vote keys when read, so a vote that does not
  // decide leaves the proposal record alone: that shared key is what concurrent votes fought over.
  if (next.status !== 'IN_PROGRESS') {
    await saveProposal(ctx, next, proposal.status);
  }
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
