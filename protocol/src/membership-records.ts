/**
 * The records the `membership` contract writes to the ledger and returns as canonical JSON, and
 * the payload of its one event. Field names follow the managed service's API where the contract
 * mirrors it (`ThresholdPercentage`, `Invitations`); dates are ISO-8601 strings taken from
 * transaction timestamps.
 */
import type { MspDefinition } from './msp-definition';

/** How YES votes are compared with the threshold percentage of all members. */
export type ThresholdComparator = 'GREATER_THAN' | 'GREATER_THAN_OR_EQUAL_TO';

/** The comparators a policy may name, in the order the managed service documents them. */
export const THRESHOLD_COMPARATORS: readonly ThresholdComparator[] = [
  'GREATER_THAN',
  'GREATER_THAN_OR_EQUAL_TO',
];

/**
 * The network's voting policy. Field names follow the managed service's
 * `ApprovalThresholdPolicy`; it is set once, at initialisation, and never changed.
 */
export interface VotingPolicy {
  /** Percentage (integer 0–100) of all members that must vote YES. */
  readonly ThresholdPercentage: number;
  /** Whether YES votes must exceed, or may equal, the percentage. */
  readonly ThresholdComparator: ThresholdComparator;
  /** How long a proposal, and an invitation, stays open (integer 1–168). */
  readonly ProposalDurationInHours: number;
}

/** A proposal's status; the managed service's five values. */
export type ProposalStatus = 'IN_PROGRESS' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'ACTION_FAILED';

/** Every {@link ProposalStatus}, for validating a list filter. */
export const PROPOSAL_STATUSES: readonly ProposalStatus[] = [
  'IN_PROGRESS',
  'APPROVED',
  'REJECTED',
  'EXPIRED',
  'ACTION_FAILED',
];

/** A member's vote. */
export type VoteValue = 'YES' | 'NO';

/** An invitation's status; `ACCEPTING` from the managed service has no meaning on a ledger. */
export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED';

/**
 * Invite one principal: an MSP id and the MSP definition the channel will give it, so the vote
 * is on a concrete organisation. The managed service names an account as `Principal`; here the
 * principal is the MSP id, and `MspDefinition` (its `mspId` spelled exactly as `Principal`) is
 * what makes it one organisation rather than a name anyone could claim.
 */
export interface InviteAction {
  /** The MSP id the invited organisation will use. */
  readonly Principal: string;
  /** The definition the channel will get, in canonical form (base64 DER, sorted). */
  readonly MspDefinition: MspDefinition;
  /** `mspDefinitionHash` of `MspDefinition`: what the invitee must present again. */
  readonly MspDefinitionHash: string;
}

/** Remove one member, named by its MSP id. */
export interface RemoveAction {
  /** The member's MSP id. */
  readonly MemberId: string;
}

/**
 * A proposal's actions, shaped like the managed service's `ProposalActions`: invitations or
 * removals, never both, never neither.
 */
export type ProposalActions =
  | {
      /** The principals to invite. */
      readonly Invitations: readonly InviteAction[];
    }
  | {
      /** The members to remove. */
      readonly Removals: readonly RemoveAction[];
    };

/** One member of the network, keyed by MSP id. */
export interface MemberRecord {
  /** Its MSP id. */
  readonly mspId: string;
  /** When the member joined: initialisation or the accepting transaction. */
  readonly joinedDate: string;
  /** `FOUNDING` for founding members, otherwise the accepted invitation's id. */
  readonly joinedBy: string;
}

/** A proposal as the public ledger holds it. */
export interface ProposalRecord {
  /** The proposal id. */
  readonly proposalId: string;
  /** The proposer's MSP id. */
  readonly proposedBy: string;
  /** Up to 128 characters. */
  readonly description: string;
  /** What it proposes. */
  readonly actions: ProposalActions;
  /** The idempotency token it was created with. */
  readonly clientRequestToken: string;
  /** Its status. */
  readonly status: ProposalStatus;
  /** Creation time. */
  readonly creationDate: string;
  /** When voting closes. */
  readonly expirationDate: string;
  /** When the status last left IN_PROGRESS; absent while open. */
  readonly statusChangedDate?: string;
  /** Why an approved action could not be applied; only with ACTION_FAILED. */
  readonly actionFailureReason?: string;
  /** MSP ids of the members when the proposal was created, sorted: the only eligible voters. */
  readonly eligibleVoters: readonly string[];
  /** YES votes needed. */
  readonly requiredYesVotes: number;
  /** YES votes so far. */
  readonly yesVoteCount: number;
  /** NO votes so far. */
  readonly noVoteCount: number;
  /** Eligible voters yet to vote. */
  readonly outstandingVoteCount: number;
  /** Hex SHA-256 of the salted private details (see `detailsHash`), or null when none were given. */
  readonly detailsHash: string | null;
  /** Ids of the invitations an approval created. */
  readonly invitationIds: readonly string[];
}

