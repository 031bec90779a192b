/**
 * The records the membership contract writes to the ledger and returns to clients. Every
 * transaction returns one of these as canonical JSON text; dates are ISO-8601 strings taken
 * from transaction timestamps.
 */
import type { VotingPolicy } from './voting-rules';

/**
 * Every code the membership contract raises, as the `[CODE]` prefix of the error message. Each
 * failure has its own code and a failed transaction writes nothing.
 */
export type MembershipErrorCode =
  | 'NOT_INITIALIZED'
  | 'ALREADY_INITIALIZED'
  | 'INIT_MISMATCH'
  | 'PEER_NOT_FOUNDER'
  | 'POLICY_OUT_OF_RANGE'
  | 'MALFORMED_INPUT'
  | 'NOT_AUTHORIZED'
  | 'NOT_A_MEMBER'
  | 'NOT_ELIGIBLE'
  | 'PROPOSAL_NOT_FOUND'
  | 'ALREADY_VOTED'
  | 'INVALID_VOTE'
  | 'PROPOSAL_CLOSED'
  | 'PROPOSAL_EXPIRED'
  | 'PROPOSAL_NOT_EXPIRED'
  | 'EMPTY_ACTIONS'
  | 'MIXED_ACTIONS'
  | 'DUPLICATE_ACTION'
  | 'DESCRIPTION_TOO_LONG'
  | 'ALREADY_A_MEMBER'
  | 'MEMBER_NOT_FOUND'
  | 'TOKEN_REUSED'
  | 'SALT_REQUIRED'
  | 'DETAILS_NOT_FOUND'
  | 'DETAILS_UNAVAILABLE'
  | 'DETAILS_HASH_MISMATCH'
  | 'INVITATION_NOT_FOUND'
  | 'NOT_INVITEE'
  | 'INVITATION_CLOSED'
  | 'INVITATION_EXPIRED'
  | 'INVITATION_NOT_EXPIRED'
  // Added for issue 14:
  | 'INPUT_TOO_LARGE';

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

/** Invite one principal, named by the MSP id its organisation will use. */
export interface InviteAction {
  readonly Principal: string;
}

/** Remove one member, named by its MSP id. */
export interface RemoveAction {
  readonly MemberId: string;
}

/**
 * A proposal's actions, shaped like the managed service's `ProposalActions`: invitations or
 * removals, never both, never neither.
 */
export type ProposalActions =
  | { readonly Invitations: readonly InviteAction[] }
  | { readonly Removals: readonly RemoveAction[] };

/** One member of the network, keyed by MSP id. */
export interface MemberRecord {
  readonly mspId: string;
  /** When the member joined: initialisation or the accepting transaction. */
  readonly joinedDate: string;
  /** `FOUNDING` for founding members, otherwise the accepted invitation's id. */
  readonly joinedBy: string;
}

/** A proposal as the public ledger holds it. */
export interface ProposalRecord {
  readonly proposalId: string;
  /** The proposer's MSP id. */
  readonly proposedBy: string;
  readonly description: string;
  readonly actions: ProposalActions;
  readonly clientRequestToken: string;
  readonly status: ProposalStatus;
  readonly creationDate: string;
  readonly expirationDate: string;
  /** When the status last left IN_PROGRESS; absent while open. */
  readonly statusChangedDate?: string;
  /** Why an approved action could not be applied; only with ACTION_FAILED. */
  readonly actionFailureReason?: string;
  /** MSP ids of the members when the proposal was created, sorted: the only eligible voters. */
  readonly eligibleVoters: readonly string[];
  readonly requiredYesVotes: number;
  readonly yesVoteCount: number;
  readonly noVoteCount: number;
  readonly outstandingVoteCount: number;
  /** Hex SHA-256 of the salted private details (see `detailsHash`), or null when none were given. */
  readonly detailsHash: string | null;
  /** Ids of the invitations an approval created. */
  readonly invitationIds: readonly string[];
}

/** One cast vote, a key of its own. */
export interface VoteRecord {
  readonly proposalId: string;
  readonly memberId: string;
  readonly vote: VoteValue;
  readonly date: string;
}

/** An invitation created by an approved proposal. */
export interface InvitationRecord {
  readonly invitationId: string;
  readonly proposalId: string;
  /** The invited MSP id; only a client of this MSP may accept or reject. */
  readonly principal: string;
  readonly status: InvitationStatus;
  readonly creationDate: string;
  readonly expirationDate: string;
  readonly statusChangedDate?: string;
}

/** A channel configuration change an approved action calls for, for tooling to apply. */
export interface ChannelChangeRecord {
  readonly action: 'ADD_ORG' | 'REMOVE_ORG';
  readonly mspId: string;
  readonly proposalId: string;
  readonly status: 'PENDING_CHANNEL_UPDATE';
  readonly createdDate: string;
}

/** A proposal's private details as a member reads them back. */
export interface ProposalDetails {
  readonly proposalId: string;
  readonly salt: string;
  readonly rationale?: string;
  readonly contact?: string;
  /** The public hash, recomputed and found equal. */
  readonly detailsHash: string;
}

/**
 * An initialisation some founding members have confirmed and others have not yet: the first
 * `initialize` call records it, each founder's identical call adds a confirmation, and the last
 * one replaces it with the policy and the member registry.
 */
export interface PendingInitialization {
  readonly policy: VotingPolicy;
  /** The founding members' MSP ids, sorted. */
  readonly foundingMembers: readonly string[];
  /** The founders whose administrators have called `initialize`, sorted. */
  readonly confirmations: readonly string[];
}

/** What `initialize` returns. */
export interface InitializeResult {
  /** True once every founding member confirmed: the policy and registry are then written. */
  readonly initialised: boolean;
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
  | 'MemberRemoved';

/**
 * The payload of the one {@link MEMBERSHIP_EVENT} a transaction emits. Fabric keeps a single
 * event per transaction (the last `setEvent` wins), so a vote that also decides the proposal
 * reports `['VoteCast', 'ProposalStatusChanged', …]` in one payload rather than three events.
 */
export interface MembershipEvent {
  readonly types: readonly MembershipEventType[];
  readonly txId: string;
  readonly date: string;
  readonly proposalId?: string;
  readonly status?: ProposalStatus;
  readonly previousStatus?: ProposalStatus;
  readonly yesVoteCount?: number;
  readonly noVoteCount?: number;
  readonly outstandingVoteCount?: number;
  readonly voter?: string;
  readonly vote?: VoteValue;
  readonly invitationId?: string;
  readonly invitationStatus?: InvitationStatus;
  readonly invitationIds?: readonly string[];
  readonly membersAdded?: readonly string[];
  readonly membersRemoved?: readonly string[];
  /** With `InitializationConfirmed`: the founders that have confirmed so far. */
  readonly confirmations?: readonly string[];
  /** With `InitializationConfirmed`: the founders that still have to. */
  readonly pending?: readonly string[];
}

/** The name of the single event every membership transaction emits. */
export const MEMBERSHIP_EVENT = 'MembershipEvent';

/** The static private data collection holding proposal rationales and invitee contacts. */
export const MEMBERSHIP_PRIVATE_COLLECTION = 'membershipPrivate';

/**
 * The CA attribute (`fabric-ca-client register --id.attrs 'membership.admin=true:ecert'`) a
 * client needs to act for its organisation: initialise, propose, vote, accept or reject.
 */
export const MEMBERSHIP_ADMIN_ATTRIBUTE = 'membership.admin';
