/**
 * Signature claims for the store tests (SQLite and PostgreSQL): two config digests and a claim for
 * feed `eth` under either.
 */
import type { SignatureClaim } from '../../../oracle-node/src/store/store';

/** A feed configuration digest. */
export const DIGEST_A = 'a'.repeat(64);
/** The digest after a reconfiguration. */
export const DIGEST_B = 'b'.repeat(64);

/**
 * A claim for feed `eth`.
 *
 * @param roundId - the round
 * @param attempt - the leader attempt
 * @param reportHash - stands for the body's hash
 * @param configDigest - default {@link DIGEST_A}
 * @returns the claim
 */
export function claim(
  roundId: string,
  attempt: number,
  reportHash: string,
  configDigest = DIGEST_A,
): SignatureClaim {
  return { feedId: 'eth', roundId, attempt, configDigest, reportHash };
}
