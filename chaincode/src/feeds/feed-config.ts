/**
 * A feed's oracle configuration as pure rules: whether an oracle set and thresholds can work
 * together, and what a feed becomes under a new configuration (a new config version and digest,
 * so no report signed under the old one is accepted). `lib/feed-admin.ts` loads and saves the
 * feed around these.
 */
import { MAX_ORACLES, computeConfigDigest } from '@oracle-consortium/protocol';
import { ensure } from '../lib/errors';
import { canonicalPublicKey } from './lib/signatures';
import type { FeedRecord, OracleRecord } from './types';

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
 * A feed under a new oracle set or thresholds: the config version moves on and the digest with
 * it, so reports signed under the old configuration fail with `CONFIG_MISMATCH`.
 *
 * @param feed - the feed as stored
 * @param oracles - the new oracle set
 * @param t - the new thresholds
 * @param now - the transaction time, seconds
 * @returns the reconfigured feed
 * @throws ChaincodeError `INVALID_CONFIG`, `DUPLICATE_ORACLE_KEY` (see {@link checkOracleConfig})
 */
export function reconfigure(
  feed: FeedRecord,
  oracles: readonly OracleRecord[],
  t: Thresholds,
  now: number,
): FeedRecord {
  const thresholds: Thresholds = {
    f: t.f,
    minSignatures: t.minSignatures,
    minObservations: t.minObservations,
  };
  checkOracleConfig(oracles, thresholds);
  const configVersion = feed.configVersion + 1;
  const configDigest = computeConfigDigest({
    feedId: feed.feedId,
    configVersion,
    oracles,
    ...thresholds,
  });
  return { ...feed, oracles, ...thresholds, configVersion, configDigest, updatedAt: now };
}
