/**
 * What the `feeds` contract takes and returns, as the gateway types it. Prices, bounds and round
 * ids are decimal strings (they exceed `Number.MAX_SAFE_INTEGER`); times are Unix seconds.
 */
import type { Observation, OracleKeyType } from './reports';

/** Every code the `feeds` contract raises, read back from `[CODE] message`. */
export type FeedsErrorCode =
  | 'MALFORMED_INPUT'
  | 'INVALID_CONFIG'
  | 'FORBIDDEN'
  | 'FEED_EXISTS'
  | 'FEED_NOT_FOUND'
  | 'FEED_PAUSED'
  | 'ORACLE_NOT_FOUND'
  | 'CONFIG_MISMATCH'
  | 'STALE_ROUND'
  | 'STALE_TIMESTAMP'
  | 'FUTURE_TIMESTAMP'
  | 'UNKNOWN_OBSERVER'
  | 'DUPLICATE_OBSERVER'
  | 'INSUFFICIENT_OBSERVATIONS'
  | 'UNKNOWN_SIGNER'
  | 'DUPLICATE_SIGNER'
  | 'INSUFFICIENT_SIGNATURES'
  | 'BAD_SIGNATURE'
  | 'ANSWER_OUT_OF_BOUNDS'
  | 'NO_DATA'
  | 'ALREADY_SUBSCRIBED'
  | 'NOT_SUBSCRIBED'
  | 'WRONG_PEER'
  // Added for issue 14:
  | 'DUPLICATE_ORACLE_KEY'
  | 'INPUT_TOO_LARGE';

/** Every {@link FeedsErrorCode}, for guards and exhaustive checks. */
export const FEEDS_ERROR_CODES: readonly FeedsErrorCode[] = [
  'MALFORMED_INPUT',
  'INVALID_CONFIG',
  'FORBIDDEN',
  'FEED_EXISTS',
  'FEED_NOT_FOUND',
  'FEED_PAUSED',
  'ORACLE_NOT_FOUND',
  'CONFIG_MISMATCH',
  'STALE_ROUND',
  'STALE_TIMESTAMP',
  'FUTURE_TIMESTAMP',
  'UNKNOWN_OBSERVER',
  'DUPLICATE_OBSERVER',
  'INSUFFICIENT_OBSERVATIONS',
  'UNKNOWN_SIGNER',
  'DUPLICATE_SIGNER',
  'INSUFFICIENT_SIGNATURES',
  'BAD_SIGNATURE',
  'ANSWER_OUT_OF_BOUNDS',
  'NO_DATA',
  'ALREADY_SUBSCRIBED',
  'NOT_SUBSCRIBED',
  'WRONG_PEER',
  // Added for issue 14:
  'DUPLICATE_ORACLE_KEY',
  'INPUT_TOO_LARGE',
];

/** An oracle to register: its id and public key (PEM, or base64 DER SPKI). */
export interface OracleInput {
  /** Unique within the feed; `^[A-Za-z0-9._:-]{1,64}$`. */
  readonly id: string;
  /** P-256 or Ed25519 public key, PEM or base64 DER SubjectPublicKeyInfo. */
  readonly publicKey: string;
}

/** A registered oracle. */
export interface Oracle {
  /** The oracle id. */
  readonly id: string;
  /** Its key algorithm. */
  readonly keyType: OracleKeyType;
  /** Base64 DER SubjectPublicKeyInfo. */
  readonly publicKey: string;
}

/** Fault tolerance and minimums; the minimums default to `f+1` and `2f+1`. */
export interface Thresholds {
  /** Faulty oracles tolerated. */
  readonly f: number;
  /** Signatures a report needs (at least `f+1`). */
  readonly minSignatures?: number;
  /** Observations a report needs (at least `2f+1`). */
  readonly minObservations?: number;
}

/** Advisory reporting policy and label. */
export interface ReportingPolicy {
  /** A label such as "ETH / USD", 1–256 characters. */
  readonly description?: string;
  /** Reporters publish at least this often. */
  readonly heartbeatSeconds?: number;
  /** Reporters publish when the value moves more than this many parts per billion. */
  readonly deviationThresholdPpb?: number;
  /** How far an observations timestamp may lead the transaction time (0–3600; 60 by default). */
  readonly maxFutureSkewSeconds?: number;
}

/** A new feed. */
export interface FeedDefinition extends Thresholds {
  /** `^[a-z0-9][a-z0-9._-]{0,63}$`. */
  readonly feedId: string;
  /** A label such as "ETH / USD". */
  readonly description: string;
  /** Fixed-point scale of answers, 0–36. */
  readonly decimals: number;
  /** 1–31 oracles; reports refer to them by index in this order. */
  readonly oracles: readonly OracleInput[];
  /** Smallest acceptable answer, decimal string; the int192 minimum when absent. */
  readonly minAnswer?: string;
  /** Largest acceptable answer, decimal string; the int192 maximum when absent. */
  readonly maxAnswer?: string;
  /** Reporters publish at least this often. */
  readonly heartbeatSeconds: number;
  /** Reporters publish when the value moves more than this many parts per billion. */
  readonly deviationThresholdPpb: number;
  /** How far an observations timestamp may lead the transaction time; 60 when absent. */
  readonly maxFutureSkewSeconds?: number;
}

