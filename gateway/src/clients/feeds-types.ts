/**
 * What the `feeds` contract takes and returns, as the gateway types it. Prices, bounds and round
 * ids are decimal strings (they exceed `Number.MAX_SAFE_INTEGER`); times are Unix seconds.
 */
import type {
  FeedErrorCode,
  FeedRecord,
  OracleRecord,
  Page as ProtocolPage,
  PremiumRecord,
  RoundData as ProtocolRoundData,
  RoundRecord,
  RoundReportedPayload as ProtocolRoundReportedPayload,
  SubscriptionRecord,
} from '@oracle-consortium/protocol';

export { FEED_ERROR_CODES as FEEDS_ERROR_CODES } from '@oracle-consortium/protocol';

/** Every code the `feeds` contract raises, read back from `[CODE] message`. */
export type FeedsErrorCode = FeedErrorCode;

/** An oracle to register: its id and public key (PEM, or base64 DER SPKI). */
export interface OracleInput {
  /** Unique within the feed; `^[A-Za-z0-9._:-]{1,64}$`. */
  readonly id: string;
  /** P-256 or Ed25519 public key, PEM or base64 DER SubjectPublicKeyInfo. */
  readonly publicKey: string;
}

/** A registered oracle. */
export type Oracle = OracleRecord;

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
export type Feed = FeedRecord;

/** Round data in the shape of `AggregatorV3Interface`. */
export type RoundData = ProtocolRoundData;

/** A stored round with its evidence, as `getRoundHistory` lists it. */
export type Round = RoundRecord;

/** A member's subscription to a feed's premium values. */
export type Subscription = SubscriptionRecord;

/** A round's premium value as an entitled member reads it. */
export type Premium = PremiumRecord;

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
export type Page<T> = ProtocolPage<T>;

/** Paging of list calls. */
export interface PageOptions {
  /** 1–100 (the contracts' page limit); 100 when absent. */
  readonly pageSize?: number;
  /** From the previous page; the first page when absent. */
  readonly bookmark?: string;
}

/** The `RoundReported` event payload. */
export type RoundReportedPayload = ProtocolRoundReportedPayload;
