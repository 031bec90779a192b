/**
 * The membership contract's records. The wire records (what transactions return and the event
 * payload) are the protocol package's, shared with the gateway; the initialisation in progress and
 * the names below are the contract's own.
 */
import type { VotingPolicy } from '@oracle-consortium/protocol';

export {
  MEMBERSHIP_EVENT,
  PROPOSAL_STATUSES,
  type MembershipErrorCode,
  type ProposalStatus,
  type VoteValue,
  type InvitationStatus,
  type InviteAction,
  type RemoveAction,
  type ProposalActions,
  type MemberRecord,
  type ProposalRecord,
  type VoteRecord,
  type InvitationRecord,
  type ChannelChangeRecord,
  type ChannelChangeStatus,
  type ChannelUpdateRecord,
  type ChannelUpdateSignature,
  type ChannelUpdateStatus,
  type ChannelUpdatePage,
  type ChannelConfigState,
  type ProposalDetails,
  type InitializeResult,
  type ProposalPage,
  type MembershipEventType,
  type MembershipEvent,
} from '@oracle-consortium/protocol';

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

/** The static private data collection holding proposal rationales and invitee contacts. */
export const MEMBERSHIP_PRIVATE_COLLECTION = 'membershipPrivate';

/**
 * The CA attribute (`fabric-ca-client register --id.attrs 'membership.admin=true:ecert'`) a
 * client needs to act for its organisation: initialise, propose, vote, accept or reject.
 */
export const MEMBERSHIP_ADMIN_ATTRIBUTE = 'membership.admin';
