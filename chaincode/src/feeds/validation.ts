/**
 * Shape checks for the contract's JSON arguments. Every failure is `MALFORMED_INPUT` (or
 * `INVALID_CONFIG` for a well-formed but unusable oracle configuration) and names the field.
 */
import { parseJsonArg } from '../lib/context';
import { ensure, fail } from './errors';
import {
  DIGEST_PATTERN,
  FEED_ID_PATTERN,
  MAX_ORACLES,
  MAX_ROUND_ID,
  MAX_VALUE,
  MIN_VALUE,
  isDecimalInRange,
  type Observation,
} from '@oracle-consortium/protocol';
import { canonicalPublicKey, normalizePublicKey } from './signatures';
import type { OracleRecord, ReportInput, ReportSignature } from './types';

/** Oracle ids: letters, digits, `.`, `_`, `:`, `-`; 1–64 characters. */
export const ORACLE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** MSP ids: a letter or digit, then letters, digits, `.`, `_`, `-`; 1–128 characters (the rule the membership contract applies too). */
export const MSP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The default allowance for an observations timestamp ahead of the transaction timestamp. */
export const DEFAULT_MAX_FUTURE_SKEW_SECONDS = 60;

/**
 * The most bytes a report argument may hold. A 31-oracle report with the longest values
 * (int192 minimum) and ECDSA signatures is about 6.7 KB as compact JSON and 8.3 KB indented;
 * 16 KiB leaves room for any formatting and nothing for padding.
 */
export const MAX_REPORT_BYTES = 16 * 1024;

/** The largest page a paginated read returns. */
export const MAX_PAGE_SIZE = 1000;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Parses a JSON argument that must be an object.
 *
 * @param text - the raw argument
 * @param what - its name for messages
 * @returns the object
 * @throws ChaincodeError `MALFORMED_INPUT` when it is not a JSON object
 */
export function parseObject(text: string, what: string): Obj {
  const v = parseJsonArg(text, what);
  ensure(isObj(v), 'MALFORMED_INPUT', `${what} must be a JSON object`);
  return v;
}

/**
 * Checks a feed id argument.
 *
 * @param v - the candidate
 * @param what - its name for messages
 * @returns the feed id
 * @throws ChaincodeError `MALFORMED_INPUT` when it does not match `FEED_ID_PATTERN`
 */
