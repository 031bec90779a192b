/**
 * The records the `feeds` contract writes to the ledger and returns as canonical JSON, the page
 * shape of its listings and the payload of its event. Prices, bounds and round ids are decimal
 * strings (they exceed `Number.MAX_SAFE_INTEGER`); times are Unix seconds from transaction
 * timestamps.
 */
import type { OracleKeyType } from './report-encoding';

/** A registered oracle as the feed stores it. */
export interface OracleRecord {
  /** Unique within the feed; `^[A-Za-z0-9._:-]{1,64}$`. */
  readonly id: string;
  /** The key algorithm. */
  readonly keyType: OracleKeyType;
  /** base64 of the DER SubjectPublicKeyInfo. */
  readonly publicKey: string;
}

/** A feed as stored under `feed~<feedId>` and returned by `getFeed`. */
export interface FeedRecord {
  /** The feed id. */
  readonly feedId: string;
  /** A label such as "ETH / USD". */
  readonly description: string;
  /** The fixed-point scale of answers. */
  readonly decimals: number;
  /** The MSP that created, and owns, the feed. */
  readonly owner: string;
  /** The oracles; reports refer to them by index. */
  readonly oracles: readonly OracleRecord[];
  /** Fault tolerance. */
  readonly f: number;
  /** Signatures a report needs (≥ f+1). */
  readonly minSignatures: number;
  /** Observations a report needs (≥ 2f+1). */
  readonly minObservations: number;
  /** The smallest acceptable answer, decimal string. */
  readonly minAnswer: string;
  /** The largest acceptable answer, decimal string. */
  readonly maxAnswer: string;
  /** Reporters publish at least this often (seconds); advisory to reporters and consumers. */
  readonly heartbeatSeconds: number;
  /** Reporters publish when the value moves by more than this many parts per billion; advisory. */
  readonly deviationThresholdPpb: number;
  /** How far an observations timestamp may be ahead of the transaction timestamp (seconds). */
  readonly maxFutureSkewSeconds: number;
  /** Whether reports are refused. */
  readonly paused: boolean;
  /** Bumped on every change to the oracle set or thresholds. */
  readonly configVersion: number;
  /** The digest reports must carry; see `computeConfigDigest`. */
  readonly configDigest: string;
  /** Transaction time of creation (Unix seconds). */
  readonly createdAt: number;
  /** Transaction time of the last change (Unix seconds). */
  readonly updatedAt: number;
}

/** A stored round, under `round~<feedId>~<roundId padded to 20 digits>`. */
export interface RoundRecord {
  /** The feed id. */
  readonly feedId: string;
  /** The round id, decimal string. */
  readonly roundId: string;
  /** The median of the observations, decimal string. */
  readonly answer: string;
  /** The observations timestamp (Unix seconds), as OCR2 reports `startedAt`. */
  readonly startedAt: number;
  /** The transaction timestamp of the report (Unix seconds). */
  readonly updatedAt: number;
  /** Always equal to `roundId`: every round is answered in its own transaction. */
  readonly answeredInRound: string;
  /**
   * Lowercase hex SHA-256 of the signed report bytes (`encodeReport`): the observations and
   * signatures stay in the transaction that carries them (`txId`), and this digest ties them to the
   * round. State keeps only what readers of the answer need, so each report writes less for the
   * peers to validate and commit.
   */
  readonly reportDigest: string;
  /** Indices of the oracles whose signatures were verified, ascending. */
  readonly signers: readonly number[];
  /** The config digest the report was signed under. */
  readonly configDigest: string;
  /** The transaction that recorded the round. */
  readonly txId: string;
  /** Hex SHA-256 commitment to the premium value, when one was attached. */
  readonly premiumHash?: string;
}

/** A subscription, stored publicly under `subscription~<feedId>~<mspId>`. */
export interface SubscriptionRecord {
  /** The feed id. */
  readonly feedId: string;
  /** The subscribed member. */
  readonly mspId: string;
  /** When it was granted (Unix seconds). */
  readonly grantedAt: number;
}

/** A premium value as stored in each entitled member's implicit collection. */
export interface PremiumRecord {
  /** The feed id. */
  readonly feedId: string;
  /** The round id. */
  readonly roundId: string;
  /** The salt, 64 lowercase hex characters. */
  readonly salt: string;
  /** The premium value: any JSON. */
  readonly value: unknown;
  /** The public commitment, repeated for convenience. */
  readonly premiumHash: string;
}

/** Round data as `latestRoundData` and `getRoundData` return it (AggregatorV3Interface fields). */
export type RoundData = Pick<
  RoundRecord,
  'feedId' | 'roundId' | 'answer' | 'startedAt' | 'updatedAt' | 'answeredInRound'
>;

/** One page of a listing. */
export interface Page<T> {
  /** The records on this page. */
  readonly records: readonly T[];
  /** Pass back to read the next page; empty when this was the last. */
  readonly bookmark: string;
  /** How many records the page holds. */
  readonly fetchedRecordsCount: number;
}

/** The event every accepted report emits (one per transaction). */
export const ROUND_REPORTED_EVENT = 'RoundReported';

/** The {@link ROUND_REPORTED_EVENT} payload. */
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
