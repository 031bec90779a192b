/**
 * The proposal use cases: creating a proposal (with its private details), settling an expired one,
 * and the reads that need more than one record (a filtered page, the checked private details).
 */
import type { Context } from 'fabric-contract-api';
import { canonicalJson, toBytes } from '@oracle-consortium/protocol';
import { txTimeIso, txTimeMs } from '../../lib/context';
import { ensure, fail } from '../../lib/errors';
import { CASE_RULE, sameOrganisation } from '../../lib/msp-ids';
import { readKeyPage } from '../../lib/pages';
import { readJson, writeJson } from '../../lib/state';
import { applyTally } from '../proposal-rules';
import type {
  MembershipEventType,
  ProposalActions,
  ProposalDetails,
  ProposalPage,
  ProposalRecord,
  ProposalStatus,
} from '../types';
import { MEMBERSHIP_PRIVATE_COLLECTION } from '../types';
import { expirationMs, requiredYesVotes, type VotingPolicy } from '../voting-rules';
import { detailsHash, readPrivateDetails } from './details';
import { proposalIdFor, settleProposal } from './effects';
import { KEY_TYPES, key } from './keys';
import { emit, loadProposal, readMembers, saveProposal, withCurrentCounts } from './store';

/** The private details as the collection stores them. */
interface StoredDetails {
  proposalId: string;
  salt: string;
  rationale?: string;
  contact?: string;
}

/** What `createProposal` receives, parsed. */
export interface ProposalRequest {
  /** The invitations or removals. */
  readonly actions: ProposalActions;
  /** The public description. */
  readonly description: string;
  /** The idempotency token. */
  readonly token: string;
}

/**
 * Raises `ALREADY_A_MEMBER` when `mspId` names a member, in any case (see `lib/msp-ids.ts`).
 *
 * @param memberIds - the current members
 * @param mspId - the organisation to invite or admit
 * @throws ChaincodeError `ALREADY_A_MEMBER` naming the member's own spelling when it differs
 */
export function requireNotMember(memberIds: readonly string[], mspId: string): void {
  const known = sameOrganisation(memberIds, mspId);
  ensure(
    known === undefined,
    'ALREADY_A_MEMBER',
    known === mspId
      ? `${mspId} is already a member`
      : `${mspId} is already a member as ${String(known)} (${CASE_RULE})`,
  );
}

/**
 * Checks every action against the registry: invitees are not members, removal targets are members
 * named exactly.
 *
 * @param actions - the actions
 * @param memberIds - the current members
 * @throws ChaincodeError `ALREADY_A_MEMBER`, `MEMBER_NOT_FOUND`
 */
function checkActions(actions: ProposalActions, memberIds: readonly string[]): void {
  if ('Invitations' in actions) {
    for (const { Principal } of actions.Invitations) {
      requireNotMember(memberIds, Principal);
    }
    return;
  }
  for (const { MemberId } of actions.Removals) {
    const known = sameOrganisation(memberIds, MemberId);
    ensure(
      known === MemberId,
      'MEMBER_NOT_FOUND',
      known === undefined
        ? `${MemberId} is not a member`
        : `${MemberId} is not a member; the member ${known} must be named exactly`,
    );
  }
}

/**
 * Creates a proposal, or returns the one the same token created before (settling it if it has
 * expired).
 *
 * @param ctx - the transaction context
 * @param policy - the voting policy
 * @param proposer - the proposing member
 * @param request - the parsed actions, description and token
 * @returns the proposal
 * @throws ChaincodeError `TOKEN_REUSED`, `ALREADY_A_MEMBER`, `MEMBER_NOT_FOUND`, and the codes of
 *   `readPrivateDetails`
 */
export async function createProposal(
  ctx: Context,
  policy: VotingPolicy,
  proposer: string,
  request: ProposalRequest,
): Promise<ProposalRecord> {
  const { actions, description, token } = request;
  const tokenKey = key(ctx, KEY_TYPES.token, proposer, token);
  const earlier = await readJson<{ proposalId: string }>(ctx, tokenKey);
  if (earlier !== undefined) {
    const proposal = await loadProposal(ctx, earlier.proposalId);
    ensure(
      canonicalJson(proposal.actions) === canonicalJson(actions) &&
        proposal.description === description,
      'TOKEN_REUSED',
      `token ${token} already created ${proposal.proposalId} with different actions or description`,
    );
    return settleProposal(ctx, proposal, policy);
  }

  const eligibleVoters = (await readMembers(ctx)).map((m) => m.mspId);
  checkActions(actions, eligibleVoters);
  const details = readPrivateDetails(ctx, 'Invitations' in actions);
  const now = txTimeMs(ctx);
  const proposalId = proposalIdFor(ctx.stub.getTxID());
  const draft: ProposalRecord = {
    proposalId,
    proposedBy: proposer,
    description,
    actions,
    clientRequestToken: token,
    status: 'IN_PROGRESS',
    creationDate: txTimeIso(ctx),
    expirationDate: new Date(expirationMs(now, policy)).toISOString(),
    eligibleVoters,
    requiredYesVotes: requiredYesVotes(
      eligibleVoters.length,
      policy.ThresholdPercentage,
      policy.ThresholdComparator,
    ),
    yesVoteCount: 0,
    noVoteCount: 0,
    outstandingVoteCount: eligibleVoters.length,
    detailsHash: details === undefined ? null : detailsHash(details.salt, details.fields),
    invitationIds: [],
  };
  // No votes yet: only a requirement no member count can meet (100% GREATER_THAN) decides it.
  const proposal = applyTally(draft, { yes: 0, no: 0, eligible: eligibleVoters.length }, now);
  await saveProposal(ctx, proposal, undefined);
  await writeJson(ctx, tokenKey, { proposalId });
  if (details !== undefined) {
    const stored: StoredDetails = { proposalId, salt: details.salt, ...details.fields };
    await ctx.stub.putPrivateData(
      MEMBERSHIP_PRIVATE_COLLECTION,
      key(ctx, KEY_TYPES.details, proposalId),
      toBytes(stored),
    );
  }
  const types: MembershipEventType[] =
    proposal.status === 'IN_PROGRESS'
      ? ['ProposalCreated']
      : ['ProposalCreated', 'ProposalStatusChanged'];
  emit(ctx, types, {
    proposalId,
    status: proposal.status,
    yesVoteCount: 0,
    noVoteCount: 0,
    outstandingVoteCount: proposal.outstandingVoteCount,
  });
  return proposal;
}

