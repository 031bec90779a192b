import { randomUUID } from 'node:crypto';
import type { Connection } from '../connection/connection';
import {
  VOTE_RESULT_FIELD,
  decisionByVotes,
  type ProposalTally,
} from '@oracle-consortium/protocol';
import { ConsortiumError, ContractError, isReadConflict } from '../errors';
import {
  contractErrorGuard,
  evaluateJson,
  randomHex32,
  submitJson,
  type Committed,
  type ContractTarget,
} from './lib/contract';
import {
  MEMBERSHIP_ERROR_CODES,
  type ChannelChange,
  type ChannelConfigState,
  type ChannelUpdate,
  type ChannelUpdatePage,
  type InitializeResult,
  type Invitation,
  type Member,
  type MembershipErrorCode,
  type MspDefinition,
  type Proposal,
  type ProposalDetails,
  type ProposalInput,
  type ProposalPage,
  type ProposalStatus,
  type Vote,
  type VoteRecord,
  type VotingPolicy,
} from './membership-types';

/** How many times a vote invalidated by a concurrent vote on the same proposal is cast. */
const VOTE_ATTEMPTS = 3;

/**
 * Whether a failed `closeProposal` means the decision was recorded by someone else: the contract
 * found the proposal already decided (`PROPOSAL_CLOSED`), or the close was invalidated by a write
 * committed after it read (another client's close or deciding vote). Any other failure, an unmet
 * endorsement policy among them, recorded nothing.
 *
 * @param err - what `closeProposal` threw
 * @returns true when a fresh read shows the decision recorded
 */
export function closedElsewhere(err: unknown): boolean {
  return (
    (err instanceof ContractError && err.chaincodeCode === 'PROPOSAL_CLOSED') || isReadConflict(err)
  );
}

/**
 * A proposal as a vote left it: the fields fixed at creation from the record read before the vote,
 * the rest from the vote's answer (its tally, or a whole record from a contract that answers so).
 *
 * @param before - the proposal read before voting
 * @param tally - the vote's answer
 * @returns the proposal after the vote
 */
function withTally(before: Proposal, tally: ProposalTally): Proposal {
  const after: Proposal = { ...before, ...tally };
  // Present in the record only once the status left IN_PROGRESS: a tally without them has none.
  if (!('statusChangedDate' in tally))
    delete (after as { statusChangedDate?: string }).statusChangedDate;
  if (!('actionFailureReason' in tally))
    delete (after as { actionFailureReason?: string }).actionFailureReason;
  return after;
}

/** Options of {@link newMembershipClient}. */
export interface MembershipClientOptions {
  /** The connection to send calls through. */
  readonly connection: Connection;
  /**
   * Chaincode name as deployed; `membership` when absent. The membership contract has a chaincode
   * definition of its own, endorsed by a majority of members, so no single member can forge votes.
   */
  readonly chaincodeName?: string;
  /** Contract name inside the chaincode; `membership` when absent. */
  readonly contractName?: string;
}

/** A chaincode rejection from the `membership` contract. */
export type MembershipError = ContractError<MembershipErrorCode>;

/** A created proposal with the salt of its private details, when it carries any. */
export interface ProposalCreated extends Committed<Proposal> {
  /** The details' salt; keep it to prove the details later. */
  readonly salt?: string;
}

/**
 * Typed access to every transaction of the `membership` contract. Acting for an organisation
 * (initialise, propose, vote, accept, reject) needs an identity with `membership.admin=true`.
 * Chaincode rejections are {@link MembershipError}s.
 */