export function feedIdArg(v: unknown, what = 'feedId'): string {
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
export function roundIdArg(v: unknown): bigint {
  ensure(
    typeof v === 'string' && isDecimalInRange(v, 1n, MAX_ROUND_ID),
    'MALFORMED_INPUT',
    'roundId must be a canonical decimal integer from 1 to 2^64-1',
  );
  return BigInt(v);
}

/**
 * Checks an MSP id argument.
 *
 * @param v - the candidate
 * @returns the MSP id
 * @throws ChaincodeError `MALFORMED_INPUT` when it does not match `MSP_ID_PATTERN`
 */
export function mspIdArg(v: unknown): string {
  ensure(
    typeof v === 'string' && MSP_ID_PATTERN.test(v),
    'MALFORMED_INPUT',
    `mspId must match ${MSP_ID_PATTERN.source}`,
  );
  return v;
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
export function intField(v: unknown, what: string, min: number, max: number): number {
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
export function decimalField(v: unknown, what: string): bigint {
  ensure(
    typeof v === 'string' && isDecimalInRange(v, MIN_VALUE, MAX_VALUE),
    'MALFORMED_INPUT',
    `${what} must be a canonical decimal integer string within int192`,
  );
  return BigInt(v);
}

/**
 * Parses a page size argument.
 *
 * @param text - the raw argument
 * @returns the page size
 * @throws ChaincodeError `MALFORMED_INPUT` unless an integer from 1 to MAX_PAGE_SIZE
 */
export function pageSizeArg(text: string): number {
  ensure(/^[1-9][0-9]{0,3}$/.test(text), 'MALFORMED_INPUT', 'pageSize must be a positive integer');
  return intField(Number(text), 'pageSize', 1, MAX_PAGE_SIZE);
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
export function oracleField(v: unknown, what: string): OracleRecord {
  ensure(isObj(v), 'MALFORMED_INPUT', `${what} must be an object {id, publicKey}`);
  ensure(
    typeof v.id === 'string' && ORACLE_ID_PATTERN.test(v.id),
    'MALFORMED_INPUT',
    `${what}.id must match ${ORACLE_ID_PATTERN.source}`,
  );
  return { id: v.id, ...publicKeyField(v.publicKey, `${what}.publicKey`) };
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
export function publicKeyField(v: unknown, what: string): Omit<OracleRecord, 'id'> {
  ensure(typeof v === 'string' && v.length <= 4096, 'MALFORMED_INPUT', `${what} must be a string`);
  const key = normalizePublicKey(v);
  ensure(key !== undefined, 'INVALID_CONFIG', `${what} is not a P-256 or Ed25519 public key`);
  return key;
}

/** The thresholds and oracle set a feed's config digest covers. */
export interface Thresholds {
  /** Fault tolerance. */
  readonly f: number;
  /** Signatures required. */
  readonly minSignatures: number;
  /** Observations required. */
  readonly minObservations: number;
}

/**
 * Checks that an oracle set and thresholds can work together: 1–31 oracles with distinct ids and
 * keys, `n > 3f` (as OCR requires), `f+1 ≤ minSignatures ≤ n` and `2f+1 ≤ minObservations ≤ n`.
 * Keys are compared in canonical form, so one key in two encodings is one key.
 *
 * @param oracles - the oracle set
 * @param t - the thresholds
 * @throws ChaincodeError `INVALID_CONFIG` naming the rule that fails
 * @throws ChaincodeError `DUPLICATE_ORACLE_KEY` naming two oracles that hold the same key
 */
export function checkOracleConfig(oracles: readonly OracleRecord[], t: Thresholds): void {
  const n = oracles.length;
  ensure(n >= 1 && n <= MAX_ORACLES, 'INVALID_CONFIG', `a feed needs 1 to ${MAX_ORACLES} oracles`);
  ensure(
    new Set(oracles.map((o) => o.id)).size === n,
    'INVALID_CONFIG',
    'oracle ids must be distinct',
  );
  const holder = new Map<string, number>();
  oracles.forEach((o, i) => {
    const key = canonicalPublicKey(o.publicKey);
    const j = holder.get(key);
    ensure(
      j === undefined,
      'DUPLICATE_ORACLE_KEY',
      `oracles ${oracles[j ?? 0]?.id ?? ''} (index ${String(j)}) and ${o.id} (index ${i}) have the same public key`,
    );
    holder.set(key, i);
  });
  ensure(
    n > 3 * t.f,
    'INVALID_CONFIG',
    `${n} oracles cannot tolerate f=${t.f} faults (need n > 3f)`,
  );
  ensure(
    t.minSignatures >= t.f + 1 && t.minSignatures <= n,
    'INVALID_CONFIG',
    `minSignatures must be from f+1=${t.f + 1} to ${n}`,
  );
  ensure(
    t.minObservations >= 2 * t.f + 1 && t.minObservations <= n,
    'INVALID_CONFIG',
    `minObservations must be from 2f+1=${2 * t.f + 1} to ${n}`,
  );
}

/**
 * Reads `{f, minSignatures?, minObservations?}`, defaulting the minimums to `f+1` and `2f+1`.
 *
 * @param v - the object holding the fields
 * @returns the thresholds (not yet checked against an oracle set)
 * @throws ChaincodeError `MALFORMED_INPUT` for non-integer fields
 */
export function thresholdsField(v: Obj): Thresholds {
  const f = intField(v.f, 'f', 0, 10);
  const minSignatures =
    v.minSignatures === undefined
      ? f + 1
      : intField(v.minSignatures, 'minSignatures', 1, MAX_ORACLES);
  const minObservations =
    v.minObservations === undefined
      ? 2 * f + 1
      : intField(v.minObservations, 'minObservations', 1, MAX_ORACLES);
  return { f, minSignatures, minObservations };
}

/**
 * Reads answer bounds, defaulting to the full int192 range.
 *
 * @param v - the object holding `minAnswer` and `maxAnswer`
 * @returns both bounds as canonical decimal strings
 * @throws ChaincodeError `MALFORMED_INPUT` for bad decimals or `minAnswer > maxAnswer`
 */
export function boundsField(v: Obj): { minAnswer: string; maxAnswer: string } {
  const min = v.minAnswer === undefined ? MIN_VALUE : decimalField(v.minAnswer, 'minAnswer');
  const max = v.maxAnswer === undefined ? MAX_VALUE : decimalField(v.maxAnswer, 'maxAnswer');
  ensure(min <= max, 'MALFORMED_INPUT', 'minAnswer must not exceed maxAnswer');
  return { minAnswer: min.toString(), maxAnswer: max.toString() };
}

function observationField(v: unknown, i: number): Observation {
  ensure(isObj(v), 'MALFORMED_INPUT', `observations[${i}] must be an object {oracle, value}`);
  const oracle = intField(v.oracle, `observations[${i}].oracle`, 0, MAX_ORACLES - 1);
  ensure(
    typeof v.value === 'string' && isDecimalInRange(v.value, MIN_VALUE, MAX_VALUE),
    'MALFORMED_INPUT',
    `observations[${i}].value must be a canonical decimal integer string within int192`,
  );
  return { oracle, value: v.value };
}

function signatureField(v: unknown, i: number): ReportSignature {
  ensure(isObj(v), 'MALFORMED_INPUT', `signatures[${i}] must be an object {oracle, signature}`);
  const oracle = intField(v.oracle, `signatures[${i}].oracle`, 0, MAX_ORACLES - 1);
  ensure(
    typeof v.signature === 'string' &&
      v.signature.length > 0 &&
      v.signature.length <= 256 &&
      /^[A-Za-z0-9+/]+={0,2}$/.test(v.signature),
    'MALFORMED_INPUT',
    `signatures[${i}].signature must be base64`,
  );
  return { oracle, signature: v.signature };
}

/**
 * Parses a report argument.
 *
 * @param text - the raw JSON
 * @returns the report
 * @throws ChaincodeError `INPUT_TOO_LARGE` beyond {@link MAX_REPORT_BYTES}
 * @throws ChaincodeError `MALFORMED_INPUT` naming the first field with the wrong shape
 */
export function parseReport(text: string): ReportInput {
  const bytes = Buffer.byteLength(text, 'utf8');
  ensure(
    bytes <= MAX_REPORT_BYTES,
    'INPUT_TOO_LARGE',
    `report is ${bytes} bytes; at most ${MAX_REPORT_BYTES} are accepted`,
  );
  const v = parseObject(text, 'report');
  onlyFields(
    v,
    ['feedId', 'roundId', 'observationsTimestamp', 'configDigest', 'observations', 'signatures'],
    'report',
  );
  const feedId = feedIdArg(v.feedId, 'report.feedId');
  ensure(typeof v.roundId === 'string', 'MALFORMED_INPUT', 'report.roundId must be a string');
  roundIdArg(v.roundId);
  const observationsTimestamp = intField(
    v.observationsTimestamp,
    'report.observationsTimestamp',
    0,
    Number.MAX_SAFE_INTEGER,
  );
  ensure(
    typeof v.configDigest === 'string' && DIGEST_PATTERN.test(v.configDigest),
    'MALFORMED_INPUT',
    'report.configDigest must be 64 lowercase hex characters',
  );
  ensure(
    Array.isArray(v.observations) && v.observations.length <= MAX_ORACLES,
    'MALFORMED_INPUT',
    `report.observations must be an array of at most ${MAX_ORACLES}`,
  );
  ensure(
    Array.isArray(v.signatures) && v.signatures.length <= MAX_ORACLES,
    'MALFORMED_INPUT',
    `report.signatures must be an array of at most ${MAX_ORACLES}`,
  );
  return {
    feedId,
    roundId: v.roundId,
    observationsTimestamp,
    configDigest: v.configDigest,
    observations: (v.observations as unknown[]).map(observationField),
    signatures: (v.signatures as unknown[]).map(signatureField),
  };
}

/**
 * Reads a premium salt: exactly 32 bytes as 64 lowercase hex characters.
 *
 * @param v - the candidate
 * @returns the salt text
 * @throws ChaincodeError `MALFORMED_INPUT` otherwise
 */
export function saltField(v: unknown): string {
  ensure(
    typeof v === 'string' && DIGEST_PATTERN.test(v),
    'MALFORMED_INPUT',
    'salt must be 64 lowercase hex characters (32 bytes)',
  );
  return v;
}

/**
 * Raises `MALFORMED_INPUT` for an unexpected field, so typos are not silently ignored.
 *
 * @param v - the object
 * @param allowed - the fields it may carry
 * @param what - its name for messages
 * @throws ChaincodeError `MALFORMED_INPUT` naming the first unknown field
 */
export function onlyFields(v: Obj, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) fail('MALFORMED_INPUT', `${what} has an unknown field ${key}`);
  }
}
