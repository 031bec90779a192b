/**
 * A proposal's tally and decision as pure functions over its record, its votes and the
 * transaction time: who may still vote, how the votes count against the required number, and
 * what status that gives (approved, rejected early, expired, still open). The use-case modules
 * (`lib/proposals.ts`, `lib/votes.ts`) load the inputs and write the result; nothing here reads
 * the ledger or the clock, so every rule is unit-tested directly.
 *
 * The tally counts a list of votes rather than adjusting stored counters, so it gives the same
 * answer however the votes are stored.
 */
import { ensure } from '../lib/errors';
import type { ProposalRecord, VoteRecord } from './types';
import { decide, type Tally } from './voting-rules';

/** The vote fields a tally reads. */
export type Ballot = Pick<VoteRecord, 'memberId' | 'vote'>;

/**
 * Counts the votes of a proposal's eligible voters.
 *
 * @param votes - the votes cast, in any order
 * @param eligibleVoters - the members eligible when the proposal was created
 * @returns YES and NO votes and the eligible count
 * @throws RangeError for a vote by a member not eligible, or two votes by one member (the
 *   contract refuses both before writing a vote, so either means corrupted input)
 * @example
 * ```ts
 * tally([{ memberId: 'Org1MSP', vote: 'YES' }], ['Org1MSP', 'Org2MSP']); // { yes: 1, no: 0, eligible: 2 }
 * ```
 */
export function tally(votes: readonly Ballot[], eligibleVoters: readonly string[]): Tally {
  const seen = new Set<string>();
  let yes = 0;
  let no = 0;
  for (const { memberId, vote } of votes) {
    if (!eligibleVoters.includes(memberId)) {
      throw new RangeError(`${memberId} voted but is not an eligible voter`);
    }
    if (seen.has(memberId)) {
      throw new RangeError(`${memberId} voted twice`);
    }
    seen.add(memberId);
    if (vote === 'YES') yes += 1;
    else no += 1;
  }
  return { yes, no, eligible: eligibleVoters.length };
}

/**
 * A proposal with a tally applied as of a moment: its counters, and the status {@link decide}
 * gives (APPROVED as soon as YES reaches the required number, REJECTED as soon as it no longer
 * can, EXPIRED at or after the expiration, else IN_PROGRESS). A decided status carries the
 * moment as its `statusChangedDate`.
 *
 * @param proposal - the proposal as stored (or as about to be created)
 * @param counts - the tally of its votes
 * @param nowMs - the transaction time, ms since the epoch
 * @returns the proposal with counters and status set
 * @throws RangeError when the tally is inconsistent (more votes than eligible members)
 */
export function applyTally(proposal: ProposalRecord, counts: Tally, nowMs: number): ProposalRecord {
  const status = decide(
    counts,
    proposal.requiredYesVotes,
    nowMs,
    Date.parse(proposal.expirationDate),
  );
  return {
    ...proposal,
    yesVoteCount: counts.yes,
    noVoteCount: counts.no,
    outstandingVoteCount: counts.eligible - counts.yes - counts.no,
    status,
    ...(status === 'IN_PROGRESS' ? {} : { statusChangedDate: new Date(nowMs).toISOString() }),
  };
}

/**
 * The tally a stored proposal's counters record.
 *
 * @param proposal - the stored proposal
 * @returns its YES and NO counts and eligible voters
 */
export function recordedTally(proposal: ProposalRecord): Tally {
  return {
    yes: proposal.yesVoteCount,
    no: proposal.noVoteCount,
    eligible: proposal.eligibleVoters.length,
  };
}

/**
 * An open proposal whose expiration has passed, as EXPIRED; `undefined` for any other proposal
 * (decided already, or still open), which is then left as it is.
 *
 * @param proposal - the stored proposal
 * @param nowMs - the transaction time, ms since the epoch
 * @returns the EXPIRED proposal, or `undefined`
 */
export function expiredProposal(
  proposal: ProposalRecord,
  nowMs: number,
): ProposalRecord | undefined {
  if (proposal.status !== 'IN_PROGRESS') {
    return undefined;
  }
  const next = applyTally(proposal, recordedTally(proposal), nowMs);
  return next.status === 'EXPIRED' ? next : undefined;
}

/**
 * Checks that a member may vote on a proposal now, in this order: it was eligible when the
 * proposal was created, the proposal has not expired, it is still open, and the member has not
 * voted.
 *
 * @param proposal - the stored proposal
 * @param votes - the votes already cast on it
 * @param voter - the voting member's MSP id
 * @param nowMs - the transaction time, ms since the epoch
 * @throws ChaincodeError `NOT_ELIGIBLE` when the member joined after the proposal was created
 * @throws ChaincodeError `PROPOSAL_EXPIRED` at or after the expiration (also once recorded)
 * @throws ChaincodeError `PROPOSAL_CLOSED` once the proposal is decided
 * @throws ChaincodeError `ALREADY_VOTED` on a second vote
 */
export function checkVote(
  proposal: ProposalRecord,
  votes: readonly Ballot[],
  voter: string,
  nowMs: number,
): void {
  const id = proposal.proposalId;
  ensure(
    proposal.eligibleVoters.includes(voter),
    'NOT_ELIGIBLE',
    `${voter} was not a member when ${id} was created`,
  );
  ensure(
    proposal.status !== 'EXPIRED' &&
      (proposal.status !== 'IN_PROGRESS' || nowMs < Date.parse(proposal.expirationDate)),
    'PROPOSAL_EXPIRED',
    `${id} expired at ${proposal.expirationDate}; closeProposal records it`,
  );
  ensure(
    proposal.status === 'IN_PROGRESS',
    'PROPOSAL_CLOSED',
    `${id} is already ${proposal.status}`,
  );
  ensure(
    !votes.some((v) => v.memberId === voter),
    'ALREADY_VOTED',
    `${voter} has already voted on ${id}`,
  );
}