/**
 * What a proposal's votes change: its decision, the counts and the invitations an approval
 * created. The fields of {@link ProposalRecord} fixed at creation (actions, description, dates,
 * eligible voters) are left out, so a vote answering with it carries a few hundred bytes where the
 * whole record, with the invited MSP definitions, carries kilobytes.
 */
export type ProposalTally = Pick<
  ProposalRecord,
  | 'proposalId'
  | 'status'
  | 'statusChangedDate'
  | 'actionFailureReason'
  | 'requiredYesVotes'
  | 'yesVoteCount'
  | 'noVoteCount'
  | 'outstandingVoteCount'
  | 'invitationIds'
>;

/**
 * The optional transient field of `voteOnProposal` that chooses its answer: `"proposal"` (also
 * when absent) for the whole {@link ProposalRecord}, `"tally"` for its {@link ProposalTally}.
 * Every transaction a vote sends through the network carries its answer to the orderers and to
 * every peer, so a client that already holds the proposal asks for the tally.
 */
export const VOTE_RESULT_FIELD = 'voteResult';

/** The answers `voteOnProposal` can give, named by {@link VOTE_RESULT_FIELD}, the default first. */
export const VOTE_RESULT_FORMS = ['proposal', 'tally'] as const;

/** One of {@link VOTE_RESULT_FORMS}. */
export type VoteResultForm = (typeof VOTE_RESULT_FORMS)[number];

/**
 * Whether a text names one of the vote's answers.
 *
 * @param text - e.g. the value of the {@link VOTE_RESULT_FIELD} transient field
 * @returns `true` for a member of {@link VOTE_RESULT_FORMS}
 */
export function isVoteResultForm(text: string): text is VoteResultForm {
  return (VOTE_RESULT_FORMS as readonly string[]).includes(text);
}

/**
 * The tally of a proposal record.
 *
 * @param proposal - the record
 * @returns the fields a vote can change, and the id
 */
export function proposalTally(proposal: ProposalRecord): ProposalTally {
  return {
    proposalId: proposal.proposalId,
    status: proposal.status,
    ...(proposal.statusChangedDate === undefined
      ? {}
      : { statusChangedDate: proposal.statusChangedDate }),
    ...(proposal.actionFailureReason === undefined
      ? {}
      : { actionFailureReason: proposal.actionFailureReason }),
    requiredYesVotes: proposal.requiredYesVotes,
    yesVoteCount: proposal.yesVoteCount,
    noVoteCount: proposal.noVoteCount,
    outstandingVoteCount: proposal.outstandingVoteCount,
    invitationIds: proposal.invitationIds,
  };
}

/**
 * The decision a proposal's counters settle whatever the time: APPROVED once its YES votes reach
 * the requirement, REJECTED once its YES and outstanding votes together no longer can, otherwise
 * none (it stays open until more votes or its expiration). The contract decides by this rule; a
 * client uses it to see that an open proposal's votes, counted afresh, have decided it.
 *
 * @param counts - the required YES votes and the YES and outstanding counts
 * @returns `APPROVED`, `REJECTED` or `undefined`
 */
export function decisionByVotes(
  counts: Pick<ProposalRecord, 'requiredYesVotes' | 'yesVoteCount' | 'outstandingVoteCount'>,
): 'APPROVED' | 'REJECTED' | undefined {
  if (counts.yesVoteCount >= counts.requiredYesVotes) return 'APPROVED';
  if (counts.yesVoteCount + counts.outstandingVoteCount < counts.requiredYesVotes) {
    return 'REJECTED';
  }
  return undefined;
}

/** One cast vote, a key of its own. */
export interface VoteRecord {
  /** The proposal. */
  readonly proposalId: string;
  /** The voting member. */
  readonly memberId: string;
  /** Its vote. */
  readonly vote: VoteValue;
  /** When it voted. */
  readonly date: string;
}

/** An invitation created by an approved proposal. */
export interface InvitationRecord {
  /** The invitation id. */
  readonly invitationId: string;
  /** The proposal that created it. */
  readonly proposalId: string;
  /** The invited MSP id; only a client of this MSP may accept or reject. */
  readonly principal: string;
  /** The voted MSP definition, canonical; what a member's agent adds to the channel. */
  readonly mspDefinition: MspDefinition;
  /** Its `mspDefinitionHash`; accepting must present a definition with this hash. */
  readonly mspDefinitionHash: string;
  /** Its status. */
  readonly status: InvitationStatus;
  /** Creation time. */
  readonly creationDate: string;
  /** Expiry. */
  readonly expirationDate: string;
  /** Last status change. */
  readonly statusChangedDate?: string;
}

