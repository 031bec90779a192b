/**
 * Connect applications to the consortium's Fabric network: per-node TLS endpoints with failover,
 * signers whose keys stay in a KMS or HSM, Fabric CA enrollment of those keys, and typed clients
 * for the `feeds` and `membership` contracts.
 *
 * @packageDocumentation
 */
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
} from './ca/ca-client';
export type { CsrOptions } from './ca/csr';
export type { IdentityStore, StoredIdentity, FileIdentityStoreOptions } from './ca/identity-store';

export {
  ConsortiumError,
  ConfigError,
  ConnectionError,
  SignerError,
  CaError,
  TransactionError,
  ContractError,
  CHAINCODE_ERROR_PATTERN,
} from './errors';
export type {
  ErrorCode,
  ConfigErrorCode,
  ConnectionErrorCode,
  SignerErrorCode,
  CaErrorCode,
  TransactionErrorCode,
  ContractErrorCode,
  PeerErrorDetail,
  ErrorProperties,
} from './errors';

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
