/**
 * The feeds contract's records. They are the wire records of the protocol package (the gateway
 * reads the same types); this module names them for the contract's own files.
 */
import type { SignedReport } from '@oracle-consortium/protocol';

export type {
  OracleRecord,
  FeedRecord,
  RoundRecord,
  RoundData,
  SubscriptionRecord,
  PremiumRecord,
  ReportSignature,
} from '@oracle-consortium/protocol';

/** A report as `submitReport` receives it: the protocol's signed report. */
export type ReportInput = SignedReport;