/**
 * Where a channel change stands: approved and waiting for an update (`PENDING_CHANNEL_UPDATE`), an
 * update posted on the chain and collecting signatures (`UPDATE_PROPOSED`), or carried out on the
 * channel (`APPLIED`).
 */
export type ChannelChangeStatus = 'PENDING_CHANNEL_UPDATE' | 'UPDATE_PROPOSED' | 'APPLIED';

/** A channel configuration change an approved action calls for, for tooling to apply. */
export interface ChannelChangeRecord {
  /** Add or remove an organisation. */
  readonly action: 'ADD_ORG' | 'REMOVE_ORG';
  /** The organisation. */
  readonly mspId: string;
  /** The deciding proposal. */
  readonly proposalId: string;
  /** With ADD_ORG: the voted MSP definition, canonical, for building the config update. */
  readonly mspDefinition?: MspDefinition;
  /** With ADD_ORG: its `mspDefinitionHash`. */
  readonly mspDefinitionHash?: string;
  /** Where it stands. */
  readonly status: ChannelChangeStatus;
  /** When it was recorded. */
  readonly createdDate: string;
  /** The current config update carrying it out, once one was posted. */
  readonly updateId?: string;
  /** With APPLIED: the channel config sequence the update produced (decimal). */
  readonly appliedSequence?: string;
}

/**
 * A channel config update's status: collecting admins' signatures, READY once a majority of the
 * channel's organisations signed (the Application group's `MAJORITY Admins` mod_policy), APPLIED
 * once a member recorded that the ordering service accepted it, SUPERSEDED when a newer update of
 * the same change (built on a later config sequence) replaced it.
 */
export type ChannelUpdateStatus = 'COLLECTING_SIGNATURES' | 'READY' | 'APPLIED' | 'SUPERSEDED';

/** Every {@link ChannelUpdateStatus}. */
export const CHANNEL_UPDATE_STATUSES: readonly ChannelUpdateStatus[] = [
  'COLLECTING_SIGNATURES',
  'READY',
  'APPLIED',
  'SUPERSEDED',
];

/** One organisation admin's `common.ConfigSignature` over a config update, as posted on chain. */
export interface ChannelUpdateSignature {
  /** The signing organisation. */
  readonly mspId: string;
  /** The `common.SignatureHeader` bytes, base64. */
  readonly signatureHeader: string;
  /** The DER ECDSA signature over SHA-256(signatureHeader ‖ configUpdate), base64. */
  readonly signature: string;
  /** When it was posted. */
  readonly signedDate: string;
}

/**
 * A `common.ConfigUpdate` posted on the chain to carry out one channel change, with the
 * signatures collected for it. Whoever broadcasts it wraps the bytes and the signatures in a
 * `ConfigUpdateEnvelope` unchanged.
 */
export interface ChannelUpdateRecord {
  /** Lowercase hex SHA-256 of the ConfigUpdate bytes. */
  readonly updateId: string;
  /** The proposal that approved the change. */
  readonly proposalId: string;
  /** The organisation added or removed. */
  readonly mspId: string;
  /** What the update does. */
  readonly action: 'ADD_ORG' | 'REMOVE_ORG';
  /** The channel config sequence it was computed against (decimal). */
  readonly baseSequence: string;
  /** The `common.ConfigUpdate` bytes, base64. */
  readonly configUpdate: string;
  /** The MSP id of the member that posted it. */
  readonly proposedBy: string;
  /** When it was posted. */
  readonly proposedDate: string;
  /** The signatures so far, one per organisation, ordered by MSP id. */
  readonly signatures: readonly ChannelUpdateSignature[];
  /** Signatures needed: more than half of the channel's organisations when it was posted. */
  readonly required: number;
  /** Its status. */
  readonly status: ChannelUpdateStatus;
  /** With APPLIED: the channel config sequence it produced (decimal). */
  readonly appliedSequence?: string;
}

/** One page of `listChannelUpdates`. */
export interface ChannelUpdatePage {
  /** The updates of this page, in update id order. */
  readonly updates: readonly ChannelUpdateRecord[];
  /** Pass back to read the next page; empty when this is the last. */
  readonly bookmark: string;
}

/**
 * The channel as the chain knows it: the config sequence last recorded by
 * `recordChannelUpdateApplied` (`"0"` before any) and the organisations in the channel (the
 * founders, plus applied ADD_ORG changes, minus applied REMOVE_ORG changes), sorted.
 */
