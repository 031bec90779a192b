import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { parseJsonArg, txTimeIso, txTimeMs } from '../lib/context';
import { canonicalJson, toBytes } from '@oracle-consortium/protocol';
import { checkInputSize } from '../lib/limits';
import { CASE_RULE, sameOrganisation } from '../lib/msp-ids';
import { readKeyPage } from '../lib/pages';
import { applyApproval, proposalIdFor, settleIfExpired } from './lib/effects';
import { detailsHash, readPrivateDetails } from './lib/details';
import { initDifferences, initResult } from './lib/initialization';
import { ensure, fail } from './lib/errors';
import {
  parseActions,
  parseDescription,
  parseFoundingMembers,
  parseInvitationId,
  parseMspId,
  parsePageSize,
  parseProposalId,
  parseStatusFilter,
  parseToken,
  parseVote,
} from './lib/inputs';
import { KEY_TYPES, key } from './lib/keys';
import {
  emit,
  readAll,
  readJson,
  readMembers,
  requireAdmin,
  requireCallerMember,
  requireInvitation,
  requirePolicy,
  requireProposal,
  saveInvitation,
  saveProposal,
  writeJson,
} from './lib/store';
import type {
  ChannelChangeRecord,
  InvitationRecord,
  MemberRecord,
  MembershipEventType,
  PendingInitialization,
  ProposalDetails,
  ProposalPage,
  ProposalRecord,
  VoteRecord,
} from './types';
import { MEMBERSHIP_ADMIN_ATTRIBUTE, MEMBERSHIP_PRIVATE_COLLECTION } from './types';
import { decide, expirationMs, requiredYesVotes, validatePolicy } from './voting-rules';

interface StoredDetails {
  proposalId: string;
  salt: string;
  rationale?: string;
  contact?: string;
}

/**
 * Raises `ALREADY_A_MEMBER` when `mspId` names a member, in any case (see `lib/msp-ids.ts`).
 *
 * @param memberIds - the current members
 * @param mspId - the organisation to invite or admit
 * @throws ChaincodeError `ALREADY_A_MEMBER` naming the member's own spelling when it differs
 */
