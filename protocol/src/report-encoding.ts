/**
 * The canonical bytes an oracle signs. Pure (no Fabric, no ledger, nothing but `node:crypto`) so
 * the chaincode that verifies reports and the gateway that builds them run this one module, and
 * both are tested against `test/vectors/report-encoding.json`.
 *
 * ## Report encoding, version 1
 *
 * ```
 * bytes = UTF-8("fabric-oracle-report/v1\n") || UTF-8(body)
 * body  = {"configDigest":"<64 lowercase hex>","feedId":"<feed id>",
 *          "observations":[{"oracle":<index>,"value":"<decimal>"},...],
 *          "observationsTimestamp":<seconds>,"roundId":"<decimal>"}
 * ```
 *
 * `body` is JSON with no whitespace and keys in exactly the order shown (the sorted order, so it
 * equals the project's canonical JSON). Observations keep the order the report gives them. Every
 * field is restricted to characters that JSON writes without escapes, so the body is plain ASCII:
 * - `configDigest`: the feed's current config digest ({@link computeConfigDigest}), 64 lowercase hex;
 * - `feedId`: `^[a-z0-9][a-z0-9._-]{0,63}$`;
 * - `oracle`: the oracle's index in the feed's oracle list, an integer 0–30 written in decimal;
 * - `value`: a canonical decimal integer (`^(0|-?[1-9][0-9]*)$`) within int192, already scaled by
 *   the feed's `decimals`;
 * - `observationsTimestamp`: Unix seconds, an integer 0–2^53-1 written in decimal;
 * - `roundId`: a canonical decimal integer 1–2^64-1.
 *
 * Signatures are over `bytes` exactly: ECDSA P-256 with SHA-256 (DER-encoded, high or low S) or
 * Ed25519 (pure, over the raw bytes, no pre-hash).
 *
 * ## Config digest, version 1
 *
 * ```
 * digest = lowercase hex SHA-256( UTF-8("fabric-oracle-config/v1\n") || UTF-8(config) )
 * config = {"configVersion":<n>,"f":<f>,"feedId":"<id>","minObservations":<n>,"minSignatures":<n>,
 *           "oracles":[{"id":"<oracle id>","keyType":"p256"|"ed25519","publicKey":"<base64 DER SPKI>"},...]}
 * ```
 *
 * `configVersion` grows by one whenever the oracle set or a threshold changes, so a report signed
 * for an earlier oracle set can never verify against a later one, even when the set returns to a
 * previous state.
 */
import { createHash } from 'node:crypto';

/** The domain-separation prefix of a version-1 report. */
export const REPORT_DOMAIN = 'fabric-oracle-report/v1\n';

/** The domain-separation prefix of a version-1 config digest. */
export const CONFIG_DOMAIN = 'fabric-oracle-config/v1\n';

/** The largest number of oracles a feed may have (as in Chainlink OCR). */
export const MAX_ORACLES = 31;

/** Feed ids: lowercase, digits, `.`, `_`, `-`; at most 64 characters. */
export const FEED_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Canonical decimal integers: no sign on zero, no leading zeros, no `+`. */
export const DECIMAL_PATTERN = /^(0|-?[1-9][0-9]*)$/;

/** Config digests: 64 lowercase hex characters. */
export const DIGEST_PATTERN = /^[0-9a-f]{64}$/;

// BigInt(…) rather than literals such as 1n: tsc refuses bigint literals below ES2020, and the AMB
// build of the chaincode compiles this package to ES2019 for Node 12 (which has BigInt itself).

/** The smallest value an observation may carry (int192, as in OCR). */
export const MIN_VALUE = -(BigInt(2) ** BigInt(191));

/** The largest value an observation may carry (int192, as in OCR). */
export const MAX_VALUE = BigInt(2) ** BigInt(191) - BigInt(1);

/** The largest round id (uint64). */
export const MAX_ROUND_ID = BigInt(2) ** BigInt(64) - BigInt(1);

/** One oracle's observation inside a report. */
export interface Observation {
  /** The observing oracle's index in the feed's oracle list. */
  readonly oracle: number;
  /** The observed value as a canonical decimal integer scaled by the feed's decimals. */
  readonly value: string;
}

/** The signed part of a report. */
export interface ReportBody {
  /** The feed's config digest at signing time. */
  readonly configDigest: string;
  /** The feed the report is for. */
  readonly feedId: string;
  /** The round, a canonical decimal integer from 1 to 2^64-1. */
  readonly roundId: string;
  /** When the observations were made, Unix seconds. */
  readonly observationsTimestamp: number;
  /** The observations, in the order the report lists them. */
  readonly observations: readonly Observation[];
}

/** One oracle's signature inside a submitted report. */
export interface ReportSignature {
  /** The signing oracle's index. */
  readonly oracle: number;
  /** Base64 of the signature: DER ECDSA for P-256, 64 raw bytes for Ed25519. */
  readonly signature: string;
}

/** A report as `submitReport` receives it: the signed body and its signatures. */
export interface SignedReport extends ReportBody {
  /** At least `minSignatures` signatures over {@link encodeReport} of the body, from distinct oracles. */
  readonly signatures: readonly ReportSignature[];
}

/** Key types an oracle may use. */
export type OracleKeyType = 'p256' | 'ed25519';

