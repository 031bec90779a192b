/**
 * Membership proposals: the contract first, then its rules, records and constants.
 */
export { MembershipContract } from './membership-contract';
export {
  decide,
  expirationMs,
  requiredYesVotes,
  validatePolicy,
  THRESHOLD_COMPARATORS,
  type Decision,
  type Tally,
  type ThresholdComparator,
  type VotingPolicy,
} from './voting-rules';
export {
  applyTally,
  checkVote,
  expiredProposal,
  recordedTally,
  tally,
  type Ballot,
} from './proposal-rules';
export {
  channelUpdateId,
  checkConfigUpdate,
  decodeConfigUpdate,
  isAdminCertificate,
  requiredSignatures,
  signerOf,
  verifyConfigSignature,
  ADMIN_OU,
  APPLICATION_GROUP,
  APPLICATION_MOD_POLICY,
  type Caller,
  type ChannelAction,
  type ConfigSigner,
  type ExpectedChange,
} from './channel-update-rules';
export * from './types';
export {
  detailsHash,
  TRANSIENT_CONTACT,
  TRANSIENT_RATIONALE,
  TRANSIENT_SALT,
  type PrivateFields,
} from './lib/details';
