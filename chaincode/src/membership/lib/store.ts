/**
 * The membership contract's records in world state: `load*` reads a record that must exist
 * (raising its NOT_FOUND code), `read*` one that may not, `save*` writes one. Values are canonical
 * JSON (`../../lib/state.ts`) so every endorser writes the same bytes.
 */
import type { Context } from 'fabric-contract-api';
import { toBytes } from '@oracle-consortium/protocol';
import type { VotingPolicy } from '../voting-rules';
import type {
  ChannelChangeRecord,
  InvitationRecord,
  MemberRecord,
  MembershipEvent,
  MembershipEventType,
  PendingInitialization,
  ProposalRecord,
  VoteRecord,
} from '../types';
import { MEMBERSHIP_EVENT } from '../types';
import { txTimeIso } from '../../lib/context';
import { fail } from '../../lib/errors';
import { readAll, readJson, writeJson } from '../../lib/state';
import { tally } from '../proposal-rules';
import { KEY_TYPES, key } from './keys';

/**
 * The voting policy; its presence is what "initialised" means. A pending initialisation does not
 * count: the error then names the founders that still have to confirm.
 *
 * @param ctx - the transaction context
 * @returns the policy
 * @throws ChaincodeError `NOT_INITIALIZED` before every founding member has called `initialize`
 */
export async function loadPolicy(ctx: Context): Promise<VotingPolicy> {
  const policy = await readJson<VotingPolicy>(ctx, key(ctx, KEY_TYPES.policy));
  if (policy !== undefined) {
    return policy;
  }
  const pending = await readJson<PendingInitialization>(ctx, key(ctx, KEY_TYPES.initPending));
  if (pending === undefined) {
    return fail('NOT_INITIALIZED', 'the membership contract has not been initialised');
  }
  const waiting = pending.foundingMembers.filter((m) => !pending.confirmations.includes(m));
  return fail(
    'NOT_INITIALIZED',
    `the membership contract is not initialised yet: ${waiting.join(', ')} still ${waiting.length === 1 ? 'has' : 'have'} to confirm initialize (confirmed by ${pending.confirmations.join(', ')})`,
  );
}

/**
 * A member's record, or undefined when the MSP is not a current member.
 *
 * @param ctx - the transaction context
 * @param mspId - the MSP id
 * @returns the record
 */
export function readMember(ctx: Context, mspId: string): Promise<MemberRecord | undefined> {
  return readJson<MemberRecord>(ctx, key(ctx, KEY_TYPES.member, mspId));
}

/**
 * Every current member, ordered by MSP id.
 *
 * @param ctx - the transaction context
 * @returns the member records
 */
export function readMembers(ctx: Context): Promise<MemberRecord[]> {
  return readAll<MemberRecord>(ctx, KEY_TYPES.member, []);
}

/**
 * A proposal record.
 *
 * @param ctx - the transaction context
 * @param proposalId - the proposal id
 * @returns the record
 * @throws ChaincodeError `PROPOSAL_NOT_FOUND` when there is none
 */
export async function loadProposal(ctx: Context, proposalId: string): Promise<ProposalRecord> {
  const proposal = await readJson<ProposalRecord>(ctx, key(ctx, KEY_TYPES.proposal, proposalId));
  return proposal ?? fail('PROPOSAL_NOT_FOUND', `proposal ${proposalId} does not exist`);
}

/**
 * Writes a proposal and keeps its status index in step. The index holds one key per proposal
 * under its current status, so a status filter pages exactly.
 *
 * @param ctx - the transaction context
 * @param proposal - the record to write
 * @param previous - the status the index holds now, or undefined for a new proposal
 */
export async function saveProposal(
  ctx: Context,
  proposal: ProposalRecord,
  previous: ProposalRecord['status'] | undefined,
): Promise<void> {
  await writeJson(ctx, key(ctx, KEY_TYPES.proposal, proposal.proposalId), proposal);
  if (previous !== proposal.status) {
    if (previous !== undefined) {
      await ctx.stub.deleteState(
        key(ctx, KEY_TYPES.proposalByStatus, previous, proposal.proposalId),
      );
    }
    // The value is never read, but an empty value would mean "delete" to the peer.
    await writeJson(
      ctx,
      key(ctx, KEY_TYPES.proposalByStatus, proposal.status, proposal.proposalId),
      {
        proposalId: proposal.proposalId,
      },
    );
  }
}

/**
 * An invitation record.
 *
 * @param ctx - the transaction context
 * @param invitationId - the invitation id
 * @returns the record
 * @throws ChaincodeError `INVITATION_NOT_FOUND` when there is none
 */
