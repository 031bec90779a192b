/**
 * Oracle reports as the `feeds` contract verifies them: the canonical bytes of report encoding v1,
 * the config digest v1, and signatures over those bytes with any signer of this library or a
 * Node `KeyObject`. Reimplemented here (the gateway never imports chaincode code) and tested byte
 * for byte against `test/vectors/report-encoding.json`, the vectors the chaincode is tested with.
 *
 * ```
 * bytes  = UTF-8("fabric-oracle-report/v1\n") || UTF-8(body)
 * body   = {"configDigest":"<hex>","feedId":"<id>","observations":[{"oracle":<i>,"value":"<dec>"},...],
 *           "observationsTimestamp":<seconds>,"roundId":"<dec>"}
 * digest = hex SHA-256(UTF-8("fabric-oracle-config/v1\n") || UTF-8(canonical config JSON))
 * ```
 */
import { KeyObject, createHash, createPublicKey, sign as cryptoSign } from 'node:crypto';
import { InputError, SignerError } from '../errors';
import type { Signer } from '../signers/signer';

/** Domain-separation prefix of a version-1 report. */
export const REPORT_DOMAIN = 'fabric-oracle-report/v1\n';

/** Domain-separation prefix of a version-1 config digest. */
export const CONFIG_DOMAIN = 'fabric-oracle-config/v1\n';

/** The most oracles a feed may have; indices run from 0 to 30. */
export const MAX_ORACLES = 31;

const FEED_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const DECIMAL = /^(0|-?[1-9][0-9]*)$/;
const DIGEST = /^[0-9a-f]{64}$/;
const MIN_VALUE = -(2n ** 191n);
const MAX_VALUE = 2n ** 191n - 1n;
const MAX_ROUND_ID = 2n ** 64n - 1n;

/** One oracle's observation inside a report. */
export interface Observation {
  /** The observing oracle's index in the feed's oracle list (0–30). */
  readonly oracle: number;
  /** The value, a canonical decimal integer within int192, already scaled by the feed's decimals. */
  readonly value: string;
}

/** The signed fields of a report. */
export interface ReportBody {
  /** The feed's current config digest (`Feed.configDigest`), 64 lowercase hex. */
  readonly configDigest: string;
  /** The feed id. */
  readonly feedId: string;
  /** The round, a canonical decimal integer from 1 to 2^64-1. */
  readonly roundId: string;
  /** When the observations were made, Unix seconds. */
  readonly observationsTimestamp: number;
  /** The observations in the order the report lists them. */
  readonly observations: readonly Observation[];
}

/** One oracle's signature inside a submitted report. */
export interface ReportSignature {
  /** The signing oracle's index. */
  readonly oracle: number;
  /** Base64 of the signature: DER ECDSA for P-256, 64 raw bytes for Ed25519. */
  readonly signature: string;
}

/** A report ready for `FeedsClient.submitReport`. */
export interface SignedReport extends ReportBody {
  /** Signatures over {@link encodeReport} of the body, one per signing oracle. */
  readonly signatures: readonly ReportSignature[];
}

/** Key algorithms an oracle may use, as the feed records them. */
export type OracleKeyType = 'p256' | 'ed25519';

/** One oracle as the config digest covers it. */
export interface OracleConfigEntry {
  /** The oracle's id. */
  readonly id: string;
  /** Its key algorithm. */
  readonly keyType: OracleKeyType;
  /** Base64 of its DER SubjectPublicKeyInfo. */
  readonly publicKey: string;
}

/** The part of a feed's configuration the config digest binds reports to. */
export interface OracleConfig {
  /** The feed id. */
  readonly feedId: string;
  /** Bumped by the contract on every oracle or threshold change. */
  readonly configVersion: number;
  /** Fault tolerance. */
  readonly f: number;
  /** Signatures a report needs. */
  readonly minSignatures: number;
  /** Observations a report needs. */
  readonly minObservations: number;
  /** The oracles in index order. */
  readonly oracles: readonly OracleConfigEntry[];
}