export interface ChannelConfigState {
  /**
   * The config sequence (decimal) after the last channel update the contract recorded applied: a
   * lower bound of the channel's own. Config updates made outside the contract (a member setting
   * its anchor peers in `member create`, a CA's revocation list published by `network.sh crl`)
   * move the channel ahead of it; read the channel's configuration for its current sequence, as
   * the governance agents do.
   */
  readonly sequence: string;
  /** The organisations in the channel, sorted. */
  readonly organizations: readonly string[];
}

/** A proposal's private details as a member reads them back. */
export interface ProposalDetails {
  /** The proposal. */
  readonly proposalId: string;
  /** The salt of the commitment. */
  readonly salt: string;
  /** Why it was proposed. */
  readonly rationale?: string;
  /** The invitee's contact. */
  readonly contact?: string;
  /** The public hash, recomputed and found equal. */
  readonly detailsHash: string;
}

/** What `initialize` returns. */
export interface InitializeResult {
  /** True once every founding member confirmed: the policy and registry are then written. */
  readonly initialised: boolean;
  /** The policy set, or awaiting confirmation. */
  readonly policy: VotingPolicy;
  /** The founding members' MSP ids, sorted. */
  readonly foundingMembers: readonly string[];
  /** The founders that have confirmed, sorted; all of them once initialised. */
  readonly confirmations: readonly string[];
  /** The founders that still have to confirm, sorted; empty once initialised. */
  readonly pending: readonly string[];
  /** The member registry; empty until initialised. */
  readonly members: readonly MemberRecord[];
}

/** One page of `listProposals`. */
export interface ProposalPage {
  /** The proposals of this page. */
  readonly proposals: readonly ProposalRecord[];
  /** Pass back to read the next page; empty when this is the last. */
  readonly bookmark: string;
}

/** What happened in a transaction, listed in the single event it emits. */
export type MembershipEventType =
  | 'InitializationConfirmed'
  | 'Initialized'
  | 'ProposalCreated'
  | 'VoteCast'
  | 'ProposalStatusChanged'
  | 'InvitationCreated'
  | 'InvitationStatusChanged'
  | 'MemberAdded'
  | 'MemberRemoved'
  | 'ChannelUpdateProposed'
  | 'ChannelUpdateSigned'
  | 'ChannelUpdateReady'
  | 'ChannelChangeApplied';

/**
 * The payload of the one {@link MEMBERSHIP_EVENT} a transaction emits. Fabric keeps a single
 * event per transaction (the last `setEvent` wins), so a vote that also decides the proposal
 * reports `['VoteCast', 'ProposalStatusChanged', …]` in one payload rather than three events.
 */
export interface MembershipEvent {
  /** Everything that happened, in order. */
  readonly types: readonly MembershipEventType[];
  /** The transaction. */
  readonly txId: string;
  /** Its timestamp. */
  readonly date: string;
  /** The proposal concerned. */
  readonly proposalId?: string;
  /** Its status now. */
  readonly status?: ProposalStatus;
  /** Its status before. */
  readonly previousStatus?: ProposalStatus;
  /** YES votes. */
  readonly yesVoteCount?: number;
  /** NO votes. */
  readonly noVoteCount?: number;
  /** Votes outstanding. */
  readonly outstandingVoteCount?: number;
  /** Who voted. */
  readonly voter?: string;
  /** How. */
  readonly vote?: VoteValue;
  /** The invitation concerned. */
  readonly invitationId?: string;
  /** Its status now. */
  readonly invitationStatus?: InvitationStatus;
  /** Invitations created. */
  readonly invitationIds?: readonly string[];
  /** Members added. */
  readonly membersAdded?: readonly string[];
  /** Members removed. */
  readonly membersRemoved?: readonly string[];
  /** With `InitializationConfirmed`: the founders that have confirmed so far. */
  readonly confirmations?: readonly string[];
  /** With `InitializationConfirmed`: the founders that still have to. */
  readonly pending?: readonly string[];
  /** With the channel update events: the update concerned. */
  readonly updateId?: string;
  /** With the channel update events: the organisation added or removed. */
  readonly mspId?: string;
  /** With the channel update events: the update's status now. */
  readonly updateStatus?: ChannelUpdateStatus;
  /** With `ChannelUpdateProposed`: the update it replaced, now SUPERSEDED. */
  readonly supersededUpdateId?: string;
  /** With `ChannelUpdateSigned`: the organisation that signed. */
  readonly signer?: string;
  /** With `ChannelChangeApplied`: the new channel config sequence (decimal). */
  readonly appliedSequence?: string;
}

/** The name of the single event every membership transaction emits. */
export const MEMBERSHIP_EVENT = 'MembershipEvent';
