/**
 * The wire protocol of the oracle consortium, shared by the chaincode that enforces it and the
 * gateway library that speaks it: report encoding v1 and the config digest, canonical JSON, the
 * MSP definition an invitation binds and its hash, the contracts' error codes, event names and payloads, and the ledger record types. It depends on
 * nothing but `node:crypto`, so the chaincode can carry it inside its package for a peer's builder.
 *
 * @packageDocumentation
 */
export {
  REPORT_DOMAIN,
  CONFIG_DOMAIN,
  MAX_ORACLES,
  FEED_ID_PATTERN,
  DECIMAL_PATTERN,
  DIGEST_PATTERN,
  MIN_VALUE,
  MAX_VALUE,
  MAX_ROUND_ID,
  ReportEncodingError,
  encodeReport,
  reportBodyText,
  computeConfigDigest,
  isDecimalInRange,
  isOracleIndex,
  type Observation,
  type ReportBody,
  type ReportSignature,
  type SignedReport,
  type OracleKeyType,
  type OracleConfigEntry,
  type OracleConfig,
} from './report-encoding';
export { canonicalJson, toBytes, MAX_JSON_DEPTH, type Json } from './canonical-json';
export { premiumHash } from './commitments';
export {
  MSP_DEFINITION_DOMAIN,
  MAX_MSP_CERTIFICATES,
  MSP_DEFINITION_HASH_PATTERN,
  MspDefinitionError,
  canonicalMspDefinition,
  mspDefinitionHash,
  type MspDefinition,
  type MspDefinitionErrorCode,
} from './msp-definition';
export { parseCertificate, type Certificate } from './x509';
export {
  readDerElement,
  readWholeDerElement,
  derChildren,
  unsignedHex,
  type DerElement,
} from './der';
export {
  FEED_ERROR_CODES,
  MEMBERSHIP_ERROR_CODES,
  ERROR_CODE_PATTERN,
  isFeedErrorCode,
  isMembershipErrorCode,
  type FeedErrorCode,
  type MembershipErrorCode,
} from './errors';
export * from './feeds-records';
export * from './membership-records';