export interface MembershipClient {
  /**
   * Confirms the voting policy and founding members for the caller's organisation. The contract
   * is initialised when the administrator of every founding member has called this with the same
   * policy and founders; until then `initialised` is false and `pending` lists who has yet to.
   * Repeating a confirmation returns the pending result again.
   *
   * @param policy - the voting policy
   * @param foundingMembers - MSP ids, the caller's among them
   * @returns the policy, founders, confirmations so far and, once initialised, the members
   * @throws MembershipError `ALREADY_INITIALIZED`, `MALFORMED_INPUT`, `POLICY_OUT_OF_RANGE`,
   *   `NOT_AUTHORIZED`, `INIT_MISMATCH` (arguments differ from the pending initialisation),
   *   `PEER_NOT_FOUNDER` (the founders leave out a member whose peers endorse)
   */
  initialize(
    policy: Readonly<VotingPolicy>,
    foundingMembers: readonly string[],
  ): Promise<Committed<InitializeResult>>;
  /**
   * Creates a proposal (idempotent per token and member); rationale, contact and salt go as
   * transient data and only their salted hash reaches the public ledger.
   *
   * @param input - actions, description, token and private details
   * @returns the proposal, and the salt when details were given
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `MIXED_ACTIONS`, `EMPTY_ACTIONS`,
   *   `DUPLICATE_ACTION`, `DESCRIPTION_TOO_LONG`, `NOT_A_MEMBER`, `NOT_AUTHORIZED`, `TOKEN_REUSED`,
   *   `ALREADY_A_MEMBER`, `MEMBER_NOT_FOUND`, `SALT_REQUIRED`, `MSP_DEFINITION_REQUIRED`,
   *   `MSP_DEFINITION_MISMATCH` (the definition names another MSP id, or the hash given is not its
   *   hash), `INVALID_CERTIFICATE`, `NOT_A_CA_CERTIFICATE`
   */
  createProposal(input: Readonly<ProposalInput>): Promise<ProposalCreated>;
  /**
   * Casts the caller's organisation's vote. It first reads the votes already cast
   * (`listProposalVotes`) and names them to the contract, which then reads only those, so members
   * voting on one proposal at the same moment do not invalidate each other. It reads the proposal
   * at the same time and asks the contract to answer with the tally only, so the transaction does
   * not carry the proposal's invited MSP definitions to every peer.
   *
   * The contract counts only the votes named, so votes cast at the same moment, or committed on
   * other members' peers before this client's peer had them, are not in the vote's own tally, and
   * together they may have decided the proposal while each vote left it open. When the vote leaves
   * it open, the client therefore reads it again (its counters are counted from every vote key,
   * and its peer now holds every block up to the vote's) and, if those votes decide it, records
   * the decision with {@link MembershipClient.closeProposal}, as another member's client may do
   * at the same moment (either record stands). If recording fails, the proposal is returned as
   * read: still open, its counters showing the decision, which the next vote or a
   * `closeProposal` records; if the read fails, as the vote answered.
   *
   * @param proposalId - the proposal
   * @param vote - `YES` or `NO`
   * @returns the vote's transaction, and the proposal after it (decided, when the votes counted
   *   afresh decided it)
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `INVALID_VOTE`, `NOT_A_MEMBER`,
   *   `NOT_AUTHORIZED`, `PROPOSAL_NOT_FOUND`, `NOT_ELIGIBLE`, `PROPOSAL_EXPIRED`, `PROPOSAL_CLOSED`,
   *   `ALREADY_VOTED`
   * @throws TransactionError `COMMIT_FAILED` with `MVCC_READ_CONFLICT` or `PHANTOM_READ_CONFLICT`
   *   when the proposal was decided under this vote three times in a row (each lost attempt is
   *   voted again)
   */
  voteOnProposal(proposalId: string, vote: Vote): Promise<Committed<Proposal>>;
  /**
   * Records the decision an open proposal has reached: EXPIRED after its expiration, or APPROVED
   * or REJECTED when votes cast at the same moment reached it together.
   *
   * @param proposalId - the proposal
   * @returns the decided proposal
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `NOT_A_MEMBER`,
   *   `PROPOSAL_NOT_FOUND`, `PROPOSAL_CLOSED`, `PROPOSAL_NOT_EXPIRED`
   */
  closeProposal(proposalId: string): Promise<Committed<Proposal>>;
  /**
   * Accepts an invitation as the invitee, presenting the MSP definition that was voted on (from
   * `clients.mspDefinitions.fromMspFolder`, for example; any certificate encoding hashes alike).
   *
   * @param invitationId - the invitation
   * @param definition - the invitee's MSP definition
   * @returns the accepted invitation
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `MSP_DEFINITION_REQUIRED`,
   *   `INVALID_CERTIFICATE`, `NOT_A_CA_CERTIFICATE`, `INVITATION_NOT_FOUND`,
   *   `MSP_DEFINITION_MISMATCH` (not the definition voted on), `NOT_INVITEE`, `NOT_AUTHORIZED`,
   *   `INVITATION_EXPIRED`, `INVITATION_CLOSED`, `IDENTITY_NOT_IN_DEFINITION` (the caller's
   *   certificate is not issued by a voted root), `ALREADY_A_MEMBER`
   */
  acceptInvitation(
    invitationId: string,
    definition: Readonly<MspDefinition>,
  ): Promise<Committed<Invitation>>;
  /**
   * Rejects an invitation as the invitee.
   *
   * @param invitationId - the invitation
   * @returns the rejected invitation
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `INVITATION_NOT_FOUND`,
   *   `NOT_INVITEE`, `NOT_AUTHORIZED`, `INVITATION_EXPIRED`, `INVITATION_CLOSED`
   */
  rejectInvitation(invitationId: string): Promise<Committed<Invitation>>;
  /**
   * Records an expired invitation as EXPIRED.
   *
   * @param invitationId - the invitation
   * @returns the expired invitation
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `INVITATION_NOT_FOUND`,
   *   `NOT_A_MEMBER`, `INVITATION_CLOSED`, `INVITATION_NOT_EXPIRED`
   */
  closeInvitation(invitationId: string): Promise<Committed<Invitation>>;
  /**
   * @returns the voting policy
   * @throws MembershipError `NOT_INITIALIZED`
   */
  getPolicy(): Promise<VotingPolicy>;
  /**
   * @returns the members
   * @throws MembershipError `NOT_INITIALIZED`
   */
  listMembers(): Promise<Member[]>;
  /**
   * @param proposalId - the proposal
   * @returns the proposal
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `PROPOSAL_NOT_FOUND`
   */
  getProposal(proposalId: string): Promise<Proposal>;
  /**
   * @param options - optional status filter, page size (1–100, 100 when absent) and bookmark
   * @returns one page of proposals
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`
   */
  listProposals(
    options?: Readonly<{ status?: ProposalStatus; pageSize?: number; bookmark?: string }>,
  ): Promise<ProposalPage>;
  /**
   * @param proposalId - the proposal
   * @returns its votes by member
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `PROPOSAL_NOT_FOUND`
   */
  listProposalVotes(proposalId: string): Promise<VoteRecord[]>;
  /**
   * Reads a proposal's private details (members only, from a peer holding the collection).
   *
   * @param proposalId - the proposal
   * @returns rationale, contact, salt and commitment
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `NOT_A_MEMBER`,
   *   `PROPOSAL_NOT_FOUND`, `DETAILS_NOT_FOUND`, `DETAILS_UNAVAILABLE`, `DETAILS_HASH_MISMATCH`
   */
  getProposalDetails(proposalId: string): Promise<ProposalDetails>;
  /**
   * @param invitationId - the invitation
   * @returns the invitation
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `INVITATION_NOT_FOUND`
   */
  getInvitation(invitationId: string): Promise<Invitation>;
  /**
   * @param principal - an MSP id to filter by; all when absent
   * @returns the invitations
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`
   */
  listInvitations(principal?: string): Promise<Invitation[]>;
  /**
   * @returns the channel changes approved proposals call for
   * @throws MembershipError `NOT_INITIALIZED`
   */
  listChannelChanges(): Promise<ChannelChange[]>;
  /**
   * Posts the `common.ConfigUpdate` (as `configtxlator compute_update` produces it) that carries
   * out an approved channel change, built on channel config sequence `baseSequence`. Posting the
   * same bytes again returns the existing update; an update built on a later sequence supersedes
   * the change's current one. Any client of an organisation of the channel may post.
   *
   * @param proposalId - the approving proposal (from {@link MembershipClient.listChannelChanges})
   * @param mspId - the organisation added or removed
   * @param configUpdate - the ConfigUpdate bytes
   * @param baseSequence - the channel config sequence the update was computed against
   * @returns the update; its `updateId` is the hex SHA-256 of the bytes
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `NOT_A_MEMBER` (the caller's
   *   organisation is not in the channel), `CHANNEL_CHANGE_NOT_FOUND`, `CHANGE_ALREADY_APPLIED`,
   *   `STALE_CONFIG_SEQUENCE`, `INVALID_CONFIG_UPDATE`, `WRONG_CHANNEL`, `CONFIG_UPDATE_MISMATCH`
   *   (the update does anything but the change), `UPDATE_ALREADY_PROPOSED` (another update of the
   *   change on the same sequence)
   */
  proposeChannelUpdate(
    proposalId: string,
    mspId: string,
    configUpdate: Uint8Array,
    baseSequence: bigint | number,
  ): Promise<Committed<ChannelUpdate>>;
  /**
   * Posts the caller's `common.ConfigSignature` over a channel update. The header's creator must
   * be the identity this client submits as, an administrator (node OU `admin`) of an
   * organisation of the channel; the signature is ECDSA over SHA-256(signatureHeader ‖
   * configUpdate), DER, low-S (what Fabric signers produce). A majority of the channel's
   * organisations makes the update READY.
   *
   * @param updateId - the update
   * @param signatureHeader - the `common.SignatureHeader` bytes
   * @param signature - the DER signature
   * @returns the update with the signature added
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `CHANNEL_UPDATE_NOT_FOUND`,
   *   `CHANGE_ALREADY_APPLIED`, `STALE_CONFIG_SEQUENCE` (superseded, or the channel moved on),
   *   `SIGNER_NOT_CALLER`, `NOT_A_MEMBER`, `NOT_AN_ADMIN`, `ALREADY_SIGNED`,
   *   `INVALID_CONFIG_SIGNATURE`
   */
  signChannelUpdate(
    updateId: string,
    signatureHeader: Uint8Array,
    signature: Uint8Array,
  ): Promise<Committed<ChannelUpdate>>;
  /**
   * Records that a READY update was accepted by the ordering service: the update and its change
   * APPLIED, and the chain's channel view at `newSequence` with the organisation added or removed.
   *
   * @param updateId - the update
   * @param newSequence - the channel config sequence after it (its base sequence + 1)
   * @returns the APPLIED update
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT` (also a sequence other than
   *   base + 1), `NOT_A_MEMBER`, `CHANNEL_UPDATE_NOT_FOUND`, `CHANGE_ALREADY_APPLIED`,
   *   `STALE_CONFIG_SEQUENCE`, `UPDATE_NOT_READY`
   */
  recordChannelUpdateApplied(
    updateId: string,
    newSequence: bigint | number,
  ): Promise<Committed<ChannelUpdate>>;
  /**
   * @param updateId - the update
   * @returns the update with its signatures
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`, `CHANNEL_UPDATE_NOT_FOUND`
   */
  getChannelUpdate(updateId: string): Promise<ChannelUpdate>;
  /**
   * @param options - page size (1–100, 100 when absent) and bookmark
   * @returns one page of channel updates, in update id order
   * @throws MembershipError `NOT_INITIALIZED`, `MALFORMED_INPUT`
   */
  listChannelUpdates(
    options?: Readonly<{ pageSize?: number; bookmark?: string }>,
  ): Promise<ChannelUpdatePage>;
  /**
   * @returns the channel as the chain knows it: the recorded config sequence and organisations
   * @throws MembershipError `NOT_INITIALIZED`
   */
  getChannelConfigState(): Promise<ChannelConfigState>;
}

