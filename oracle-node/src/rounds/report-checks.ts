/**
 * A follower's checks of a report it is asked to sign, and the report helpers the leader and the
 * followers share (observations in oracle order, the hash a signature is claimed under).
 */
import { createHash } from 'node:crypto';
import { reports, type Feed, type ReportBody } from '@oracle-consortium/gateway';
import { MAX_VALUE, MIN_VALUE, isDecimalInRange } from '@oracle-consortium/protocol';
import {
  observationBytes,
  verifyOracleSignature,
  type SignRequest,
  type SignedObservation,
} from './messages';
import type { SignatureClaim } from '../store/store';
import { RefusalError } from './p2p';

/**
 * Sorts by oracle index, the order a report lists observations and signatures in.
 *
 * @param xs - observations or signatures
 * @returns a sorted copy
 */
export const sortByOracle = <T extends { oracle: number }>(xs: readonly T[]): T[] =>
  [...xs].sort((a, b) => a.oracle - b.oracle);

/**
 * What the store is asked before this node signs a report body: its feed, round and
 * configuration, the leader attempt, and the hex SHA-256 of the body's encoding.
 *
 * @param body - the report body
 * @param attempt - the leader attempt it was built in
 * @returns the claim for `Store.claimSignature`
 */
export function signatureClaim(body: Readonly<ReportBody>, attempt: number): SignatureClaim {
  return {
    feedId: body.feedId,
    roundId: body.roundId,
    attempt,
    configDigest: body.configDigest,
    reportHash: createHash('sha256').update(reports.encodeReport(body)).digest('hex'),
  };
}

/**
 * Checks an observation: for this feed, round, attempt and configuration, a decimal integer, and
 * signed by the oracle at its index.
 *
 * @param feed - the feed
 * @param o - the signed observation
 * @param roundId - the round
 * @param attempt - the leader attempt
 * @returns true when it may be used
 */
export function checkObservation(
  feed: Readonly<Feed>,
  o: SignedObservation,
  roundId: bigint,
  attempt: number,
): boolean {
  const oracle = feed.oracles[o.oracle];
  return (
    oracle !== undefined &&
    o.feedId === feed.feedId &&
    o.roundId === roundId.toString() &&
    o.attempt === attempt &&
    o.configDigest === feed.configDigest &&
    // What a report can carry (a canonical int192 decimal): one value outside it would make the
    // report unencodable and every round that includes it fail.
    isDecimalInRange(o.value, MIN_VALUE, MAX_VALUE) &&
    verifyOracleSignature(oracle.keyType, oracle.publicKey, observationBytes(o), o.signature)
  );
}

/**
 * Checks a leader's request to sign: the body is for this feed, round and configuration, its
 * timestamp is near this node's clock, each observation is signed by its oracle and listed once,
 * the body carries exactly those values, and there are enough of them.
 *
 * @param feed - the feed
 * @param m - the request
 * @param nowSeconds - this node's clock, Unix seconds
 * @param checkObservation - verifies one observation's round, attempt and signature
 * @throws RefusalError `BAD_REPORT` naming what is wrong
 */
export function checkSignRequest(
  feed: Readonly<Feed>,
  m: Readonly<SignRequest>,
  nowSeconds: number,
  checkObservation: (o: SignedObservation) => boolean,
): void {
  const bad = (message: string): RefusalError =>
    new RefusalError({ refused: 'BAD_REPORT', message });
  const body = m.body;
  if (
    body.feedId !== feed.feedId ||
    body.roundId !== m.roundId ||
    body.configDigest !== feed.configDigest
  ) {
    throw bad('the body is not for this feed, round and configuration');
  }
  const skew = Math.abs(body.observationsTimestamp - nowSeconds);
  if (
    !Number.isInteger(body.observationsTimestamp) ||
    skew > Math.max(60, feed.maxFutureSkewSeconds)
  ) {
    throw bad(
      `observationsTimestamp ${body.observationsTimestamp} is ${skew}s from this node's clock`,
    );
  }
  const seen = new Set<number>();
  for (const o of m.observations) {
    if (seen.has(o.oracle) || !checkObservation(o)) {
      throw bad(
        `the observation of oracle index ${o.oracle} is repeated or its signature does not verify`,
      );
    }
    seen.add(o.oracle);
  }
  const expected = JSON.stringify(
    sortByOracle(m.observations).map((o) => ({ oracle: o.oracle, value: o.value })),
  );
  if (expected !== JSON.stringify(body.observations))
    throw bad('the body does not carry exactly the signed observations');
  if (seen.size < feed.minObservations)
    throw bad(`${seen.size} observations, ${feed.minObservations} needed`);
}
