/**
 * Oracle data feeds: the contract first, then its pure rules, records and constants.
 */
export { FeedsContract, ROUND_REPORTED_EVENT } from './feeds-contract';
export {
  acceptReport,
  checkAnswerBounds,
  checkRoundTiming,
  type AcceptingFeed,
  type PreviousRound,
} from './report-acceptance';
export { verifyReport, type VerifiedReport, type VerifyingFeed } from './verify-report';
export { checkOracleConfig, reconfigure, type Thresholds } from './feed-config';
export * from './types';