/**
 * Records the decision an open proposal has reached: EXPIRED once its expiration has passed, or
 * APPROVED or REJECTED when concurrent votes reached the threshold together (see `votes.ts`).
 *
 * @param ctx - the transaction context
 * @param policy - the voting policy
 * @param proposalId - the proposal
 * @returns the decided proposal
 * @throws ChaincodeError `PROPOSAL_NOT_FOUND`, `PROPOSAL_CLOSED`, `PROPOSAL_NOT_EXPIRED`
 */
export async function closeProposal(
  ctx: Context,
  policy: VotingPolicy,
  proposalId: string,
): Promise<ProposalRecord> {
  const proposal = await loadProposal(ctx, proposalId);
  ensure(
    proposal.status === 'IN_PROGRESS',
    'PROPOSAL_CLOSED',
    `${proposalId} is already ${proposal.status}`,
  );
  const settled = await settleProposal(ctx, proposal, policy);
  ensure(
    settled.status !== 'IN_PROGRESS',
    'PROPOSAL_NOT_EXPIRED',
    `${proposalId} is open until ${proposal.expirationDate}`,
  );
  return settled;
}

/**
 * A page of proposals in id order, optionally only those with one status (read through the
 * status index, which pages exactly).
 *
 * @param ctx - the transaction context
 * @param status - the status, or `undefined` for all
 * @param pageSize - the most proposals
 * @param bookmark - where to resume, or empty
 * @returns the page
 */
export async function listProposals(
  ctx: Context,
  status: ProposalStatus | undefined,
  pageSize: number,
  bookmark: string,
): Promise<ProposalPage> {
  const page =
    status === undefined
      ? await readKeyPage(ctx, KEY_TYPES.proposal, [], pageSize, bookmark)
      : await readKeyPage(ctx, KEY_TYPES.proposalByStatus, [status], pageSize, bookmark);
  const proposals: ProposalRecord[] = [];
  for (const entry of page.entries) {
    if (status === undefined) {
      const stored = JSON.parse(Buffer.from(entry.value).toString('utf8')) as ProposalRecord;
      proposals.push(await withCurrentCounts(ctx, stored));
    } else {
      const { attributes } = ctx.stub.splitCompositeKey(entry.key);
      proposals.push(await withCurrentCounts(ctx, await loadProposal(ctx, attributes[1] ?? '')));
    }
  }
  return { proposals, bookmark: page.bookmark };
}

/**
 * A proposal's private details from this peer's copy of the collection, checked against the
 * public hash.
 *
 * @param ctx - the transaction context
 * @param proposalId - the proposal
 * @returns the details and their hash
 * @throws ChaincodeError `PROPOSAL_NOT_FOUND`, `DETAILS_NOT_FOUND`, `DETAILS_UNAVAILABLE`,
 *   `DETAILS_HASH_MISMATCH`
 */
export async function readProposalDetails(
  ctx: Context,
  proposalId: string,
): Promise<ProposalDetails> {
  const proposal = await loadProposal(ctx, proposalId);
  const expected = proposal.detailsHash;
  ensure(
    expected !== null,
    'DETAILS_NOT_FOUND',
    `${proposalId} was created without private details`,
  );
  let bytes: Uint8Array;
  try {
    bytes = await ctx.stub.getPrivateData(
      MEMBERSHIP_PRIVATE_COLLECTION,
      key(ctx, KEY_TYPES.details, proposalId),
    );
  } catch (err) {
    return fail(
      'DETAILS_UNAVAILABLE',
      `this peer cannot read ${MEMBERSHIP_PRIVATE_COLLECTION}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  ensure(
    bytes.length > 0,
    'DETAILS_UNAVAILABLE',
    `this peer holds no private details for ${proposalId}`,
  );
  const stored = JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredDetails;
  const actual = detailsHash(stored.salt, { rationale: stored.rationale, contact: stored.contact });
  ensure(
    actual === expected,
    'DETAILS_HASH_MISMATCH',
    `private details of ${proposalId} do not match the public hash`,
  );
  return { ...stored, detailsHash: actual };
}
