/**
 * A feed of n fresh oracles and a report every one of them signed, for the scripts that measure
 * the chaincode's report checks outside a network (scripts/bench-verify.ts,
 * scripts/bench/report-state.ts): f = floor((n - 1) / 3), f + 1 signatures and 2f + 1
 * observations required, as the bench's feeds are configured.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  computeConfigDigest,
  encodeReport,
  type FeedRecord,
  type OracleKeyType,
  type SignedReport,
} from '@oracle-consortium/protocol';

/** The feed fields report verification reads (the chaincode's `VerifyingFeed`). */
export type SignedCaseFeed = Pick<
  FeedRecord,
  'feedId' | 'oracles' | 'minSignatures' | 'minObservations' | 'configDigest'
>;

/** A feed and a report signed by each of its oracles. */
export interface SignedReportCase {
  /** Feed `bench`, configuration version 1. */
  readonly feed: SignedCaseFeed;
  /** Round 1, one observation and one signature per oracle. */
  readonly report: SignedReport;
}

/**
 * Generates n oracle keys of one type, the feed they serve and a report all of them signed.
 *
 * @param n - the number of oracles (at least 1)
 * @param keyType - `p256` (default) or `ed25519`
 * @returns the feed and the report
 */
export function signedReportCase(n: number, keyType: OracleKeyType = 'p256'): SignedReportCase {
  const keys: KeyObject[] = [];
  const oracles = Array.from({ length: n }, (_, i) => {
    const pair =
      keyType === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keys.push(pair.privateKey);
    return {
      id: `oracle-${i}`,
      keyType,
      publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    };
  });
  const f = Math.floor((n - 1) / 3);
  const thresholds = { f, minSignatures: f + 1, minObservations: 2 * f + 1 };
  const configDigest = computeConfigDigest({
    feedId: 'bench',
    configVersion: 1,
    oracles,
    ...thresholds,
  });
  const body = {
    feedId: 'bench',
    roundId: '1',
    observationsTimestamp: 1_767_225_600,
    configDigest,
    observations: oracles.map((_, i) => ({
      oracle: i,
      value: String(350_000_000_000n + BigInt((i * 7919) % 101)),
    })),
  };
  const bytes = encodeReport(body);
  const signatures = keys.map((key, i) => ({
    oracle: i,
    signature: (keyType === 'ed25519'
      ? sign(null, bytes, key)
      : sign('sha256', bytes, { key, dsaEncoding: 'der' })
    ).toString('base64'),
  }));
  return {
    feed: { feedId: 'bench', oracles, configDigest, ...thresholds },
    report: { ...body, signatures },
  };
}