function requireNotMember(memberIds: readonly string[], mspId: string): void {
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
 * Membership proposals with the managed service's voting rules. Members are organisations,
 * named by MSP id; they propose to invite or remove organisations and vote YES or NO, and the
 * ledger decides each proposal by the one voting policy set at initialisation.
 *
 * Every transaction takes string arguments (JSON text for structured input) and returns canonical
 * JSON text. Writes that act for an organisation (initialise, propose, vote, accept or reject an
 * invitation) need a client certificate carrying `membership.admin=true`, so an organisation's
 * application identities cannot vote on its behalf; settling an expired proposal or invitation
 * needs only membership. Reads are open to any client of the channel, except the private details.
 * Every function refuses arguments over 64 KiB or transient data over 68 KiB with
 * `INPUT_TOO_LARGE` (see `lib/limits.ts`).
 *
 * Each transaction emits exactly one event, `MembershipEvent`, whose `types` list everything that
 * happened (for example `["VoteCast","ProposalStatusChanged","InvitationCreated"]`), because
 * Fabric keeps only the last event a transaction sets.
 *
 * @example
 * ```ts
 * // peer chaincode invoke -c '{"function":"membership:voteOnProposal","Args":["p-…","YES"]}'
 * export const contracts = [MembershipContract];
 * ```
 */
@Info({
  title: 'membership',
  description: 'Membership proposals and votes with the managed service voting rules',
})
export class MembershipContract extends Contract {
  constructor() {
    super('membership');
  }

  /**
   * Runs before every transaction function: refuses arguments or transient data beyond the limits
   * of `lib/limits.ts` before anything is parsed, read or written.
   *
   * @param ctx - the transaction context
   * @throws ChaincodeError `INPUT_TOO_LARGE` beyond `MAX_ARGUMENTS_BYTES` or `MAX_TRANSIENT_BYTES`
   */
  override beforeTransaction(ctx: Context): Promise<void> {
    checkInputSize(ctx);
    return Promise.resolve();
  }

  /**
   * Sets the voting policy and seeds the member registry once every founding member agrees: the
   * administrator (`membership.admin=true`) of each founding member calls it with the same policy
   * and founders. The first call records a pending initialisation, each further founder's call
   * confirms it, and the last confirmation writes the policy and the registry (`initialised:
   * true`); until then every other transaction fails with `NOT_INITIALIZED`, naming the founders
   * still to confirm. A single founder initialises with one call. A founder repeating its
   * confirmation gets the pending result again and writes nothing, so a retried submission is
   * harmless.
   *
   * The endorsing peer refuses a founder list that leaves out its own organisation. Under the
   * `membership` definition's MAJORITY endorsement policy a member left out therefore withholds
   * its endorsement, and only a majority of members could found the network without it.
   *
   * @param ctx - the transaction context
   * @param policyJson - `{"ThresholdPercentage":50,"ThresholdComparator":"GREATER_THAN","ProposalDurationInHours":24}`
   * @param foundingMembersJson - a JSON array of MSP ids, for example `["Org1MSP","Org2MSP"]`
   * @returns {@link InitializeResult} as JSON
   * @throws ChaincodeError `ALREADY_INITIALIZED` once every founder has confirmed
   * @throws ChaincodeError `MALFORMED_INPUT` when either argument is not well-formed JSON of its shape
   * @throws ChaincodeError `POLICY_OUT_OF_RANGE` when a policy value is outside its range
   * @throws ChaincodeError `NOT_AUTHORIZED` when the caller is not a founding member's administrator
   * @throws ChaincodeError `INIT_MISMATCH` when the policy or founders differ from the pending ones
   * @throws ChaincodeError `PEER_NOT_FOUNDER` when the founders leave out the endorsing peer's organisation
   */
  @Transaction()
  @Returns('string')
  async initialize(ctx: Context, policyJson: string, foundingMembersJson: string): Promise<string> {
    const existing = await readJson(ctx, key(ctx, KEY_TYPES.policy));
    ensure(
      existing === undefined,
      'ALREADY_INITIALIZED',
      'the membership contract is already initialised',
    );
    const policy = validatePolicy(parseJsonArg(policyJson, 'policy'));
    const founders = parseFoundingMembers(foundingMembersJson);
    const pendingKey = key(ctx, KEY_TYPES.initPending);
    const pending = await readJson<PendingInitialization>(ctx, pendingKey);
    const caller = ctx.clientIdentity.getMSPID();
    ensure(
      (pending?.foundingMembers ?? founders).includes(caller),
      'NOT_AUTHORIZED',
      `only a founding member may initialise, and ${caller} is not among them`,
    );
    requireAdmin(ctx, MEMBERSHIP_ADMIN_ATTRIBUTE, 'initialisation');
    if (pending !== undefined) {
      const differences = initDifferences(pending, policy, founders);
      ensure(
        differences.length === 0,
        'INIT_MISMATCH',
        `every founder must confirm the pending initialisation (confirmed by ${pending.confirmations.join(', ')}) with the same arguments; this call has ${differences.join('; ')}`,
      );
    }
    const peerMsp = ctx.stub.getMspID();
    ensure(
      founders.includes(peerMsp),
      'PEER_NOT_FOUNDER',
      `the founding members leave out ${peerMsp}, whose peer is endorsing; its peers endorse no initialisation without it`,
    );
    if (pending?.confirmations.includes(caller) === true) {
      return canonicalJson(initResult(pending, undefined));
    }
    const state: PendingInitialization = {
      policy,
      foundingMembers: founders,
      confirmations: [...(pending?.confirmations ?? []), caller].sort(),
    };
    if (state.confirmations.length < founders.length) {
      await writeJson(ctx, pendingKey, state);
      const result = initResult(state, undefined);
      emit(ctx, ['InitializationConfirmed'], {
        confirmations: result.confirmations,
        pending: result.pending,
      });
      return canonicalJson(result);
    }
    await writeJson(ctx, key(ctx, KEY_TYPES.policy), policy);
    const joinedDate = txTimeIso(ctx);
    const members: MemberRecord[] = founders.map((mspId) => ({
      mspId,
      joinedDate,
      joinedBy: 'FOUNDING',
    }));
    for (const member of members) {
      await writeJson(ctx, key(ctx, KEY_TYPES.member, member.mspId), member);
    }
    if (pending !== undefined) {
      await ctx.stub.deleteState(pendingKey);
    }
    emit(ctx, ['InitializationConfirmed', 'Initialized', 'MemberAdded'], {
      membersAdded: founders,
      confirmations: state.confirmations,
      pending: [],
    });
    return canonicalJson(initResult(state, members));
  }

  /**
   * Creates a proposal. The eligible voters are the members at this moment; the proposer does not
   * vote automatically. Private details come only as transient data: `rationale`, `contact`
   * (invitations only) and `salt`; they go to the `membershipPrivate` collection and the public
   * record keeps their {@link detailsHash}. A second call with the same token by the same member
   * returns the first proposal (settling it if it has expired) instead of creating another.
   *
   * Under a 100% `GREATER_THAN` policy no proposal can ever be approved, so it is created REJECTED.
   *
   * @param ctx - the transaction context
   * @param actionsJson - `{"Invitations":[{"Principal":"Org3MSP"}]}` or `{"Removals":[{"MemberId":"Org2MSP"}]}`
   * @param description - at most 128 characters
   * @param clientRequestToken - the idempotency token, 1–64 of letters, digits, `.`, `_`, `:`, `-`
   * @returns the {@link ProposalRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for malformed actions, token or transient fields
   * @throws ChaincodeError `MIXED_ACTIONS` when invitations and removals are combined
   * @throws ChaincodeError `EMPTY_ACTIONS` when there is no action
   * @throws ChaincodeError `DUPLICATE_ACTION` when an MSP id is named twice
   * @throws ChaincodeError `DESCRIPTION_TOO_LONG` beyond 128 characters
   * @throws ChaincodeError `NOT_A_MEMBER` when the caller's organisation is not a member
   * @throws ChaincodeError `NOT_AUTHORIZED` without `membership.admin=true`
   * @throws ChaincodeError `TOKEN_REUSED` when the token was used for different actions or description
   * @throws ChaincodeError `ALREADY_A_MEMBER` when an invitee already is a member (MSP ids that
   *   differ only in case name one organisation)
   * @throws ChaincodeError `MEMBER_NOT_FOUND` when a removal names a non-member (a removal must name
   *   the member exactly)
   * @throws ChaincodeError `SALT_REQUIRED` when private details come without a salt
   */
  @Transaction()
  @Returns('string')
  async createProposal(
    ctx: Context,
    actionsJson: string,
    description: string,
    clientRequestToken: string,
  ): Promise<string> {
    const policy = await requirePolicy(ctx);
    const actions = parseActions(actionsJson);
    const text = parseDescription(description);
    const token = parseToken(clientRequestToken);
    const proposer = await requireCallerMember(ctx);
    requireAdmin(ctx, MEMBERSHIP_ADMIN_ATTRIBUTE, 'proposing');

    const tokenKey = key(ctx, KEY_TYPES.token, proposer, token);
    const earlier = await readJson<{ proposalId: string }>(ctx, tokenKey);
    if (earlier !== undefined) {
      const proposal = await requireProposal(ctx, earlier.proposalId);
      ensure(
        canonicalJson(proposal.actions) === canonicalJson(actions) && proposal.description === text,
        'TOKEN_REUSED',
        `token ${token} already created ${proposal.proposalId} with different actions or description`,
      );
      return canonicalJson(await settleIfExpired(ctx, proposal));
    }

    const memberIds = (await readMembers(ctx)).map((m) => m.mspId);
    if ('Invitations' in actions) {
      for (const { Principal } of actions.Invitations) {
        requireNotMember(memberIds, Principal);
      }
    } else {
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
    const details = readPrivateDetails(ctx, 'Invitations' in actions);

    const eligibleVoters = (await readMembers(ctx)).map((m) => m.mspId);
    const required = requiredYesVotes(
      eligibleVoters.length,
      policy.ThresholdPercentage,
      policy.ThresholdComparator,
    );
    const now = txTimeMs(ctx);
    const expiration = expirationMs(now, policy);
    const tally = { yes: 0, no: 0, eligible: eligibleVoters.length };
    const status = decide(tally, required, now, expiration);
    const proposalId = proposalIdFor(ctx.stub.getTxID());
    const creationDate = txTimeIso(ctx);
    const proposal: ProposalRecord = {
      proposalId,
      proposedBy: proposer,
      description: text,
      actions,
      clientRequestToken: token,
      status,
      creationDate,
      expirationDate: new Date(expiration).toISOString(),
      ...(status === 'IN_PROGRESS' ? {} : { statusChangedDate: creationDate }),
      eligibleVoters,
      requiredYesVotes: required,
      yesVoteCount: 0,
      noVoteCount: 0,
      outstandingVoteCount: eligibleVoters.length,
      detailsHash: details === undefined ? null : detailsHash(details.salt, details.fields),
      invitationIds: [],
    };
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
      status === 'IN_PROGRESS' ? ['ProposalCreated'] : ['ProposalCreated', 'ProposalStatusChanged'];
    emit(ctx, types, {
      proposalId,
      status,
      yesVoteCount: 0,
      noVoteCount: 0,
      outstandingVoteCount: proposal.outstandingVoteCount,
    });
    return canonicalJson(proposal);
  }

  /**
   * Casts the caller's organisation's vote, once and for good, and decides the proposal when the
   * vote settles it: APPROVED (actions applied in this same transaction, or ACTION_FAILED) or
   * REJECTED. A vote at or after the expiration fails with `PROPOSAL_EXPIRED` and writes nothing,
   * so the vote is never mistaken for counted; `closeProposal` then records EXPIRED.
   *
   * @param ctx - the transaction context
   * @param proposalId - the proposal
   * @param vote - `YES` or `NO`
   * @returns the updated {@link ProposalRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed proposal id
   * @throws ChaincodeError `INVALID_VOTE` for anything but `YES` or `NO`
   * @throws ChaincodeError `NOT_A_MEMBER` when the caller's organisation is not a current member
   * @throws ChaincodeError `NOT_AUTHORIZED` without `membership.admin=true`
   * @throws ChaincodeError `PROPOSAL_NOT_FOUND` for an unknown proposal
   * @throws ChaincodeError `NOT_ELIGIBLE` when the caller joined after the proposal was created
   * @throws ChaincodeError `PROPOSAL_EXPIRED` at or after the expiration
   * @throws ChaincodeError `PROPOSAL_CLOSED` once the proposal is decided
   * @throws ChaincodeError `ALREADY_VOTED` on a second vote
   */
  @Transaction()
  @Returns('string')
  async voteOnProposal(ctx: Context, proposalId: string, vote: string): Promise<string> {
    const policy = await requirePolicy(ctx);
    const id = parseProposalId(proposalId);
    const value = parseVote(vote);
    const voter = await requireCallerMember(ctx);
    requireAdmin(ctx, MEMBERSHIP_ADMIN_ATTRIBUTE, 'voting');
    const proposal = await requireProposal(ctx, id);
    ensure(
      proposal.eligibleVoters.includes(voter),
      'NOT_ELIGIBLE',
      `${voter} was not a member when ${id} was created`,
    );
    const expiration = Date.parse(proposal.expirationDate);
    const now = txTimeMs(ctx);
    ensure(
      proposal.status !== 'EXPIRED' && (proposal.status !== 'IN_PROGRESS' || now < expiration),
      'PROPOSAL_EXPIRED',
      `${id} expired at ${proposal.expirationDate}; closeProposal records it`,
    );
    ensure(
      proposal.status === 'IN_PROGRESS',
      'PROPOSAL_CLOSED',
      `${id} is already ${proposal.status}`,
    );
    const voteKey = key(ctx, KEY_TYPES.vote, id, voter);
    ensure(
      (await readJson(ctx, voteKey)) === undefined,
      'ALREADY_VOTED',
      `${voter} has already voted on ${id}`,
    );
    const record: VoteRecord = {
      proposalId: id,
      memberId: voter,
      vote: value,
      date: txTimeIso(ctx),
    };
    await writeJson(ctx, voteKey, record);

    const yes = proposal.yesVoteCount + (value === 'YES' ? 1 : 0);
    const no = proposal.noVoteCount + (value === 'NO' ? 1 : 0);
    const eligible = proposal.eligibleVoters.length;
    const decision = decide({ yes, no, eligible }, proposal.requiredYesVotes, now, expiration);
    let next: ProposalRecord = {
      ...proposal,
      yesVoteCount: yes,
      noVoteCount: no,
      outstandingVoteCount: eligible - yes - no,
      status: decision,
      ...(decision === 'IN_PROGRESS' ? {} : { statusChangedDate: record.date }),
    };
    const types: MembershipEventType[] = ['VoteCast'];
    let membersRemoved: string[] | undefined;
    if (decision !== 'IN_PROGRESS') {
      types.push('ProposalStatusChanged');
    }
    if (decision === 'APPROVED') {
      const applied = await applyApproval(ctx, next, policy);
      next = applied.proposal;
      types.push(...applied.types);
      membersRemoved = applied.membersRemoved;
    }
    await saveProposal(ctx, next, proposal.status);
    emit(ctx, types, {
      proposalId: id,
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
    return canonicalJson(next);
  }

  /**
   * Records EXPIRED on an open proposal whose expiration has passed. Any member's client may call
   * it: it only writes what the rules already decided.
   *
   * @param ctx - the transaction context
   * @param proposalId - the proposal
   * @returns the EXPIRED {@link ProposalRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed proposal id
   * @throws ChaincodeError `NOT_A_MEMBER` when the caller's organisation is not a member
   * @throws ChaincodeError `PROPOSAL_NOT_FOUND` for an unknown proposal
   * @throws ChaincodeError `PROPOSAL_CLOSED` when it is already decided or settled
   * @throws ChaincodeError `PROPOSAL_NOT_EXPIRED` before its expiration
   */
  @Transaction()
  @Returns('string')
  async closeProposal(ctx: Context, proposalId: string): Promise<string> {
    await requirePolicy(ctx);
    const id = parseProposalId(proposalId);
    await requireCallerMember(ctx);
    const proposal = await requireProposal(ctx, id);
    ensure(
      proposal.status === 'IN_PROGRESS',
      'PROPOSAL_CLOSED',
      `${id} is already ${proposal.status}`,
    );
    const settled = await settleIfExpired(ctx, proposal);
    ensure(
      settled.status === 'EXPIRED',
      'PROPOSAL_NOT_EXPIRED',
      `${id} is open until ${proposal.expirationDate}`,
    );
    return canonicalJson(settled);
  }

  /**
   * Accepts an invitation: the invited organisation becomes a member, eligible for proposals
   * created from now on. Only a client of the invited MSP carrying `membership.admin=true` may.
   *
   * @param ctx - the transaction context
   * @param invitationId - the invitation
   * @returns the ACCEPTED {@link InvitationRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed invitation id
   * @throws ChaincodeError `INVITATION_NOT_FOUND` for an unknown invitation
   * @throws ChaincodeError `NOT_INVITEE` when the caller is not the invited MSP
   * @throws ChaincodeError `NOT_AUTHORIZED` without `membership.admin=true`
   * @throws ChaincodeError `INVITATION_EXPIRED` at or after its expiration
   * @throws ChaincodeError `INVITATION_CLOSED` when it was already accepted or rejected
   * @throws ChaincodeError `ALREADY_A_MEMBER` when the invitee joined by another invitation
   */
  @Transaction()
  @Returns('string')
  async acceptInvitation(ctx: Context, invitationId: string): Promise<string> {
    const invitation = await this.#openInvitationOfCaller(ctx, invitationId);
    requireNotMember(
      (await readMembers(ctx)).map((m) => m.mspId),
      invitation.principal,
    );
    const date = txTimeIso(ctx);
    const accepted: InvitationRecord = {
      ...invitation,
      status: 'ACCEPTED',
      statusChangedDate: date,
    };
    await saveInvitation(ctx, accepted);
    const member: MemberRecord = {
      mspId: invitation.principal,
      joinedDate: date,
      joinedBy: invitation.invitationId,
    };
    await writeJson(ctx, key(ctx, KEY_TYPES.member, member.mspId), member);
    emit(ctx, ['InvitationStatusChanged', 'MemberAdded'], {
      proposalId: invitation.proposalId,
      invitationId: invitation.invitationId,
      invitationStatus: 'ACCEPTED',
      membersAdded: [member.mspId],
    });
    return canonicalJson(accepted);
  }

  /**
   * Declines an invitation. Only a client of the invited MSP carrying `membership.admin=true` may.
   *
   * @param ctx - the transaction context
   * @param invitationId - the invitation
   * @returns the REJECTED {@link InvitationRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed invitation id
   * @throws ChaincodeError `INVITATION_NOT_FOUND` for an unknown invitation
   * @throws ChaincodeError `NOT_INVITEE` when the caller is not the invited MSP
   * @throws ChaincodeError `NOT_AUTHORIZED` without `membership.admin=true`
   * @throws ChaincodeError `INVITATION_EXPIRED` at or after its expiration
   * @throws ChaincodeError `INVITATION_CLOSED` when it was already accepted or rejected
   */
  @Transaction()
  @Returns('string')
  async rejectInvitation(ctx: Context, invitationId: string): Promise<string> {
    const invitation = await this.#openInvitationOfCaller(ctx, invitationId);
    const rejected: InvitationRecord = {
      ...invitation,
      status: 'REJECTED',
      statusChangedDate: txTimeIso(ctx),
    };
    await saveInvitation(ctx, rejected);
    emit(ctx, ['InvitationStatusChanged'], {
      proposalId: invitation.proposalId,
      invitationId: invitation.invitationId,
      invitationStatus: 'REJECTED',
    });
    return canonicalJson(rejected);
  }

  /**
   * Records EXPIRED on a pending invitation whose expiration has passed. A member's client or the
   * invitee's may call it.
   *
   * @param ctx - the transaction context
   * @param invitationId - the invitation
   * @returns the EXPIRED {@link InvitationRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed invitation id
   * @throws ChaincodeError `INVITATION_NOT_FOUND` for an unknown invitation
   * @throws ChaincodeError `NOT_A_MEMBER` when the caller is neither a member nor the invitee
   * @throws ChaincodeError `INVITATION_CLOSED` when it is no longer pending
   * @throws ChaincodeError `INVITATION_NOT_EXPIRED` before its expiration
   */
  @Transaction()
  @Returns('string')
  async closeInvitation(ctx: Context, invitationId: string): Promise<string> {
    await requirePolicy(ctx);
    const invitation = await requireInvitation(ctx, parseInvitationId(invitationId));
    const caller = ctx.clientIdentity.getMSPID();
    if (caller !== invitation.principal) {
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
    const expired: InvitationRecord = {
      ...invitation,
      status: 'EXPIRED',
      statusChangedDate: txTimeIso(ctx),
    };
    await saveInvitation(ctx, expired);
    emit(ctx, ['InvitationStatusChanged'], {
      proposalId: invitation.proposalId,
      invitationId: invitation.invitationId,
      invitationStatus: 'EXPIRED',
    });
    return canonicalJson(expired);
  }

  /**
   * The voting policy.
   *
   * @param ctx - the transaction context
   * @returns the {@link VotingPolicy} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   */
  @Transaction(false)
  @Returns('string')
  async getPolicy(ctx: Context): Promise<string> {
    return canonicalJson(await requirePolicy(ctx));
  }

  /**
   * The current members, ordered by MSP id.
   *
   * @param ctx - the transaction context
   * @returns a JSON array of {@link MemberRecord}
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   */
  @Transaction(false)
  @Returns('string')
  async listMembers(ctx: Context): Promise<string> {
    await requirePolicy(ctx);
    return canonicalJson(await readMembers(ctx));
  }

  /**
   * One proposal as committed. An open proposal past its expiration still reads IN_PROGRESS until
   * a transaction settles it: a query writes nothing, so it reports the ledger, not a forecast.
   *
   * @param ctx - the transaction context
   * @param proposalId - the proposal
   * @returns the {@link ProposalRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed proposal id
   * @throws ChaincodeError `PROPOSAL_NOT_FOUND` for an unknown proposal
   */
  @Transaction(false)
  @Returns('string')
  async getProposal(ctx: Context, proposalId: string): Promise<string> {
    await requirePolicy(ctx);
    return canonicalJson(await requireProposal(ctx, parseProposalId(proposalId)));
  }

  /**
   * A page of proposals in id order, optionally only those with one status.
   *
   * @param ctx - the transaction context
   * @param statusFilter - empty for all, or one proposal status
   * @param pageSize - decimal 1–100
   * @param bookmark - empty for the first page, else the previous page's bookmark
   * @returns a {@link ProposalPage} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for an unknown status or a bad page size
   */
  @Transaction(false)
  @Returns('string')
  async listProposals(
    ctx: Context,
    statusFilter: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    await requirePolicy(ctx);
    const status = parseStatusFilter(statusFilter);
    const size = parsePageSize(pageSize);
    const page =
      status === undefined
        ? await readKeyPage(ctx, KEY_TYPES.proposal, [], size, bookmark)
        : await readKeyPage(ctx, KEY_TYPES.proposalByStatus, [status], size, bookmark);
    const proposals: ProposalRecord[] = [];
    for (const entry of page.entries) {
      if (status === undefined) {
        proposals.push(JSON.parse(Buffer.from(entry.value).toString('utf8')) as ProposalRecord);
      } else {
        const { attributes } = ctx.stub.splitCompositeKey(entry.key);
        proposals.push(await requireProposal(ctx, attributes[1] ?? ''));
      }
    }
    const result: ProposalPage = { proposals, bookmark: page.bookmark };
    return canonicalJson(result);
  }

  /**
   * The votes cast on a proposal, ordered by member MSP id.
   *
   * @param ctx - the transaction context
   * @param proposalId - the proposal
   * @returns a JSON array of {@link VoteRecord}
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed proposal id
   * @throws ChaincodeError `PROPOSAL_NOT_FOUND` for an unknown proposal
   */
  @Transaction(false)
  @Returns('string')
  async listProposalVotes(ctx: Context, proposalId: string): Promise<string> {
    await requirePolicy(ctx);
    const id = parseProposalId(proposalId);
    await requireProposal(ctx, id);
    return canonicalJson(await readAll<VoteRecord>(ctx, KEY_TYPES.vote, [id]));
  }

  /**
   * A proposal's private details, checked against the public hash. Only current members may read
   * them; the collection's `memberOnlyRead` enforces the same at the peer.
   *
   * @param ctx - the transaction context
   * @param proposalId - the proposal
   * @returns {@link ProposalDetails} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed proposal id
   * @throws ChaincodeError `NOT_A_MEMBER` when the caller's organisation is not a member
   * @throws ChaincodeError `PROPOSAL_NOT_FOUND` for an unknown proposal
   * @throws ChaincodeError `DETAILS_NOT_FOUND` when the proposal was created without details
   * @throws ChaincodeError `DETAILS_UNAVAILABLE` when this peer does not hold them
   * @throws ChaincodeError `DETAILS_HASH_MISMATCH` when they do not match the public hash
   */
  @Transaction(false)
  @Returns('string')
  async getProposalDetails(ctx: Context, proposalId: string): Promise<string> {
    await requirePolicy(ctx);
    const id = parseProposalId(proposalId);
    await requireCallerMember(ctx);
    const proposal = await requireProposal(ctx, id);
    const expected = proposal.detailsHash;
    ensure(expected !== null, 'DETAILS_NOT_FOUND', `${id} was created without private details`);
    let bytes: Uint8Array;
    try {
      bytes = await ctx.stub.getPrivateData(
        MEMBERSHIP_PRIVATE_COLLECTION,
        key(ctx, KEY_TYPES.details, id),
      );
    } catch (err) {
      return fail(
        'DETAILS_UNAVAILABLE',
        `this peer cannot read ${MEMBERSHIP_PRIVATE_COLLECTION}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    ensure(bytes.length > 0, 'DETAILS_UNAVAILABLE', `this peer holds no private details for ${id}`);
    const stored = JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredDetails;
    const actual = detailsHash(stored.salt, {
      rationale: stored.rationale,
      contact: stored.contact,
    });
    ensure(
      actual === expected,
      'DETAILS_HASH_MISMATCH',
      `private details of ${id} do not match the public hash`,
    );
    const result: ProposalDetails = { ...stored, detailsHash: actual };
    return canonicalJson(result);
  }

  /**
   * One invitation as committed (a pending one past its expiration reads PENDING until settled).
   *
   * @param ctx - the transaction context
   * @param invitationId - the invitation
   * @returns the {@link InvitationRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed invitation id
   * @throws ChaincodeError `INVITATION_NOT_FOUND` for an unknown invitation
   */
  @Transaction(false)
  @Returns('string')
  async getInvitation(ctx: Context, invitationId: string): Promise<string> {
    await requirePolicy(ctx);
    return canonicalJson(await requireInvitation(ctx, parseInvitationId(invitationId)));
  }

  /**
   * Invitations in id order, optionally only those to one principal.
   *
   * @param ctx - the transaction context
   * @param principalFilter - empty for all, or an MSP id
   * @returns a JSON array of {@link InvitationRecord}
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed MSP id
   */
  @Transaction(false)
  @Returns('string')
  async listInvitations(ctx: Context, principalFilter: string): Promise<string> {
    await requirePolicy(ctx);
    const principal =
      principalFilter === '' ? undefined : parseMspId(principalFilter, 'principalFilter');
    const all = await readAll<InvitationRecord>(ctx, KEY_TYPES.invitation, []);
    return canonicalJson(
      principal === undefined ? all : all.filter((i) => i.principal === principal),
    );
  }

  /**
   * The channel changes approved actions call for, for tooling to apply (ordered by proposal id,
   * then MSP id).
   *
   * @param ctx - the transaction context
   * @returns a JSON array of {@link ChannelChangeRecord}
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   */
  @Transaction(false)
  @Returns('string')
  async listChannelChanges(ctx: Context): Promise<string> {
    await requirePolicy(ctx);
    return canonicalJson(await readAll<ChannelChangeRecord>(ctx, KEY_TYPES.channelChange, []));
  }

  async #openInvitationOfCaller(ctx: Context, invitationId: string): Promise<InvitationRecord> {
    await requirePolicy(ctx);
    const invitation = await requireInvitation(ctx, parseInvitationId(invitationId));
    const caller = ctx.clientIdentity.getMSPID();
    ensure(
      caller === invitation.principal,
      'NOT_INVITEE',
      `invitation ${invitation.invitationId} is for ${invitation.principal}, not ${caller}`,
    );
    requireAdmin(ctx, MEMBERSHIP_ADMIN_ATTRIBUTE, 'answering an invitation');
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
}
