/**
 * Oracle reports as the `feeds` contract verifies them: the canonical bytes of report encoding v1
 * and the config digest v1 (the protocol package's, the very code the chaincode runs), and
 * signatures over those bytes with any signer of this library or a Node `KeyObject`.
 *
 * ```
 * bytes  = UTF-8("fabric-oracle-report/v1\n") || UTF-8(body)
 * body   = {"configDigest":"<hex>","feedId":"<id>","observations":[{"oracle":<i>,"value":"<dec>"},...],
 *           "observationsTimestamp":<seconds>,"roundId":"<dec>"}
 * digest = hex SHA-256(UTF-8("fabric-oracle-config/v1\n") || UTF-8(canonical config JSON))
 * ```
 */
import { KeyObject, createHash, createPublicKey, sign as cryptoSign } from 'node:crypto';
import * as protocol from '@oracle-consortium/protocol';
import type { OracleKeyType, ReportBody, SignedReport } from '@oracle-consortium/protocol';
import { InputError, SignerError } from '../errors';
import type { Signer } from '../signers/signer';

export {
  REPORT_DOMAIN,
  CONFIG_DOMAIN,
  MAX_ORACLES,
  computeConfigDigest,
  type Observation,
  type ReportBody,
  type ReportSignature,
  type SignedReport,
  type OracleKeyType,
  type OracleConfig,
  type OracleConfigEntry,
} from '@oracle-consortium/protocol';

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

/** The protocol's encoding error as the library's {@link InputError}; anything else unchanged. */
function asInputError(err: unknown): unknown {
  if (err instanceof protocol.ReportEncodingError) {
    return new InputError({ code: 'INVALID_INPUT', message: err.message, cause: err });
  }
  return err;
}

/**
 * The body text of a report: its fields in sorted key order, no whitespace, plain ASCII.
 *
 * @param body - the report's signed fields
 * @returns the body text
 * @throws InputError `INVALID_INPUT` naming every field outside the encoding
 */
export function reportBodyText(body: Readonly<ReportBody>): string {
  try {
    return protocol.reportBodyText(body);
  } catch (err) {
    throw asInputError(err);
  }
}

/**
 * The exact bytes every oracle signs for a report.
 *
 * @param body - the report's signed fields
 * @returns `UTF-8(REPORT_DOMAIN) || UTF-8(body text)`
 * @throws InputError `INVALID_INPUT` when a field is outside the encoding
 */
export function encodeReport(body: Readonly<ReportBody>): Uint8Array {
  try {
    return Uint8Array.from(protocol.encodeReport(body));
  } catch (err) {
    throw asInputError(err);
  }
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
    if (!protocol.isOracleIndex(s.oracle) || seen.has(s.oracle)) {
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
