/**
 * The `membership` contract: membership proposals and votes under the managed service's voting
 * rules. Each function parses its arguments (`lib/inputs.ts`), checks who calls, runs one use case
 * of `lib/` and returns canonical JSON; the rules themselves are pure functions
 * (`voting-rules.ts`, `proposal-rules.ts`).
 *
 * It runs past 400 lines because each of its 22 functions carries its wire contract in TSDoc
 * (arguments, result, every error code); the code itself is under 250 lines.
 */
import { canonicalJson, proposalTally, VOTE_RESULT_FIELD } from '@oracle-consortium/protocol';
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CheckedContract } from '../lib/checked-contract';
import { transientText } from '../lib/context';
import { parseMspId } from '../lib/msp-ids';
import { parsePageSize } from '../lib/pages';
import { readAll } from '../lib/state';
import { requireAdmin, requireCallerMember } from './lib/access';
import {
  getChannelUpdate,
  listChannelUpdates,
  proposeChannelUpdate,
  readChannelState,
  recordChannelUpdateApplied,
  signChannelUpdate,
} from './lib/channel-updates';
import { initialize, requireNotInitialized } from './lib/initialization';
import {
  parseActions,
  parseBase64,
  parseDescription,
  parseFoundingMembers,
  parseInvitationId,
  parseMspDefinitionArg,
  parsePolicy,
  parseProposalId,
  parseSequence,
  parseStatusFilter,
  parseToken,
  parseUpdateId,
  parseVote,
  parseVoteResult,
  parseVotersCast,
  VOTERS_CAST_FIELD,
} from './lib/inputs';
import { acceptInvitation, expireInvitation, rejectInvitation } from './lib/invitations';
import { KEY_TYPES } from './lib/keys';
import { closeProposal, createProposal, listProposals, readProposalDetails } from './lib/proposals';
import {
  loadInvitation,
  loadPolicy,
  loadProposal,
  readMembers,
  readVotes,
  withCurrentCounts,
} from './lib/store';
import { castVote } from './lib/votes';
import type { ChannelChangeRecord, InvitationRecord } from './types';

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
export class MembershipContract extends CheckedContract {
  constructor() {
    super('membership');
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
    await requireNotInitialized(ctx);
    const policy = parsePolicy(policyJson);
    const founders = parseFoundingMembers(foundingMembersJson);
    return canonicalJson(await initialize(ctx, policy, founders));
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
   * @param actionsJson - `{"Invitations":[{"Principal":"Org3MSP","MspDefinition":{"mspId":"Org3MSP","rootCerts":[…],"tlsRootCerts":[…],"nodeOUs":true}}]}`
   *   (an optional `MspDefinitionHash` beside it is checked) or `{"Removals":[{"MemberId":"Org2MSP"}]}`
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
   * @throws ChaincodeError `MSP_DEFINITION_REQUIRED` when an invitation has no `MspDefinition`
   * @throws ChaincodeError `MSP_DEFINITION_MISMATCH` when a definition's `mspId` is not its
   *   `Principal` exactly, or a given `MspDefinitionHash` is not the definition's hash
   * @throws ChaincodeError `INVALID_CERTIFICATE` when a certificate does not parse (PEM or base64 DER)
   * @throws ChaincodeError `NOT_A_CA_CERTIFICATE` when a root or TLS root is not a self-signed CA
   */
  @Transaction()
  @Returns('string')
  async createProposal(
    ctx: Context,
    actionsJson: string,
    description: string,
    clientRequestToken: string,
  ): Promise<string> {
    const policy = await loadPolicy(ctx);
    const request = {
      actions: parseActions(actionsJson),
      description: parseDescription(description),
      token: parseToken(clientRequestToken),
    };
    const proposer = await requireCallerMember(ctx);
    requireAdmin(ctx, 'proposing');
    return canonicalJson(await createProposal(ctx, policy, proposer, request));
  }

  /**
   * Casts the caller's organisation's vote, once and for good, and decides the proposal when the
   * vote settles it: APPROVED (actions applied in this same transaction, or ACTION_FAILED) or
   * REJECTED. A vote at or after the expiration fails with `PROPOSAL_EXPIRED` and writes nothing,
   * so the vote is never mistaken for counted; `closeProposal` then records EXPIRED.
   *
   * A vote that does not decide writes only its own vote key. The optional transient field
   * `votersCast` (a JSON array of MSP ids, as `listProposalVotes` returned them) names the votes the
   * client has seen: only those vote keys are read, so members voting on one proposal at the same
   * moment do not invalidate each other. Without it every vote of the proposal is read, exactly,
   * and a concurrent vote invalidates the transaction. Votes that reach the decision only together
   * are recorded as decided by the next vote or by `closeProposal`.
   *
   * The answer is the whole updated proposal, or with the optional transient field `voteResult`
   * set to `tally` only what a vote changes ({@link ProposalTally}: status, counts, invitations).
   * The answer travels in the transaction to the orderers and every peer, and an invitation's MSP
   * definition makes the whole record kilobytes; a client that read the proposal before voting,
   * as the gateway library does, asks for the tally.
   *
   * @param ctx - the transaction context
   * @param proposalId - the proposal
   * @param vote - `YES` or `NO`
   * @returns the updated {@link ProposalRecord}, or its {@link ProposalTally}, as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed proposal id, `votersCast` or
   *   `voteResult`
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
    const id = parseProposalId(proposalId);
    const value = parseVote(vote);
    const form = parseVoteResult(transientText(ctx, VOTE_RESULT_FIELD));
    // The policy is read only when the vote approves (castVote): before initialisation there are
    // no members, so a caller that is not one learns first whether the contract is initialised.
    const voter = await requireCallerMember(ctx).catch(async (err: unknown) => {
      await loadPolicy(ctx);
      throw err;
    });
    requireAdmin(ctx, 'voting');
    const voters = parseVotersCast(transientText(ctx, VOTERS_CAST_FIELD));
    const next = await castVote(ctx, id, voter, value, voters);
    return canonicalJson(form === 'tally' ? proposalTally(next) : next);
  }

  /**
   * Records the decision an open proposal has reached: EXPIRED once its expiration has passed, or
   * APPROVED (actions applied) or REJECTED when votes cast at the same moment reached it together.
   * Any member's client may call it: it only writes what the rules already decided.
   *
   * @param ctx - the transaction context
   * @param proposalId - the proposal
   * @returns the decided {@link ProposalRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed proposal id
   * @throws ChaincodeError `NOT_A_MEMBER` when the caller's organisation is not a member
   * @throws ChaincodeError `PROPOSAL_NOT_FOUND` for an unknown proposal
   * @throws ChaincodeError `PROPOSAL_CLOSED` when it is already decided or settled
   * @throws ChaincodeError `PROPOSAL_NOT_EXPIRED` before its expiration, while undecided
   */
  @Transaction()
  @Returns('string')
  async closeProposal(ctx: Context, proposalId: string): Promise<string> {
    const policy = await loadPolicy(ctx);
    const id = parseProposalId(proposalId);
    await requireCallerMember(ctx);
    return canonicalJson(await closeProposal(ctx, policy, id));
  }

  /**
   * Accepts an invitation: the invited organisation becomes a member, eligible for proposals
   * created from now on. Only a client of the invited MSP carrying `membership.admin=true` may,
   * and it presents the MSP definition the members voted on (any certificate encoding: it is
   * canonicalised and its hash compared with the invitation's `mspDefinitionHash`).
   *
   * @param ctx - the transaction context
   * @param invitationId - the invitation
   * @param mspDefinitionJson - `{"mspId":"Org3MSP","rootCerts":[PEM…],"tlsRootCerts":[PEM…],"nodeOUs":true}`
   * @returns the ACCEPTED {@link InvitationRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed invitation id or definition
   * @throws ChaincodeError `MSP_DEFINITION_REQUIRED` when the definition argument is empty
   * @throws ChaincodeError `INVALID_CERTIFICATE` when a certificate of the definition does not parse
   * @throws ChaincodeError `NOT_A_CA_CERTIFICATE` when one is not a self-signed CA certificate
   * @throws ChaincodeError `INVITATION_NOT_FOUND` for an unknown invitation
   * @throws ChaincodeError `MSP_DEFINITION_MISMATCH` when the definition is not the one voted on
   * @throws ChaincodeError `NOT_INVITEE` when the caller is not the invited MSP
   * @throws ChaincodeError `NOT_AUTHORIZED` without `membership.admin=true`
   * @throws ChaincodeError `INVITATION_EXPIRED` at or after its expiration
   * @throws ChaincodeError `INVITATION_CLOSED` when it was already accepted or rejected
   * @throws ChaincodeError `IDENTITY_NOT_IN_DEFINITION` when the caller's certificate is not issued
   *   by a root certificate of the voted definition
   * @throws ChaincodeError `ALREADY_A_MEMBER` when the invitee joined by another invitation
   */
  @Transaction()
  @Returns('string')
  async acceptInvitation(
    ctx: Context,
    invitationId: string,
    mspDefinitionJson: string,
  ): Promise<string> {
    await loadPolicy(ctx);
    const id = parseInvitationId(invitationId);
    const definition = parseMspDefinitionArg(mspDefinitionJson);
    return canonicalJson(await acceptInvitation(ctx, id, definition));
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
    await loadPolicy(ctx);
    return canonicalJson(await rejectInvitation(ctx, parseInvitationId(invitationId)));
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
    await loadPolicy(ctx);
    return canonicalJson(await expireInvitation(ctx, parseInvitationId(invitationId)));
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
    return canonicalJson(await loadPolicy(ctx));
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
    await loadPolicy(ctx);
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
    await loadPolicy(ctx);
    return canonicalJson(
      await withCurrentCounts(ctx, await loadProposal(ctx, parseProposalId(proposalId))),
    );
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
    await loadPolicy(ctx);
    const status = parseStatusFilter(statusFilter);
    const size = parsePageSize(pageSize);
    return canonicalJson(await listProposals(ctx, status, size, bookmark));
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
    await loadPolicy(ctx);
    const id = parseProposalId(proposalId);
    await loadProposal(ctx, id);
    return canonicalJson(await readVotes(ctx, id));
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
    await loadPolicy(ctx);
    const id = parseProposalId(proposalId);
    await requireCallerMember(ctx);
    return canonicalJson(await readProposalDetails(ctx, id));
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
    await loadPolicy(ctx);
    return canonicalJson(await loadInvitation(ctx, parseInvitationId(invitationId)));
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
    await loadPolicy(ctx);
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
    await loadPolicy(ctx);
    return canonicalJson(await readAll<ChannelChangeRecord>(ctx, KEY_TYPES.channelChange, []));
  }

  /**
   * Posts the `common.ConfigUpdate` (what `configtxlator compute_update` produced) that carries
   * out an approved channel change, built on channel config sequence `baseSequence`. The update
   * must do exactly what the change says (ADD_ORG: the Application group gains group `mspId` with
   * the voted MSP definition and policies naming only itself; REMOVE_ORG: the group is dropped)
   * and nothing else. Re-posting the same bytes returns the existing record; an update built on a
   * later sequence supersedes the change's current one. Any client of an organisation of the
   * channel may post.
   *
   * @param ctx - the transaction context
   * @param proposalId - the approving proposal (see `listChannelChanges`)
   * @param mspId - the organisation the change adds or removes
   * @param configUpdateBase64 - the ConfigUpdate bytes, standard base64
   * @param baseSequence - the config sequence it was built on, decimal
   * @returns the {@link ChannelUpdateRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed id, base64 or sequence
   * @throws ChaincodeError `NOT_A_MEMBER` when the caller's organisation is not in the channel
   * @throws ChaincodeError `CHANNEL_CHANGE_NOT_FOUND` when no approved change matches
   * @throws ChaincodeError `CHANGE_ALREADY_APPLIED` when the change is carried out already
   * @throws ChaincodeError `STALE_CONFIG_SEQUENCE` when `baseSequence` is below the recorded
   *   sequence or the change's current update's
   * @throws ChaincodeError `INVALID_CONFIG_UPDATE` when the bytes are not a ConfigUpdate
   * @throws ChaincodeError `WRONG_CHANNEL` when the update names another channel
   * @throws ChaincodeError `CONFIG_UPDATE_MISMATCH` when it does anything but the change
   * @throws ChaincodeError `UPDATE_ALREADY_PROPOSED` when another update of the change is built
   *   on the same sequence
   */
  @Transaction()
  @Returns('string')
  async proposeChannelUpdate(
    ctx: Context,
    proposalId: string,
    mspId: string,
    configUpdateBase64: string,
    baseSequence: string,
  ): Promise<string> {
    await loadPolicy(ctx);
    const request = {
      proposalId: parseProposalId(proposalId),
      mspId: parseMspId(mspId, 'mspId'),
      configUpdate: parseBase64(configUpdateBase64, 'configUpdate'),
      baseSequence: parseSequence(baseSequence, 'baseSequence'),
    };
    return canonicalJson(await proposeChannelUpdate(ctx, request));
  }

  /**
   * Posts the caller's `common.ConfigSignature` over a channel update: the signature header's
   * creator must be the calling identity itself, an administrator (node OU `admin`) of an
   * organisation of the channel, and the signature ECDSA over SHA-256(signatureHeader ‖
   * configUpdate), low-S, as the ordering service checks it. One signature per organisation;
   * with signatures of more than half of the channel's organisations the update is READY.
   *
   * @param ctx - the transaction context
   * @param updateId - the update
   * @param signatureHeaderBase64 - the `common.SignatureHeader` bytes, standard base64
   * @param signatureBase64 - the DER signature, standard base64
   * @returns the {@link ChannelUpdateRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed id or base64, or a header that does
   *   not decode
   * @throws ChaincodeError `CHANNEL_UPDATE_NOT_FOUND` for an unknown update
   * @throws ChaincodeError `CHANGE_ALREADY_APPLIED` when the update is applied
   * @throws ChaincodeError `STALE_CONFIG_SEQUENCE` when it was superseded or the channel moved on
   * @throws ChaincodeError `SIGNER_NOT_CALLER` when the header's creator is not the caller
   * @throws ChaincodeError `NOT_A_MEMBER` when the caller's organisation is not in the channel
   * @throws ChaincodeError `NOT_AN_ADMIN` when the caller's certificate has no `admin` OU
   * @throws ChaincodeError `ALREADY_SIGNED` when the caller's organisation signed already
   * @throws ChaincodeError `INVALID_CONFIG_SIGNATURE` when the signature does not verify
   */
  @Transaction()
  @Returns('string')
  async signChannelUpdate(
    ctx: Context,
    updateId: string,
    signatureHeaderBase64: string,
    signatureBase64: string,
  ): Promise<string> {
    await loadPolicy(ctx);
    const id = parseUpdateId(updateId);
    const header = parseBase64(signatureHeaderBase64, 'signatureHeader');
    const signature = parseBase64(signatureBase64, 'signature');
    return canonicalJson(await signChannelUpdate(ctx, id, header, signature));
  }

  /**
   * Records that a READY channel update was accepted by the ordering service: the update and its
   * change APPLIED, the chain's config sequence set to `newSequence` and its channel
   * organisations updated. Any client of an organisation of the channel may record it; the member
   * registry is not touched (it follows the votes and invitations).
   *
   * @param ctx - the transaction context
   * @param updateId - the update
   * @param newSequence - the channel config sequence after the update, decimal (its base + 1)
   * @returns the APPLIED {@link ChannelUpdateRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed id or sequence, or a sequence other
   *   than the update's base + 1
   * @throws ChaincodeError `NOT_A_MEMBER` when the caller's organisation is not in the channel
   * @throws ChaincodeError `CHANNEL_UPDATE_NOT_FOUND` for an unknown update
   * @throws ChaincodeError `CHANGE_ALREADY_APPLIED` when recorded at another sequence already
   * @throws ChaincodeError `STALE_CONFIG_SEQUENCE` when it was superseded or the channel moved on
   * @throws ChaincodeError `UPDATE_NOT_READY` without the signatures it needs
   */
  @Transaction()
  @Returns('string')
  async recordChannelUpdateApplied(
    ctx: Context,
    updateId: string,
    newSequence: string,
  ): Promise<string> {
    await loadPolicy(ctx);
    const id = parseUpdateId(updateId);
    const sequence = parseSequence(newSequence, 'newSequence');
    return canonicalJson(await recordChannelUpdateApplied(ctx, id, sequence));
  }

  /**
   * One channel update.
   *
   * @param ctx - the transaction context
   * @param updateId - the update
   * @returns the {@link ChannelUpdateRecord} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a malformed id
   * @throws ChaincodeError `CHANNEL_UPDATE_NOT_FOUND` for an unknown update
   */
  @Transaction(false)
  @Returns('string')
  async getChannelUpdate(ctx: Context, updateId: string): Promise<string> {
    await loadPolicy(ctx);
    return canonicalJson(await getChannelUpdate(ctx, parseUpdateId(updateId)));
  }

  /**
   * A page of channel updates in update id order.
   *
   * @param ctx - the transaction context
   * @param pageSize - decimal 1–100
   * @param bookmark - empty for the first page, else the previous page's bookmark
   * @returns a {@link ChannelUpdatePage} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   * @throws ChaincodeError `MALFORMED_INPUT` for a bad page size
   */
  @Transaction(false)
  @Returns('string')
  async listChannelUpdates(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    await loadPolicy(ctx);
    return canonicalJson(await listChannelUpdates(ctx, parsePageSize(pageSize), bookmark));
  }

  /**
   * The channel as the chain knows it: the config sequence last recorded (`"0"` before any) and
   * the organisations in the channel (founders, plus applied ADD_ORGs, minus applied
   * REMOVE_ORGs), sorted. The sequence is a lower bound of the channel's: config updates made
   * outside this contract (anchor peers, revocation lists) are not recorded here.
   *
   * @param ctx - the transaction context
   * @returns a {@link ChannelConfigState} as JSON
   * @throws ChaincodeError `NOT_INITIALIZED` before initialisation
   */
  @Transaction(false)
  @Returns('string')
  async getChannelConfigState(ctx: Context): Promise<string> {
    await loadPolicy(ctx);
    return canonicalJson(await readChannelState(ctx));
  }
}
