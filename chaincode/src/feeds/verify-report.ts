/**
 * The stateless half of report acceptance: config digest, observers, signers, signatures, median.
 * It needs only the feed's configuration, so the benchmark measures exactly what the contract runs.
 */
import { createHash } from 'node:crypto';
import { ensure } from '../lib/errors';
import { median } from './lib/median';
import { encodeReport } from '@oracle-consortium/protocol';
import { canonicalPublicKey, verifySignature } from './lib/signatures';
import type { FeedRecord, ReportInput } from './types';

/** What a verified report yields. */
export interface VerifiedReport {
  /** The median observation. */
  readonly answer: bigint;
  /** Indices of the oracles whose signatures verified, ascending. */
  readonly signers: number[];
  /** Lowercase hex SHA-256 of the signed bytes, computed from the encoding verified here once. */
  readonly reportDigest: string;
}

/** The feed fields report verification reads. */
export type VerifyingFeed = Pick<
  FeedRecord,
  'feedId' | 'oracles' | 'minSignatures' | 'minObservations' | 'configDigest'
>;

/**
 * Verifies a report against a feed's current configuration. Cheap structural checks run before
 * any signature is verified, and every signature is checked (none is skipped once enough are
 * valid), so a report either carries only good signatures or is rejected.
 *
 * @param feed - the feed's configuration
 * @param report - the parsed report
 * @returns the median answer, the signer indices and the digest of the signed bytes
 * @throws ChaincodeError `CONFIG_MISMATCH` when signed under another configuration
 * @throws ChaincodeError `UNKNOWN_OBSERVER` for an observation by an index with no oracle
 * @throws ChaincodeError `DUPLICATE_OBSERVER` for two observations by one oracle
 * @throws ChaincodeError `INSUFFICIENT_OBSERVATIONS` for fewer than `minObservations`
 * @throws ChaincodeError `UNKNOWN_SIGNER` for a signature by an index with no oracle
 * @throws ChaincodeError `DUPLICATE_SIGNER` for two signatures by one oracle, or by two indices
 *   that hold one key (possible only in a feed registered before keys were stored canonically)
 * @throws ChaincodeError `INSUFFICIENT_SIGNATURES` for fewer than `minSignatures`
 * @throws ChaincodeError `BAD_SIGNATURE` naming the first oracle whose signature does not verify
 */
export function verifyReport(feed: VerifyingFeed, report: ReportInput): VerifiedReport {
  ensure(
    report.configDigest === feed.configDigest,
    'CONFIG_MISMATCH',
    `report for ${feed.feedId} was signed under config ${report.configDigest}, current is ${feed.configDigest}`,
  );
  const n = feed.oracles.length;
  const observers = new Set<number>();
  for (const o of report.observations) {
    ensure(
      o.oracle < n,
      'UNKNOWN_OBSERVER',
      `observation by oracle index ${o.oracle}: feed ${feed.feedId} has ${n} oracles`,
    );
    ensure(
      !observers.has(o.oracle),
      'DUPLICATE_OBSERVER',
      `oracle index ${o.oracle} observed twice`,
    );
    observers.add(o.oracle);
  }
  ensure(
    observers.size >= feed.minObservations,
    'INSUFFICIENT_OBSERVATIONS',
    `${observers.size} observations, feed ${feed.feedId} needs ${feed.minObservations}`,
  );
  const signers = new Set<number>();
  for (const s of report.signatures) {
    ensure(
      s.oracle < n,
      'UNKNOWN_SIGNER',
      `signature by oracle index ${s.oracle}: feed ${feed.feedId} has ${n} oracles`,
    );
    ensure(!signers.has(s.oracle), 'DUPLICATE_SIGNER', `oracle index ${s.oracle} signed twice`);
    signers.add(s.oracle);
  }
  const signerOfKey = new Map<string, number>();
  for (const i of signers) {
    const key = canonicalPublicKey(feed.oracles[i]?.publicKey ?? '');
    const j = signerOfKey.get(key);
    ensure(
      j === undefined,
      'DUPLICATE_SIGNER',
      `oracle indices ${String(j)} and ${i} hold the same public key and signed as one oracle`,
    );
    signerOfKey.set(key, i);
  }
  ensure(
    signers.size >= feed.minSignatures,
    'INSUFFICIENT_SIGNATURES',
    `${signers.size} signatures, feed ${feed.feedId} needs ${feed.minSignatures}`,
  );
  const message = encodeReport(report);
  for (const s of report.signatures) {
    const oracle = feed.oracles[s.oracle];
    ensure(
      oracle !== undefined &&
        verifySignature(
          oracle.keyType,
          oracle.publicKey,
          message,
          Buffer.from(s.signature, 'base64'),
        ),
      'BAD_SIGNATURE',
      `signature of oracle ${oracle?.id ?? String(s.oracle)} (index ${s.oracle}) does not verify`,
    );
  }
  return {
    answer: median(report.observations.map((o) => BigInt(o.value))),
    signers: [...signers].sort((a, b) => a - b),
    reportDigest: createHash('sha256').update(message).digest('hex'),
  };
}
