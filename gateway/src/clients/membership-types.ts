/**
 * What the `membership` contract takes and returns, as the gateway types it. Field names follow
 * the managed service's API where the contract mirrors it (`ThresholdPercentage`, `Invitations`).
 * Dates are ISO-8601 strings from transaction timestamps.
 */

import type {
  ChannelChangeRecord,
  InvitationRecord,
  MemberRecord,
  ProposalActions,
  ProposalRecord,
  VoteValue,
} from '@oracle-consortium/protocol';

export {
  MEMBERSHIP_ERROR_CODES,
  type MembershipErrorCode,
  type VotingPolicy,
  type ProposalStatus,
  type InvitationStatus,
  type ProposalActions,
  type VoteRecord,
  type ProposalDetails,
  type InitializeResult,
  type ProposalPage,
  type MembershipEventType,
  type MembershipEvent as MembershipEventPayload,
} from '@oracle-consortium/protocol';

/** A vote. */
export type Vote = VoteValue;

/** A member organisation. */
export type Member = MemberRecord;

/** A proposal as the ledger holds it. */
export type Proposal = ProposalRecord;

/** An invitation created by an approved proposal. */
export type Invitation = InvitationRecord;

/** A channel configuration change for tooling to apply. */
export type ChannelChange = ChannelChangeRecord;

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
