/**
 * Parsing the feeds contract's arguments (the `parse*` convention of `../../lib/inputs.ts`). Every
 * failure is `MALFORMED_INPUT` (or `INVALID_CONFIG` for a well-formed but unusable oracle
 * configuration) and names the field.
 */
import { ensure } from '../../lib/errors';
import { isJsonObject, parseObject, rejectUnknownFields, type JsonObject } from '../../lib/inputs';
import {
  FEED_ID_PATTERN,
  MAX_ORACLES,
  MAX_ROUND_ID,
  MAX_VALUE,
  MIN_VALUE,
  isDecimalInRange,
} from '@oracle-consortium/protocol';
import { normalizePublicKey } from './signatures';
import type { Thresholds } from '../feed-config';
import type { OracleRecord } from '../types';

/** Oracle ids: letters, digits, `.`, `_`, `:`, `-`; 1–64 characters. */
export const ORACLE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** The default allowance for an observations timestamp ahead of the transaction timestamp. */
export const DEFAULT_MAX_FUTURE_SKEW_SECONDS = 60;

/**
 * Checks a feed id argument.
 *
 * @param v - the candidate
 * @param what - its name for messages
 * @returns the feed id
 * @throws ChaincodeError `MALFORMED_INPUT` when it does not match `FEED_ID_PATTERN`
 */
export function parseFeedId(v: unknown, what = 'feedId'): string {
  ensure(
    typeof v === 'string' && FEED_ID_PATTERN.test(v),
    'MALFORMED_INPUT',
    `${what} must match ${FEED_ID_PATTERN.source}`,
  );
  return v;
}

/**
 * Checks a round id argument.
 *
 * @param v - the candidate
 * @returns the round id as a bigint
 * @throws ChaincodeError `MALFORMED_INPUT` unless a canonical decimal from 1 to 2^64-1
 */
export function parseRoundId(v: unknown): bigint {
  ensure(
    typeof v === 'string' && isDecimalInRange(v, BigInt(1), MAX_ROUND_ID),
    'MALFORMED_INPUT',
    'roundId must be a canonical decimal integer from 1 to 2^64-1',
  );
  return BigInt(v);
}

/**
 * Reads an integer field within bounds.
 *
 * @param v - the candidate
 * @param what - its name for messages
 * @param min - smallest allowed
 * @param max - largest allowed
 * @returns the integer
 * @throws ChaincodeError `MALFORMED_INPUT` when it is not an integer in `[min, max]`
 */
export function parseInteger(v: unknown, what: string, min: number, max: number): number {
  ensure(
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max,
    'MALFORMED_INPUT',
    `${what} must be an integer from ${min} to ${max}`,
  );
  return v;
}

/**
 * Reads an answer-sized decimal string (int192).
 *
 * @param v - the candidate
 * @param what - its name for messages
 * @returns the value as a bigint
 * @throws ChaincodeError `MALFORMED_INPUT` unless a canonical decimal within int192
 */
export function parseDecimal(v: unknown, what: string): bigint {
  ensure(
    typeof v === 'string' && isDecimalInRange(v, MIN_VALUE, MAX_VALUE),
    'MALFORMED_INPUT',
    `${what} must be a canonical decimal integer string within int192`,
  );
  return BigInt(v);
}

/**
 * Parses one oracle as `{id, publicKey}`, normalising the key.
 *
 * @param v - the candidate
 * @param what - its name for messages
 * @returns the oracle record
 * @throws ChaincodeError `MALFORMED_INPUT` for a bad shape or id, `INVALID_CONFIG` for a key that is
 *   not P-256 or Ed25519
 */
export function parseOracle(v: unknown, what: string): OracleRecord {
  ensure(isJsonObject(v), 'MALFORMED_INPUT', `${what} must be an object {id, publicKey}`);
  ensure(
    typeof v.id === 'string' && ORACLE_ID_PATTERN.test(v.id),
    'MALFORMED_INPUT',
    `${what}.id must match ${ORACLE_ID_PATTERN.source}`,
  );
  return { id: v.id, ...parsePublicKey(v.publicKey, `${what}.publicKey`) };
}