/**
 * Whether an error is a `membership` contract rejection; narrows `chaincodeCode`.
 *
 * @param err - anything caught
 * @returns true for a `ContractError` with a membership code
 */
export const isMembershipError: (err: unknown) => err is MembershipError =
  contractErrorGuard(MEMBERSHIP_ERROR_CODES);

/** A config sequence as the contract takes it: decimal text, which it checks (a fraction or a negative number is refused there with MALFORMED_INPUT). */
function sequenceText(sequence: bigint | number): string {
  return String(sequence);
}

class MembershipClientImpl implements MembershipClient {
  readonly #t: ContractTarget;

  constructor(options: Readonly<MembershipClientOptions>) {
    this.#t = {
      connection: options.connection,
      chaincode: options.chaincodeName ?? 'membership',
      contract: options.contractName ?? 'membership',
    };
  }

  initialize(policy: Readonly<VotingPolicy>, foundingMembers: readonly string[]) {
    return submitJson<InitializeResult>(this.#t, 'initialize', [
      JSON.stringify(policy),
      JSON.stringify(foundingMembers),
    ]);
  }

  async createProposal(input: Readonly<ProposalInput>): Promise<ProposalCreated> {
    const hasDetails = input.rationale !== undefined || input.contact !== undefined;
    const salt = hasDetails ? (input.salt ?? randomHex32()) : input.salt;
    const transient: Record<string, string> = {};
    if (input.rationale !== undefined) transient.rationale = input.rationale;
    if (input.contact !== undefined) transient.contact = input.contact;
    if (salt !== undefined) transient.salt = salt;
    const out = await submitJson<Proposal>(
      this.#t,
      'createProposal',
      [JSON.stringify(input.actions), input.description, input.clientRequestToken ?? randomUUID()],
      Object.keys(transient).length > 0 ? { transientData: transient } : {},
    );
    return hasDetails && salt !== undefined ? { ...out, salt } : out;
  }

  async voteOnProposal(proposalId: string, vote: Vote): Promise<Committed<Proposal>> {
    const cast = await this.#castVote(proposalId, vote);
    if (cast.value.status !== 'IN_PROGRESS') return cast;
    try {
      return { ...cast, value: await this.#recordDecisionReached(proposalId) };
    } catch (err) {
      // The vote is committed whatever happens to the reads and the record after it.
      if (err instanceof ConsortiumError) return cast;
      throw err;
    }
  }

  /**
   * Reads an open proposal afresh and, when its votes decide it, records the decision.
   *
   * @param proposalId - the proposal, which the caller's vote left open
   * @returns the proposal as recorded, or as read when recording failed
   * @throws ConsortiumError when a read fails
   */
  async #recordDecisionReached(proposalId: string): Promise<Proposal> {
    const now = await this.getProposal(proposalId);
    if (now.status !== 'IN_PROGRESS' || decisionByVotes(now) === undefined) return now;
    try {
      return (await this.closeProposal(proposalId)).value;
    } catch (err) {
      // Another member's client recorded it first: the decision stands, and a fresh read shows it.
      return closedElsewhere(err) ? this.getProposal(proposalId) : now;
    }
  }

  async #castVote(proposalId: string, vote: Vote): Promise<Committed<Proposal>> {
    // The vote names the votes this client has seen (votersCast), and the contract then reads only
    // those vote keys, which never change once written: a member voting at the same moment writes
    // a key this vote does not read, so both commit. Only a vote that decides the proposal writes
    // the proposal itself; one invalidated that way (MVCC_READ_CONFLICT, nothing of it committed)
    // is voted again, with the votes read afresh (if it did count, the chaincode answers
    // ALREADY_VOTED).
    //
    // The proposal is read beside the votes, and the vote asks for the tally only (voteResult):
    // the answer travels in the transaction to the orderers and every peer, and the whole record
    // repeats the invited MSP definitions, kilobytes the client already holds. The fields a vote
    // cannot change come from that read. A contract that does not know the field answers with
    // the whole record, which the merge below takes as it is.
    for (let attempt = 1; ; attempt++) {
      try {
        const [seen, before] = await Promise.all([
          this.listProposalVotes(proposalId),
          this.getProposal(proposalId),
        ]);
        const out = await submitJson<ProposalTally>(this.#t, 'voteOnProposal', [proposalId, vote], {
          transientData: {
            votersCast: JSON.stringify(seen.map((v) => v.memberId)),
            [VOTE_RESULT_FIELD]: 'tally',
          },
        });
        return { ...out, value: withTally(before, out.value) };
      } catch (err) {
        // Both codes mean the vote was invalidated by a write committed after it read, and that
        // nothing of it was committed.
        if (!isReadConflict(err) || attempt >= VOTE_ATTEMPTS) throw err;
      }
    }
  }
  closeProposal(proposalId: string) {
    return submitJson<Proposal>(this.#t, 'closeProposal', [proposalId]);
  }
  acceptInvitation(invitationId: string, definition: Readonly<MspDefinition>) {
    return submitJson<Invitation>(this.#t, 'acceptInvitation', [
      invitationId,
      JSON.stringify(definition),
    ]);
  }
  rejectInvitation(invitationId: string) {
    return submitJson<Invitation>(this.#t, 'rejectInvitation', [invitationId]);
  }
  closeInvitation(invitationId: string) {
    return submitJson<Invitation>(this.#t, 'closeInvitation', [invitationId]);
  }
  getPolicy() {
    return evaluateJson<VotingPolicy>(this.#t, 'getPolicy', []);
  }
  listMembers() {
    return evaluateJson<Member[]>(this.#t, 'listMembers', []);
  }
  getProposal(proposalId: string) {
    return evaluateJson<Proposal>(this.#t, 'getProposal', [proposalId]);
  }
  listProposals(
    options?: Readonly<{ status?: ProposalStatus; pageSize?: number; bookmark?: string }>,
  ) {
    return evaluateJson<ProposalPage>(this.#t, 'listProposals', [
      options?.status ?? '',
      String(options?.pageSize ?? 100),
      options?.bookmark ?? '',
    ]);
  }
  listProposalVotes(proposalId: string) {
    return evaluateJson<VoteRecord[]>(this.#t, 'listProposalVotes', [proposalId]);
  }
  getProposalDetails(proposalId: string) {
    return evaluateJson<ProposalDetails>(this.#t, 'getProposalDetails', [proposalId]);
  }
  getInvitation(invitationId: string) {
    return evaluateJson<Invitation>(this.#t, 'getInvitation', [invitationId]);
  }
  listInvitations(principal?: string) {
    return evaluateJson<Invitation[]>(this.#t, 'listInvitations', [principal ?? '']);
  }
  listChannelChanges() {
    return evaluateJson<ChannelChange[]>(this.#t, 'listChannelChanges', []);
  }
  proposeChannelUpdate(
    proposalId: string,
    mspId: string,
    configUpdate: Uint8Array,
    baseSequence: bigint | number,
  ) {
    return submitJson<ChannelUpdate>(this.#t, 'proposeChannelUpdate', [
      proposalId,
      mspId,
      Buffer.from(configUpdate).toString('base64'),
      sequenceText(baseSequence),
    ]);
  }
  signChannelUpdate(updateId: string, signatureHeader: Uint8Array, signature: Uint8Array) {
    return submitJson<ChannelUpdate>(this.#t, 'signChannelUpdate', [
      updateId,
      Buffer.from(signatureHeader).toString('base64'),
      Buffer.from(signature).toString('base64'),
    ]);
  }
  recordChannelUpdateApplied(updateId: string, newSequence: bigint | number) {
    return submitJson<ChannelUpdate>(this.#t, 'recordChannelUpdateApplied', [
      updateId,
      sequenceText(newSequence),
    ]);
  }
  getChannelUpdate(updateId: string) {
    return evaluateJson<ChannelUpdate>(this.#t, 'getChannelUpdate', [updateId]);
  }
  listChannelUpdates(options?: Readonly<{ pageSize?: number; bookmark?: string }>) {
    return evaluateJson<ChannelUpdatePage>(this.#t, 'listChannelUpdates', [
      String(options?.pageSize ?? 100),
      options?.bookmark ?? '',
    ]);
  }
  getChannelConfigState() {
    return evaluateJson<ChannelConfigState>(this.#t, 'getChannelConfigState', []);
  }
}

/**
 * A typed client of the `membership` contract.
 *
 * @param options - the connection, and chaincode and contract names when not the defaults
 * @returns the client
 * @example
 * ```ts
 * const membership = clients.newMembershipClient({ connection: adminConn });
 * const { value: p } = await membership.createProposal({
 *   actions: { Invitations: [{ Principal: 'Org3MSP',
 *     MspDefinition: await clients.mspDefinitions.fromMspFolder('org3/msp', 'Org3MSP') }] },
 *   description: 'invite Org3',
 *   rationale: 'runs two oracle nodes' });
 * await membership.voteOnProposal(p.proposalId, 'YES');
 * ```
 */
export function newMembershipClient(options: Readonly<MembershipClientOptions>): MembershipClient {
  return new MembershipClientImpl(options);
}
