/**
 * What the `membership` contract takes and returns, as the gateway types it. Field names follow
 * the managed service's API where the contract mirrors it (`ThresholdPercentage`, `Invitations`).
 * Dates are ISO-8601 strings from transaction timestamps.
 */

/** Every code the `membership` contract raises, read back from `[CODE] message`. */
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

/** Every {@link MembershipErrorCode}, for guards and exhaustive checks. */
export const MEMBERSHIP_ERROR_CODES: readonly MembershipErrorCode[] = [
  'NOT_INITIALIZED',
  'ALREADY_INITIALIZED',
  'INIT_MISMATCH',
  'PEER_NOT_FOUNDER',
  'POLICY_OUT_OF_RANGE',
  'MALFORMED_INPUT',
  'NOT_AUTHORIZED',
  'NOT_A_MEMBER',
  'NOT_ELIGIBLE',
  'PROPOSAL_NOT_FOUND',
  'ALREADY_VOTED',
  'INVALID_VOTE',
  'PROPOSAL_CLOSED',
  'PROPOSAL_EXPIRED',
  'PROPOSAL_NOT_EXPIRED',
  'EMPTY_ACTIONS',
  'MIXED_ACTIONS',
  'DUPLICATE_ACTION',
  'DESCRIPTION_TOO_LONG',
  'ALREADY_A_MEMBER',
  'MEMBER_NOT_FOUND',
  'TOKEN_REUSED',
  'SALT_REQUIRED',
  'DETAILS_NOT_FOUND',
  'DETAILS_UNAVAILABLE',
  'DETAILS_HASH_MISMATCH',
  'INVITATION_NOT_FOUND',
  'NOT_INVITEE',
  'INVITATION_CLOSED',
  'INVITATION_EXPIRED',
  'INVITATION_NOT_EXPIRED',
  // Added for issue 14:
  'INPUT_TOO_LARGE',
];

/** The managed service's voting policy. */
export interface VotingPolicy {
  /** Percentage (0–100) of all members that must vote YES. */
  readonly ThresholdPercentage: number;
  /** Whether YES votes must exceed, or may equal, the percentage. */
  readonly ThresholdComparator: 'GREATER_THAN' | 'GREATER_THAN_OR_EQUAL_TO';
  /** How long proposals and invitations stay open, 1–168. */
  readonly ProposalDurationInHours: number;
}

/** A proposal's status. */
export type ProposalStatus = 'IN_PROGRESS' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'ACTION_FAILED';

/** A vote. */
export type Vote = 'YES' | 'NO';

/** An invitation's status. */
export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED';

/** A proposal's actions: invitations or removals, never both. */
export type ProposalActions =
  | { readonly Invitations: readonly { readonly Principal: string }[] }
  | { readonly Removals: readonly { readonly MemberId: string }[] };

/** A member organisation. */
export interface Member {
  /** Its MSP id. */
  readonly mspId: string;
  /** When it joined. */
  readonly joinedDate: string;
  /** `FOUNDING`, or the accepted invitation's id. */
  readonly joinedBy: string;
}

/** A proposal as the ledger holds it. */
export interface Proposal {
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
  /** When the status left IN_PROGRESS. */
  readonly statusChangedDate?: string;
  /** Why an approved action failed (ACTION_FAILED only). */
  readonly actionFailureReason?: string;
  /** The members when it was created, sorted. */
  readonly eligibleVoters: readonly string[];
  /** YES votes needed. */
  readonly requiredYesVotes: number;
  /** YES votes so far. */
  readonly yesVoteCount: number;
  /** NO votes so far. */
  readonly noVoteCount: number;
  /** Eligible voters yet to vote. */
  readonly outstandingVoteCount: number;
  /** Hex commitment to the private details, or null. */
  readonly detailsHash: string | null;
  /** Invitations an approval created. */
  readonly invitationIds: readonly string[];
}

/** A cast vote. */
export interface VoteRecord {
  /** The proposal. */
  readonly proposalId: string;
  /** The voting member. */
  readonly memberId: string;
  /** Its vote. */
  readonly vote: Vote;
  /** When it voted. */
  readonly date: string;
}

/** An invitation created by an approved proposal. */
export interface Invitation {
  /** The invitation id. */
  readonly invitationId: string;
  /** The proposal that created it. */
  readonly proposalId: string;
  /** The invited MSP id. */
  readonly principal: string;
  /** Its status. */
  readonly status: InvitationStatus;
  /** Creation time. */
  readonly creationDate: string;
  /** Expiry. */
  readonly expirationDate: string;
  /** Last status change. */
  readonly statusChangedDate?: string;
}

/** A channel configuration change for tooling to apply. */
export interface ChannelChange {
  /** Add or remove an organisation. */
  readonly action: 'ADD_ORG' | 'REMOVE_ORG';
  /** The organisation. */
  readonly mspId: string;
  /** The deciding proposal. */
  readonly proposalId: string;
  /** Always pending: the ledger cannot apply it. */
  readonly status: 'PENDING_CHANNEL_UPDATE';
  /** When it was recorded. */
  readonly createdDate: string;
}

/** A proposal's private details as a member reads them. */
export interface ProposalDetails {
  /** The proposal. */
  readonly proposalId: string;
  /** The salt of the commitment. */
  readonly salt: string;
  /** Why it was proposed. */
  readonly rationale?: string;
  /** The invitee's contact. */
  readonly contact?: string;
  /** The public commitment, recomputed and found equal. */
  readonly detailsHash: string;
}

/**
 * What `initialize` returns. Initialisation completes only when every founding member's
 * administrator has called `initialize` with the same policy and founders; until then the result
 * says who has confirmed and who has not.
 */
export interface InitializeResult {
  /** True once every founding member confirmed and the policy and registry are written. */
  readonly initialised: boolean;
  /** The policy set, or awaiting confirmation. */
  readonly policy: VotingPolicy;
  /** The founding members' MSP ids, sorted. */
  readonly foundingMembers: readonly string[];
  /** The founders that have confirmed, sorted; all of them once initialised. */
  readonly confirmations: readonly string[];
  /** The founders that still have to confirm, sorted; empty once initialised. */
  readonly pending: readonly string[];
  /** The members; empty until initialised. */
  readonly members: readonly Member[];
}

/** One page of proposals. */
export interface ProposalPage {
  /** The proposals of this page. */
  readonly proposals: readonly Proposal[];
  /** Pass back for the next page; empty after the last. */
  readonly bookmark: string;
}

/** A new proposal. Private details travel only as transient data. */
export interface ProposalInput {
  /** Invitations or removals. */
  readonly actions: ProposalActions;
  /** Up to 128 characters. */
  readonly description: string;
  /** Idempotency token (1–64 of letters, digits, `.`, `_`, `:`, `-`); a fresh UUID when absent. */
  readonly clientRequestToken?: string;
  /** Private rationale. */
  readonly rationale?: string;
  /** Private invitee contact (invitations only). */
  readonly contact?: string;
  /** Salt of the details commitment, 16–256 characters; fresh randomness when absent. */
  readonly salt?: string;
}

/** What happened in a membership transaction. */
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

/** The payload of the one `MembershipEvent` each membership transaction emits. */
export interface MembershipEventPayload {
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
  readonly vote?: Vote;
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
}
