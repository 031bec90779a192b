/**
 * Connect applications to the consortium's Fabric network: per-node TLS endpoints with failover,
 * signers whose keys stay in a KMS or HSM, Fabric CA enrollment of those keys, and typed clients
 * for the `feeds` and `membership` contracts.
 *
 * @packageDocumentation
 */
export * as clients from './clients';
export type { Committed } from './clients/lib/contract';
export { FEEDS_ERROR_CODES } from './clients/feeds-types';
export { MEMBERSHIP_ERROR_CODES } from './clients/membership-types';
export type {
  FeedsClient,
  FeedsClientOptions,
  FeedsError,
  ReportResult,
} from './clients/feeds-api';
export type {
  FeedsErrorCode,
  Feed,
  FeedDefinition,
  Oracle,
  OracleInput,
  Thresholds,
  ReportingPolicy,
  RoundData,
  Round,
  Subscription,
  Premium,
  PremiumInput,
  PremiumVerification,
  Page,
  PageOptions,
  RoundReportedPayload,
} from './clients/feeds-types';
export type {
  MembershipClient,
  MembershipClientOptions,
  MembershipError,
  ProposalCreated,
} from './clients/membership-client';
export type { PemFilesOptions } from './clients/msp-definitions';
export type {
  MembershipErrorCode,
  VotingPolicy,
  ProposalStatus,
  Vote,
  InvitationStatus,
  ProposalActions,
  Member,
  Proposal,
  VoteRecord,
  Invitation,
  ChannelChange,
  ChannelChangeStatus,
  ChannelUpdate,
  ChannelUpdateSignature,
  ChannelUpdateStatus,
  ChannelUpdatePage,
  ChannelConfigState,
  ProposalDetails,
  InitializeResult,
  ProposalPage,
  ProposalInput,
  ProposalActionsInput,
  InvitationInput,
  InviteAction,
  RemoveAction,
  MspDefinition,
  MembershipEventType,
  MembershipEventPayload,
} from './clients/membership-types';
export type {
  EventStream,
  EventStreamOptions,
  RoundEventStreamOptions,
  MembershipEventStreamOptions,
  ContractEvent,
  ReconnectInfo,
} from './clients/events';
export type { EventCheckpointer } from './clients/checkpoint';
export type { UntilCommittedOptions } from './clients/ledger';

export * as reports from './clients/reports';
export type {
  ReportBody,
  Observation,
  ReportSignature,
  SignedReport,
  OracleKeyType,
  OracleConfig,
  OracleConfigEntry,
  ReportKey,
  ReportSigner,
} from './clients/reports';

export * as signers from './signers';
export type { Signer, KeyReference, SignatureAlgorithm } from './signers/signer';
export type {
  PemSignerOptions,
  FileSignerOptions,
  GenerateFileKeyOptions,
} from './signers/file-signer';
export type {
  KmsSignerOptions,
  KmsConnectionOptions,
  CreateKmsKeyOptions,
  AwsCredentials,
} from './signers/kms-signer';
export type {
  HsmSignerOptions,
  HsmTokenOptions,
  GenerateHsmKeyOptions,
} from './signers/hsm-signer';
export type { OpenSignerOptions } from './signers/open-signer';

export * as ca from './ca';
export type {
  CaClient,
  CaClientOptions,
  CaIdentity,
  CaInfo,
  Enrollment,
  EnrollRequest,
  AttributeRequest,
  RegisterRequest,
  RevokeRequest,
  RevokeResult,
} from './ca/ca-types';
export type { CsrOptions } from './ca/csr';
export type { IdentityStore, StoredIdentity, FileIdentityStoreOptions } from './ca/identity-store';

export {
  ConsortiumError,
  ConfigError,
  InputError,
  ConnectionError,
  SignerError,
  CaError,
  TransactionError,
  ContractError,
  OrdererError,
  GovernanceError,
  CHAINCODE_ERROR_PATTERN,
  isReadConflict,
} from './errors';
export type {
  ErrorCode,
  ConfigErrorCode,
  InputErrorCode,
  ConnectionErrorCode,
  SignerErrorCode,
  CaErrorCode,
  TransactionErrorCode,
  ContractErrorCode,
  OrdererErrorCode,
  GovernanceErrorCode,
  PeerErrorDetail,
  ErrorProperties,
} from './errors';

export * as governance from './governance';
export type { ChannelConfig } from './governance/channel-config';
export type { Configtxlator, ConfigtxlatorOptions } from './governance/configtxlator';
export type { ChannelChangeSpec, BuiltUpdate } from './governance/update-builder';
export type {
  ConfigSigningIdentity,
  ConfigSignatureParts,
  ConfigSignatureCheck,
} from './governance/config-signature';
export type {
  ConfigUpdateEnvelopeInput,
  ApplyConfigUpdateOptions,
  AppliedConfigUpdate,
} from './governance/apply-update';
export type { AgentView, AgentAction } from './governance/agent-decision';
export type {
  GovernanceAgent,
  GovernanceAgentOptions,
  AgentMembership,
  ChannelOperations,
  AgentStep,
  AgentPass,
  RecordedDecision,
} from './governance/agent';
export type {
  PrincipalRole,
  MemberOrPolicy,
  PolicyReading,
  PolicyPlan,
  AppliedMembershipChange,
  ChaincodeDefinition,
  PolicyNote,
  DefinitionPlan,
} from './governance/definition-policy';
export type { DefinitionView, DefinitionAction } from './governance/definition-decision';
export type { StepRecord } from './governance/step-format';
export type { ApprovedDefinition } from './governance/lifecycle';
export type {
  DefinitionOperations,
  DefinitionStep,
  FollowDefinitionsInput,
} from './governance/definition-follower';

export * as orderer from './orderer';
export type { OrdererEndpoint, BroadcastOptions, BroadcastResult } from './orderer/broadcast';
export type { OrdererDescriptionOptions } from './orderer/orderers';

export * as connection from './connection';
export type {
  Connection,
  ConnectOptions,
  TransactionRequest,
  SubmitResult,
  OfflineSigning,
  Unsigned,
  PeerStatus,
  Timeouts,
  FailoverOptions,
  KeepaliveOptions,
} from './connection/connection';
export type {
  NetworkConfig,
  PeerConfig,
  CaConfig,
  IdentityFiles,
  NetworkDescriptionOptions,
  ConnectionProfileOptions,
} from './connection/network-config';
export type { Endpoint } from './lib/endpoint';
