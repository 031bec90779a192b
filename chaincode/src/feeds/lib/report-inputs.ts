/**
 * Parsing a report and a revealed premium value (the `parse*` convention of `../../lib/inputs.ts`).
 * A report is checked for shape only here; whether it is accepted is `acceptReport`'s decision.
 */
import {
  DIGEST_PATTERN,
  MAX_ORACLES,
  MIN_VALUE,
  MAX_VALUE,
  isDecimalInRange,
  type Observation,
} from '@oracle-consortium/protocol';
import { ensure } from '../../lib/errors';
import { isJsonObject, parseObject, rejectUnknownFields } from '../../lib/inputs';
import type { ReportInput, ReportSignature } from '../types';
import { parseFeedId, parseInteger, parseRoundId } from './inputs';

/**
 * The most bytes a report argument may hold. A 31-oracle report with the longest values
 * (int192 minimum) and ECDSA signatures is about 6.7 KB as compact JSON and 8.3 KB indented;
 * 16 KiB leaves room for any formatting and nothing for padding.
 */
export const MAX_REPORT_BYTES = 16 * 1024;

function parseObservation(v: unknown, i: number): Observation {
  ensure(
    isJsonObject(v),
    'MALFORMED_INPUT',
    `observations[${i}] must be an object {oracle, value}`,
  );
  const oracle = parseInteger(v.oracle, `observations[${i}].oracle`, 0, MAX_ORACLES - 1);
  ensure(
    typeof v.value === 'string' && isDecimalInRange(v.value, MIN_VALUE, MAX_VALUE),
    'MALFORMED_INPUT',
    `observations[${i}].value must be a canonical decimal integer string within int192`,
  );
  return { oracle, value: v.value };
}

function parseSignature(v: unknown, i: number): ReportSignature {
  ensure(
    isJsonObject(v),
    'MALFORMED_INPUT',
    `signatures[${i}] must be an object {oracle, signature}`,
  );
  const oracle = parseInteger(v.oracle, `signatures[${i}].oracle`, 0, MAX_ORACLES - 1);
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
  rejectUnknownFields(
    v,
    ['feedId', 'roundId', 'observationsTimestamp', 'configDigest', 'observations', 'signatures'],
    'report',
  );
  const feedId = parseFeedId(v.feedId, 'report.feedId');
  ensure(typeof v.roundId === 'string', 'MALFORMED_INPUT', 'report.roundId must be a string');
  parseRoundId(v.roundId);
  const observationsTimestamp = parseInteger(
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
    observations: (v.observations as unknown[]).map(parseObservation),
    signatures: (v.signatures as unknown[]).map(parseSignature),
  };
}

/**
 * Reads a premium salt: exactly 32 bytes as 64 lowercase hex characters.
 *
 * @param v - the candidate
 * @returns the salt text
 * @throws ChaincodeError `MALFORMED_INPUT` otherwise
 */
export function parseSalt(v: unknown): string {
  ensure(
    typeof v === 'string' && DIGEST_PATTERN.test(v),
    'MALFORMED_INPUT',
    'salt must be 64 lowercase hex characters (32 bytes)',
  );
  return v;
}

/** A premium value revealed for checking against its round's commitment. */
export interface RevealedPremium {
  /** The value (any JSON). */
  readonly value: unknown;
  /** The salt, 64 lowercase hex characters. */
  readonly salt: string;
}

/**
 * Parses `verifyPremium`'s argument, `{value, salt}`.
 *
 * @param text - the raw JSON
 * @returns the revealed value and salt
 * @throws ChaincodeError `MALFORMED_INPUT` for bad JSON, an unknown or missing field, or a bad salt
 */
export function parseRevealedPremium(text: string): RevealedPremium {
  const v = parseObject(text, 'revealed');
  rejectUnknownFields(v, ['value', 'salt'], 'revealed');
  ensure('value' in v, 'MALFORMED_INPUT', 'revealed.value is missing');
  return { value: v.value, salt: parseSalt(v.salt) };
}