export async function loadInvitation(
  ctx: Context,
  invitationId: string,
): Promise<InvitationRecord> {
  const invitation = await readJson<InvitationRecord>(
    ctx,
    key(ctx, KEY_TYPES.invitation, invitationId),
  );
  return invitation ?? fail('INVITATION_NOT_FOUND', `invitation ${invitationId} does not exist`);
}

/**
 * Writes an invitation record.
 *
 * @param ctx - the transaction context
 * @param invitation - the record
 */
export function saveInvitation(ctx: Context, invitation: InvitationRecord): Promise<void> {
  return writeJson(ctx, key(ctx, KEY_TYPES.invitation, invitation.invitationId), invitation);
}

/**
 * Records a channel change an approved action calls for.
 *
 * @param ctx - the transaction context
 * @param change - the change
 */
export function saveChannelChange(ctx: Context, change: ChannelChangeRecord): Promise<void> {
  return writeJson(ctx, key(ctx, KEY_TYPES.channelChange, change.proposalId, change.mspId), change);
}

/**
 * Emits the transaction's single event.
 *
 * @param ctx - the transaction context
 * @param types - what happened, in order
 * @param fields - the details
 */
export function emit(
  ctx: Context,
  types: MembershipEventType[],
  fields: Omit<MembershipEvent, 'types' | 'txId' | 'date'>,
): void {
  const event: MembershipEvent = {
    ...fields,
    types,
    txId: ctx.stub.getTxID(),
    date: txTimeIso(ctx),
  };
  ctx.stub.setEvent(MEMBERSHIP_EVENT, toBytes(event));
}

/**
 * The pending initialisation, if some founders have confirmed and others not yet.
 *
 * @param ctx - the transaction context
 * @returns the pending initialisation, or `undefined`
 */
export function readPendingInitialization(
  ctx: Context,
): Promise<PendingInitialization | undefined> {
  return readJson<PendingInitialization>(ctx, key(ctx, KEY_TYPES.initPending));
}

/**
 * The votes cast on a proposal, ordered by member MSP id.
 *
 * @param ctx - the transaction context
 * @param proposalId - the proposal id
 * @returns the vote records
 */
export function readVotes(ctx: Context, proposalId: string): Promise<VoteRecord[]> {
  return readAll<VoteRecord>(ctx, KEY_TYPES.vote, [proposalId]);
}

/**
 * The votes of the named members on a proposal, read key by key. A vote is written once and never
 * changed, so reading the key of a vote already cast can never conflict with another transaction;
 * a vote cast meanwhile by a member not named is simply not seen (unlike a range read, which a
 * concurrent vote would invalidate as a phantom).
 *
 * @param ctx - the transaction context
 * @param proposalId - the proposal id
 * @param voters - the members whose vote keys to read
 * @returns the votes found, in the order of `voters`
 */
export async function readVotesOf(
  ctx: Context,
  proposalId: string,
  voters: readonly string[],
): Promise<VoteRecord[]> {
  const votes: VoteRecord[] = [];
  for (const voter of voters) {
    const vote = await readJson<VoteRecord>(ctx, key(ctx, KEY_TYPES.vote, proposalId, voter));
    if (vote !== undefined) votes.push(vote);
  }
  return votes;
}

/**
 * A proposal as readers see it. A vote that does not decide writes only its own vote key, so an
 * open proposal's stored counters are those of its last decision-relevant write; they are counted
 * afresh from the vote keys here. A decided proposal's counters were written with its decision.
 *
 * @param ctx - the transaction context
 * @param proposal - the stored proposal
 * @returns the proposal with its counters as its votes give them
 */
export async function withCurrentCounts(
  ctx: Context,
  proposal: ProposalRecord,
): Promise<ProposalRecord> {
  if (proposal.status !== 'IN_PROGRESS') {
    return proposal;
  }
  const counts = tally(await readVotes(ctx, proposal.proposalId), proposal.eligibleVoters);
  return {
    ...proposal,
    yesVoteCount: counts.yes,
    noVoteCount: counts.no,
    outstandingVoteCount: counts.eligible - counts.yes - counts.no,
  };
}

/**
 * Writes a member record.
 *
 * @param ctx - the transaction context
 * @param member - the record
 */
export function saveMember(ctx: Context, member: MemberRecord): Promise<void> {
  return writeJson(ctx, key(ctx, KEY_TYPES.member, member.mspId), member);
}