/**
 * A key an oracle signs reports with: a {@link Signer} of this library (file, KMS, HSM) or a
 * private `KeyObject` (P-256 or Ed25519).
 */
export type ReportKey = Signer | KeyObject;

/** An oracle's index and key, for {@link buildReport}. */
export interface ReportSigner {
  /** The oracle's index in the feed. */
  readonly oracle: number;
  /** Its signing key. */
  readonly key: ReportKey;
}

function inRange(text: string, min: bigint, max: bigint): boolean {
  if (text.length > 80 || !DECIMAL.test(text)) return false;
  const v = BigInt(text);
  return v >= min && v <= max;
}

function validOracleIndex(i: number): boolean {
  return Number.isInteger(i) && i >= 0 && i < MAX_ORACLES;
}

/**
 * The body text of a report: its fields in sorted key order, no whitespace, plain ASCII.
 *
 * @param body - the report's signed fields
 * @returns the body text
 * @throws InputError `INVALID_INPUT` naming every field outside the encoding
 */
export function reportBodyText(body: Readonly<ReportBody>): string {
  const problems: string[] = [];
  if (!DIGEST.test(body.configDigest)) problems.push('configDigest');
  if (!FEED_ID.test(body.feedId)) problems.push('feedId');
  if (!inRange(body.roundId, 1n, MAX_ROUND_ID)) problems.push('roundId');
  if (!Number.isSafeInteger(body.observationsTimestamp) || body.observationsTimestamp < 0) {
    problems.push('observationsTimestamp');
  }
  body.observations.forEach((o, i) => {
    if (!validOracleIndex(o.oracle)) problems.push(`observations[${i}].oracle`);
    if (!inRange(o.value, MIN_VALUE, MAX_VALUE)) problems.push(`observations[${i}].value`);
  });
  if (problems.length > 0) {
    throw new InputError({
      code: 'INVALID_INPUT',
      message: `report fields outside encoding v1: ${problems.join(', ')}`,
    });
  }
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
 * @throws InputError `INVALID_INPUT` when a field is outside the encoding
 */
export function encodeReport(body: Readonly<ReportBody>): Uint8Array {
  return Uint8Array.from(Buffer.from(REPORT_DOMAIN + reportBodyText(body), 'utf8'));
}

/**
 * The config digest a feed publishes, recomputed from its oracle configuration; use it to check
 * that `Feed.configDigest` covers the oracle set you expect before signing.
 *
 * @param config - the feed's oracle configuration
 * @returns 64 lowercase hex characters
 */
export function computeConfigDigest(config: Readonly<OracleConfig>): string {
  const text = JSON.stringify({
    configVersion: config.configVersion,
    f: config.f,
    feedId: config.feedId,
    minObservations: config.minObservations,
    minSignatures: config.minSignatures,
    oracles: config.oracles.map((o) => ({ id: o.id, keyType: o.keyType, publicKey: o.publicKey })),
  });
  return createHash('sha256')
    .update(CONFIG_DOMAIN + text, 'utf8')
    .digest('hex');
}

function keyObjectType(key: KeyObject): OracleKeyType {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'p256';
  }
  throw new InputError({
    code: 'INVALID_INPUT',
    message:
      `oracle keys must be P-256 or Ed25519, not ${key.asymmetricKeyType ?? 'unknown'} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim(),
  });
}

/**
 * The key type an oracle key registers as.
 *
 * @param key - a signer or private key
 * @returns `p256` or `ed25519`
 * @throws InputError `INVALID_INPUT` for a key of another algorithm
 */
export function oracleKeyType(key: ReportKey): OracleKeyType {
  if (key instanceof KeyObject) return keyObjectType(key);
  return key.algorithm === 'ED25519' ? 'ed25519' : 'p256';
}

/**
 * The public key to register for an oracle (`createFeed`, `addOracle`, `rotateOracleKey`).
 *
 * @param key - a signer, or a private or public key object
 * @returns base64 of the DER SubjectPublicKeyInfo
 * @throws SignerError when a KMS or HSM cannot return its public key
 * @throws InputError `INVALID_INPUT` for a key of another algorithm
 */
export async function oraclePublicKey(key: ReportKey): Promise<string> {
  const pub =
    key instanceof KeyObject
      ? key.type === 'private'
        ? createPublicKey(key)
        : key
      : await key.publicKey();
  keyObjectType(pub);
  return pub.export({ format: 'der', type: 'spki' }).toString('base64');
}

/**
 * Signs encoded report bytes as the contract verifies them: ECDSA P-256 over SHA-256 (the
 * library's EC signers take the digest, so it is computed here) or pure Ed25519 over the bytes.
 *
 * @param bytes - the output of {@link encodeReport}
 * @param key - a signer of this library or a private `KeyObject`
 * @returns the signature bytes (DER for ECDSA)
 * @throws InputError `INVALID_INPUT` for a public or unsupported key object
 * @throws SignerError when a KMS or HSM signer fails
 */
export async function signReport(bytes: Uint8Array, key: ReportKey): Promise<Uint8Array> {
  if (key instanceof KeyObject) {
    if (key.type !== 'private') {
      throw new InputError({ code: 'INVALID_INPUT', message: 'reports need a private key' });
    }
    const signature =
      keyObjectType(key) === 'ed25519'
        ? cryptoSign(null, bytes, key)
        : cryptoSign('sha256', bytes, { key, dsaEncoding: 'der' });
    return Uint8Array.from(signature);
  }
  const message = key.algorithm === 'ED25519' ? bytes : createHash('sha256').update(bytes).digest();
  try {
    return await key.sign(message);
  } catch (err) {
    if (err instanceof SignerError) throw err;
    throw new SignerError({
      code: 'SIGNER_FAILED',
      message: `signing a report failed: ${String(err)}`,
      cause: err,
    });
  }
}

/**
 * Encodes a report and signs it with each given oracle key.
 *
 * @param body - the report's signed fields
 * @param signers - the signing oracles' indices and keys
 * @returns the report with its signatures, ready for `FeedsClient.submitReport`
 * @throws InputError `INVALID_INPUT` when a field is outside the encoding or an index repeats
 * @throws SignerError when a signer fails
 * @example
 * ```ts
 * const feed = await feeds.getFeed('eth-usd');
 * const report = await reports.buildReport(
 *   { feedId: 'eth-usd', configDigest: feed.configDigest, roundId: '7',
 *     observationsTimestamp: Math.floor(Date.now() / 1000),
 *     observations: [{ oracle: 0, value: '350000000000' }, { oracle: 1, value: '350012345678' }] },
 *   [{ oracle: 0, key: kmsSigner }, { oracle: 1, key: ed25519Key }],
 * );
 * await feeds.submitReport(report);
 * ```
 */
export async function buildReport(
  body: Readonly<ReportBody>,
  signers: readonly ReportSigner[],
): Promise<SignedReport> {
  const bytes = encodeReport(body);
  const seen = new Set<number>();
  for (const s of signers) {
    if (!validOracleIndex(s.oracle) || seen.has(s.oracle)) {
      throw new InputError({
        code: 'INVALID_INPUT',
        message: `signer oracle index ${s.oracle} is out of range or repeated`,
      });
    }
    seen.add(s.oracle);
  }
  const signatures = await Promise.all(
    signers.map(async (s) => ({
      oracle: s.oracle,
      signature: Buffer.from(await signReport(bytes, s.key)).toString('base64'),
    })),
  );
  return {
    configDigest: body.configDigest,
    feedId: body.feedId,
    roundId: body.roundId,
    observationsTimestamp: body.observationsTimestamp,
    observations: body.observations.map((o) => ({ oracle: o.oracle, value: o.value })),
    signatures,
  };
}