/** One oracle as the config digest covers it. */
export interface OracleConfigEntry {
  /** The oracle's id, unique within the feed. */
  readonly id: string;
  /** The key algorithm. */
  readonly keyType: OracleKeyType;
  /** The public key as base64 of its DER SubjectPublicKeyInfo. */
  readonly publicKey: string;
}

/** The part of a feed's configuration that decides whose signatures count. */
export interface OracleConfig {
  /** The feed id. */
  readonly feedId: string;
  /** Bumped on every change to the oracle set or thresholds. */
  readonly configVersion: number;
  /** Fault tolerance. */
  readonly f: number;
  /** Signatures a report needs (at least `f+1`). */
  readonly minSignatures: number;
  /** Observations a report needs (at least `2f+1`). */
  readonly minObservations: number;
  /** The oracles; a report refers to them by index. */
  readonly oracles: readonly OracleConfigEntry[];
}

/**
 * Whether a string is a canonical decimal integer within `[min, max]`.
 *
 * @param text - the candidate
 * @param min - the smallest allowed value
 * @param max - the largest allowed value
 * @returns true when `text` is canonical and in range
 */
export function isDecimalInRange(text: string, min: bigint, max: bigint): boolean {
  if (text.length > 80 || !DECIMAL_PATTERN.test(text)) {
    return false;
  }
  const v = BigInt(text);
  return v >= min && v <= max;
}

/**
 * Whether a number is a valid oracle index (an integer from 0 to {@link MAX_ORACLES} - 1).
 *
 * @param index - the candidate
 * @returns true when `index` can name an oracle
 */
export function isOracleIndex(index: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < MAX_ORACLES;
}

/**
 * A report body with fields outside encoding v1; `fields` names every one of them.
 */
export class ReportEncodingError extends RangeError {
  /** Always `ReportEncodingError`. */
  override name = 'ReportEncodingError';
  /** The offending fields, such as `roundId` or `observations[2].value`. */
  readonly fields: readonly string[];

  /**
   * @param fields - the offending fields
   */
  constructor(fields: readonly string[]) {
    super(`report fields outside encoding v1: ${fields.join(', ')}`);
    this.fields = fields;
  }
}

function assertBody(body: ReportBody): void {
  const problems: string[] = [];
  if (!DIGEST_PATTERN.test(body.configDigest)) problems.push('configDigest');
  if (!FEED_ID_PATTERN.test(body.feedId)) problems.push('feedId');
  if (!isDecimalInRange(body.roundId, BigInt(1), MAX_ROUND_ID)) problems.push('roundId');
  if (!Number.isSafeInteger(body.observationsTimestamp) || body.observationsTimestamp < 0) {
    problems.push('observationsTimestamp');
  }
  body.observations.forEach((o, i) => {
    if (!isOracleIndex(o.oracle)) problems.push(`observations[${i}].oracle`);
    if (!isDecimalInRange(o.value, MIN_VALUE, MAX_VALUE)) problems.push(`observations[${i}].value`);
  });
  if (problems.length > 0) {
    throw new ReportEncodingError(problems);
  }
}

/**
 * The body text of a report: JSON with the keys in sorted order and no whitespace.
 *
 * @param body - the report's signed fields
 * @returns the ASCII body text
 * @throws ReportEncodingError (a RangeError) naming every field outside the encoding
 */
export function reportBodyText(body: Readonly<ReportBody>): string {
  assertBody(body);
  const observations = body.observations
    .map((o) => `{"oracle":${o.oracle},"value":"${o.value}"}`)
    .join(',');
  return (
    `{"configDigest":"${body.configDigest}","feedId":"${body.feedId}",` +
    `"observations":[${observations}],` +
    `"observationsTimestamp":${body.observationsTimestamp},"roundId":"${body.roundId}"}`
  );
}

/**
 * The exact bytes every oracle signs for a report.
 *
 * @param body - the report's signed fields
 * @returns `UTF-8(REPORT_DOMAIN) || UTF-8(body text)`
 * @throws ReportEncodingError (a RangeError) naming every field outside the encoding
 * @example
 * ```ts
 * const bytes = encodeReport({ configDigest, feedId: 'eth-usd', roundId: '1',
 *   observationsTimestamp: 1767225600, observations: [{ oracle: 0, value: '350012345678' }] });
 * const signature = crypto.sign(null, bytes, ed25519PrivateKey);
 * ```
 */
export function encodeReport(body: Readonly<ReportBody>): Buffer {
  return Buffer.from(REPORT_DOMAIN + reportBodyText(body), 'utf8');
}

/**
 * The digest that binds reports to one configuration of a feed's oracle set.
 *
 * @param config - the feed's oracle configuration
 * @returns 64 lowercase hex characters
 */
export function computeConfigDigest(config: Readonly<OracleConfig>): string {
  const oracles = config.oracles.map((o) => ({
    id: o.id,
    keyType: o.keyType,
    publicKey: o.publicKey,
  }));
  const text = JSON.stringify({
    configVersion: config.configVersion,
    f: config.f,
    feedId: config.feedId,
    minObservations: config.minObservations,
    minSignatures: config.minSignatures,
    oracles,
  });
  return createHash('sha256')
    .update(CONFIG_DOMAIN + text, 'utf8')
    .digest('hex');
}