/**
 * Parses a public key given as PEM or base64 DER SPKI.
 *
 * @param v - the candidate
 * @param what - its name for messages
 * @returns the key type and base64 DER SPKI
 * @throws ChaincodeError `MALFORMED_INPUT` when not a string, `INVALID_CONFIG` when not a P-256 or
 *   Ed25519 public key
 */
export function parsePublicKey(v: unknown, what: string): Omit<OracleRecord, 'id'> {
  ensure(typeof v === 'string' && v.length <= 4096, 'MALFORMED_INPUT', `${what} must be a string`);
  const key = normalizePublicKey(v);
  ensure(key !== undefined, 'INVALID_CONFIG', `${what} is not a P-256 or Ed25519 public key`);
  return key;
}

/** Reads `{f, minSignatures?, minObservations?}`, defaulting the minimums to `f+1` and `2f+1`. */
function thresholdFields(v: JsonObject): Thresholds {
  const f = parseInteger(v.f, 'f', 0, 10);
  const minSignatures =
    v.minSignatures === undefined
      ? f + 1
      : parseInteger(v.minSignatures, 'minSignatures', 1, MAX_ORACLES);
  const minObservations =
    v.minObservations === undefined
      ? 2 * f + 1
      : parseInteger(v.minObservations, 'minObservations', 1, MAX_ORACLES);
  return { f, minSignatures, minObservations };
}

/**
 * Reads answer bounds, defaulting to the full int192 range.
 *
 * @param v - the object holding `minAnswer` and `maxAnswer`
 * @returns both bounds as canonical decimal strings
 * @throws ChaincodeError `MALFORMED_INPUT` for bad decimals or `minAnswer > maxAnswer`
 */
export function parseBounds(v: JsonObject): { minAnswer: string; maxAnswer: string } {
  const min = v.minAnswer === undefined ? MIN_VALUE : parseDecimal(v.minAnswer, 'minAnswer');
  const max = v.maxAnswer === undefined ? MAX_VALUE : parseDecimal(v.maxAnswer, 'maxAnswer');
  ensure(min <= max, 'MALFORMED_INPUT', 'minAnswer must not exceed maxAnswer');
  return { minAnswer: min.toString(), maxAnswer: max.toString() };
}

/**
 * Parses a feed description: 1 to 256 characters.
 *
 * @param v - the candidate
 * @returns the description
 * @throws ChaincodeError `MALFORMED_INPUT` otherwise
 */
export function parseDescription(v: unknown): string {
  ensure(
    typeof v === 'string' && v.length >= 1 && v.length <= 256,
    'MALFORMED_INPUT',
    'description must be a string of 1 to 256 characters',
  );
  return v;
}

/** The reporting policy fields of a feed, which `setReportingPolicy` may change. */
export interface ReportingPolicy {
  /** The feed's label. */
  readonly description: string;
  /** The longest time between rounds the owner promises, seconds. */
  readonly heartbeatSeconds: number;
  /** The change that calls for a new round, parts per billion. */
  readonly deviationThresholdPpb: number;
  /** How far an observations timestamp may run ahead of the transaction time, seconds. */
  readonly maxFutureSkewSeconds: number;
}

const POLICY_FIELDS = [
  'description',
  'heartbeatSeconds',
  'deviationThresholdPpb',
  'maxFutureSkewSeconds',
] as const;

/**
 * Reads the reporting policy fields of an object; an absent field keeps its current value.
 *
 * @param v - the object holding any of the fields
 * @param current - the values absent fields keep
 * @returns the policy
 * @throws ChaincodeError `MALFORMED_INPUT` for a field out of its range
 */