/** A feed as the ledger holds it. */
export interface Feed {
  /** The feed id. */
  readonly feedId: string;
  /** Its label. */
  readonly description: string;
  /** Fixed-point scale of answers. */
  readonly decimals: number;
  /** The MSP that created and owns the feed. */
  readonly owner: string;
  /** The oracles in index order. */
  readonly oracles: readonly Oracle[];
  /** Fault tolerance. */
  readonly f: number;
  /** Signatures a report needs. */
  readonly minSignatures: number;
  /** Observations a report needs. */
  readonly minObservations: number;
  /** Smallest acceptable answer, decimal string. */
  readonly minAnswer: string;
  /** Largest acceptable answer, decimal string. */
  readonly maxAnswer: string;
  /** Advisory heartbeat. */
  readonly heartbeatSeconds: number;
  /** Advisory deviation threshold. */
  readonly deviationThresholdPpb: number;
  /** Allowed lead of observations over the transaction time. */
  readonly maxFutureSkewSeconds: number;
  /** Whether reports are refused. */
  readonly paused: boolean;
  /** Bumped on every oracle or threshold change. */
  readonly configVersion: number;
  /** The digest reports must carry. */
  readonly configDigest: string;
  /** Creation time. */
  readonly createdAt: number;
  /** Last change. */
  readonly updatedAt: number;
}

/** Round data in the shape of `AggregatorV3Interface`. */
export interface RoundData {
  /** The feed id. */
  readonly feedId: string;
  /** The round, decimal string. */
  readonly roundId: string;
  /** The median answer, decimal string scaled by the feed's decimals. */
  readonly answer: string;
  /** The observations timestamp. */
  readonly startedAt: number;
  /** The report's transaction time. */
  readonly updatedAt: number;
  /** Equal to `roundId`. */
  readonly answeredInRound: string;
}

/** A stored round with its evidence, as `getRoundHistory` lists it. */
export interface Round extends RoundData {
  /** The observations as reported. */
  readonly observations: readonly Observation[];
  /** Indices of the oracles whose signatures verified, ascending. */
  readonly signers: readonly number[];
  /** The config digest the report was signed under. */
  readonly configDigest: string;
  /** The transaction that recorded the round. */
  readonly txId: string;
  /** Commitment to the premium value, when one was attached. */
  readonly premiumHash?: string;
}

/** A member's subscription to a feed's premium values. */
export interface Subscription {
  /** The feed id. */
  readonly feedId: string;
  /** The subscribed member. */
  readonly mspId: string;
  /** When it was granted. */
  readonly grantedAt: number;
}

/** A round's premium value as an entitled member reads it. */
export interface Premium {
  /** The feed id. */
  readonly feedId: string;
  /** The round. */
  readonly roundId: string;
  /** The 64-hex salt of the commitment. */
  readonly salt: string;
  /** The premium value. */
  readonly value: unknown;
  /** `hex(SHA-256(salt bytes || canonical JSON of value))`. */
  readonly premiumHash: string;
}

/** A premium value to attach to a report; travels only as transient data. */
export interface PremiumInput {
  /** Any JSON value, at most 64 KiB as text. */
  readonly value: unknown;
  /** 64 lowercase hex; fresh randomness when absent. */
  readonly salt?: string;
  /**
   * Organizations to endorse with; `[owner, ...current subscribers]`, read from the ledger, when
   * absent. Pass it to save two reads when you track subscriptions yourself.
   */
  readonly endorsingOrganizations?: readonly string[];
}

/** The outcome of `verifyPremium`. */
export interface PremiumVerification {
  /** Whether the revealed value and salt match the round's commitment. */
  readonly valid: boolean;
  /** The round's commitment. */
  readonly premiumHash: string;
}

/** One page of a listing. */
export interface Page<T> {
  /** The records of this page. */
  readonly records: readonly T[];
  /** Pass back for the next page; empty after the last. */
  readonly bookmark: string;
  /** How many records this page holds. */
  readonly fetchedRecordsCount: number;
}

/** Paging of list calls. */
export interface PageOptions {
  /** 1–1000; 100 when absent. */
  readonly pageSize?: number;
  /** From the previous page; the first page when absent. */
  readonly bookmark?: string;
}

/** The `RoundReported` event payload. */
export interface RoundReportedPayload {
  /** The median answer, decimal string. */
  readonly answer: string;
  /** The feed id. */
  readonly feedId: string;
  /** The round, decimal string. */
  readonly roundId: string;
  /** The report's transaction time. */
  readonly updatedAt: number;
}
