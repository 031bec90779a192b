/**
 * What the `membership` contract takes and returns, as the gateway types it. Field names follow
 * the managed service's API where the contract mirrors it (`ThresholdPercentage`, `Invitations`).
 * Dates are ISO-8601 strings from transaction timestamps.
 */

import type {
  ChannelChangeRecord,
  ChannelUpdateRecord,
  InvitationRecord,
  MemberRecord,
  MspDefinition,
  ProposalRecord,
  RemoveAction,
  VoteValue,
} from '@oracle-consortium/protocol';

export {
  MEMBERSHIP_ERROR_CODES,
  type MembershipErrorCode,
  type VotingPolicy,
  type ProposalStatus,
  type InvitationStatus,
  type ProposalActions,
  type InviteAction,
  type RemoveAction,
  type MspDefinition,
  type VoteRecord,
  type ProposalDetails,
  type InitializeResult,
  type ProposalPage,
  type ChannelChangeStatus,
  type ChannelUpdateSignature,
  type ChannelUpdateStatus,
  type ChannelUpdatePage,
  type ChannelConfigState,
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

/**
 * A config update posted on the chain for a channel change, with the admins' signatures collected
 * so far (the `common.ConfigUpdate` bytes and each `common.ConfigSignature` part in base64).
 */
export type ChannelUpdate = ChannelUpdateRecord;

/**
 * One invitation of a new proposal: the principal and the MSP definition the channel will give
 * it. Certificates may be PEM (any wrapping) or base64 DER; build one with
 * `clients.mspDefinitions.fromPemFiles` or `fromMspFolder`.
 */
export interface InvitationInput {
  /** The MSP id the invited organisation will use. */
  readonly Principal: string;
  /** Its definition; `mspId` must spell `Principal` exactly. */
  readonly MspDefinition: MspDefinition;
  /** Optional: the hash the proposer expects; the contract refuses the proposal if it differs. */
  readonly MspDefinitionHash?: string;
}

/** A new proposal's actions: invitations or removals, never both. */
export type ProposalActionsInput =
  | {
      /** The organisations to invite, each with its MSP definition. */
      readonly Invitations: readonly InvitationInput[];
    }
  | {
      /** The members to remove. */
      readonly Removals: readonly RemoveAction[];
    };

/** A new proposal. Private details travel only as transient data. */
export interface ProposalInput {
  /** Invitations or removals. */
  readonly actions: ProposalActionsInput;
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