function policyFields(v: JsonObject, current: ReportingPolicy): ReportingPolicy {
  return {
    description:
      v.description === undefined ? current.description : parseDescription(v.description),
    heartbeatSeconds:
      v.heartbeatSeconds === undefined
        ? current.heartbeatSeconds
        : parseInteger(v.heartbeatSeconds, 'heartbeatSeconds', 1, 31_536_000),
    deviationThresholdPpb:
      v.deviationThresholdPpb === undefined
        ? current.deviationThresholdPpb
        : parseInteger(v.deviationThresholdPpb, 'deviationThresholdPpb', 0, 1_000_000_000),
    maxFutureSkewSeconds:
      v.maxFutureSkewSeconds === undefined
        ? current.maxFutureSkewSeconds
        : parseInteger(v.maxFutureSkewSeconds, 'maxFutureSkewSeconds', 0, 3600),
  };
}

/**
 * Parses `setReportingPolicy`'s argument: any of the policy fields.
 *
 * @param text - the raw JSON
 * @param current - the feed's current policy, kept for absent fields
 * @returns the new policy
 * @throws ChaincodeError `MALFORMED_INPUT` for bad JSON, an unknown field or a field out of range
 */
export function parseReportingPolicy(text: string, current: ReportingPolicy): ReportingPolicy {
  const v = parseObject(text, 'policy');
  rejectUnknownFields(v, POLICY_FIELDS, 'policy');
  return policyFields(v, current);
}

/** A feed as `createFeed` receives it, checked field by field but not yet against its oracles. */
export interface FeedDefinition extends ReportingPolicy {
  /** The new feed's id. */
  readonly feedId: string;
  /** The fixed-point scale, 0–36. */
  readonly decimals: number;
  /** The oracles, keys in canonical form. */
  readonly oracles: readonly OracleRecord[];
  /** Fault tolerance and minimums. */
  readonly thresholds: Thresholds;
  /** Answer bounds as canonical decimal strings. */
  readonly bounds: { minAnswer: string; maxAnswer: string };
}

const CREATE_FIELDS = [
  'feedId',
  'decimals',
  'oracles',
  'f',
  'minSignatures',
  'minObservations',
  'minAnswer',
  'maxAnswer',
  ...POLICY_FIELDS,
] as const;

/**
 * Parses `createFeed`'s argument.
 *
 * @param text - the raw JSON
 * @returns the definition
 * @throws ChaincodeError `MALFORMED_INPUT` for bad JSON, an unknown field or a bad field
 * @throws ChaincodeError `INVALID_CONFIG` for an oracle key that is not P-256 or Ed25519
 */
export function parseFeedDefinition(text: string): FeedDefinition {
  const v = parseObject(text, 'feed');
  rejectUnknownFields(v, CREATE_FIELDS, 'feed');
  const feedId = parseFeedId(v.feedId);
  const description = parseDescription(v.description);
  const decimals = parseInteger(v.decimals, 'decimals', 0, 36);
  ensure(Array.isArray(v.oracles), 'MALFORMED_INPUT', 'oracles must be an array');
  const oracles = (v.oracles as unknown[]).map((o, i) => parseOracle(o, `oracles[${i}]`));
  const thresholds = thresholdFields(v);
  const bounds = parseBounds(v);
  const heartbeatSeconds = parseInteger(v.heartbeatSeconds, 'heartbeatSeconds', 1, 31_536_000);
  const policy = policyFields(v, {
    description,
    heartbeatSeconds,
    deviationThresholdPpb: parseInteger(
      v.deviationThresholdPpb,
      'deviationThresholdPpb',
      0,
      1_000_000_000,
    ),
    maxFutureSkewSeconds: DEFAULT_MAX_FUTURE_SKEW_SECONDS,
  });
  return { feedId, decimals, oracles, thresholds, bounds, ...policy };
}

/**
 * Parses `setThresholds`'s argument, `{f, minSignatures?, minObservations?}`, defaulting the
 * minimums to `f+1` and `2f+1`.
 *
 * @param text - the raw JSON
 * @returns the thresholds (not yet checked against an oracle set)
 * @throws ChaincodeError `MALFORMED_INPUT` for bad JSON, an unknown field or a non-integer field
 */
export function parseThresholds(text: string): Thresholds {
  const v = parseObject(text, 'thresholds');
  rejectUnknownFields(v, ['f', 'minSignatures', 'minObservations'], 'thresholds');
  return thresholdFields(v);
}
