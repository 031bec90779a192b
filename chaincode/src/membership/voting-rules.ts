/**
 * The managed service's voting rules as pure functions, so the conformance table can test them
 * directly and through the contract. Everything here is integer arithmetic: no floats, no clock.
 */
import {
  THRESHOLD_COMPARATORS,
  decisionByVotes,
  type ThresholdComparator,
  type VotingPolicy,
} from '@oracle-consortium/protocol';
import { fail } from '../lib/errors';

export { THRESHOLD_COMPARATORS, type ThresholdComparator, type VotingPolicy };

/** A proposal's standing as the rules compute it from its counters and the clock. */
export type Decision = 'IN_PROGRESS' | 'APPROVED' | 'REJECTED' | 'EXPIRED';

/** The counters a decision is computed from. */
export interface Tally {
  /** YES votes cast. */
  readonly yes: number;
  /** NO votes cast. */
  readonly no: number;
  /** Members eligible to vote, fixed when the proposal was created. */
  readonly eligible: number;
}

const MS_PER_HOUR = 3_600_000;

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/**
 * The number of YES votes that approves a proposal.
 *
 * For N eligible members and percentage p: `floor(N·p/100) + 1` with `GREATER_THAN`,
 * `ceil(N·p/100)` with `GREATER_THAN_OR_EQUAL_TO`, computed on the integer N·p.
 *
 * Edge cases, decided here once:
 * - p = 0 with `GREATER_THAN_OR_EQUAL_TO` gives 0; it is raised to 1. A proposal that approves
 *   itself at creation, before any member has spoken, would let any member apply any action
 *   unilaterally without even a vote; with the floor at one YES it is approved by its first YES
 *   vote, the same as p = 0 with `GREATER_THAN`.
 * - p = 100 with `GREATER_THAN` gives N + 1 and is kept as it is: more than all members can never
 *   vote YES, which is what the managed service's policy literally says. Such a proposal is
 *   REJECTED the moment it is created (see {@link decide}), so the network's membership is frozen.
 *
 * @param memberCount - N, the eligible members (a positive integer)
 * @param percentage - p, the threshold percentage (an integer 0–100)
 * @param comparator - the policy's comparator
 * @returns the required YES votes; at least 1, at most N + 1
 * @throws RangeError when N or p is outside its domain (a programming error, not bad input)
 * @example
 * ```ts
 * requiredYesVotes(10, 50, 'GREATER_THAN'); // 6, the managed service's documented example
 * ```
 */
export function requiredYesVotes(
  memberCount: number,
  percentage: number,
  comparator: ThresholdComparator,
): number {
  if (!isInteger(memberCount) || memberCount < 1) {
    throw new RangeError(`member count must be a positive integer, got ${String(memberCount)}`);
  }
  if (!isInteger(percentage) || percentage < 0 || percentage > 100) {
    throw new RangeError(`percentage must be an integer 0-100, got ${String(percentage)}`);
  }
  const product = memberCount * percentage;
  const floor = (product - (product % 100)) / 100;
  if (comparator === 'GREATER_THAN') {
    return floor + 1;
  }
  const ceil = product % 100 === 0 ? floor : floor + 1;
  return Math.max(ceil, 1);
}

/**
 * Decides a proposal from its counters, in this order: APPROVED as soon as YES reaches the
 * required number; REJECTED as soon as YES plus outstanding votes can no longer reach it; EXPIRED
 * when neither holds and the transaction time is at or after the expiration; otherwise
 * IN_PROGRESS.
 *
 * @param tally - YES and NO votes cast and the eligible member count
 * @param required - the required YES votes from {@link requiredYesVotes}
 * @param nowMs - the transaction timestamp, ms since the epoch
 * @param expirationMs - the proposal's expiration, ms since the epoch
 * @returns the decision
 * @throws RangeError when the counters are inconsistent (more votes than eligible members)
 */
export function decide(
  tally: Tally,
  required: number,
  nowMs: number,
  expirationMs: number,
): Decision {
  const outstanding = tally.eligible - tally.yes - tally.no;
  if (tally.yes < 0 || tally.no < 0 || outstanding < 0) {
    throw new RangeError(
      `inconsistent tally: ${tally.yes} yes, ${tally.no} no, ${tally.eligible} eligible`,
    );
  }
  const byVotes = decisionByVotes({
    requiredYesVotes: required,
    yesVoteCount: tally.yes,
    outstandingVoteCount: outstanding,
  });
  if (byVotes !== undefined) {
    return byVotes;
  }
  return nowMs >= expirationMs ? 'EXPIRED' : 'IN_PROGRESS';
}

/**
 * The expiration of a proposal or invitation: creation plus the policy's duration.
 *
 * @param creationMs - the creating transaction's timestamp, ms since the epoch
 * @param policy - the network's voting policy
 * @returns the expiration, ms since the epoch
 */
export function expirationMs(creationMs: number, policy: VotingPolicy): number {
  return creationMs + policy.ProposalDurationInHours * MS_PER_HOUR;
}

/**
 * Validates a parsed policy document. Every field is required (the managed service documents no
 * defaults) and no other field is accepted.
 *
 * @param input - the parsed JSON
 * @returns the policy with exactly its three fields
 * @throws ChaincodeError `MALFORMED_INPUT` when the input is not an object, misses a field, has an
 *   unknown field, or a field has the wrong JSON type
 * @throws ChaincodeError `POLICY_OUT_OF_RANGE` when the percentage is not an integer 0–100, the
 *   duration not an integer 1–168, or the comparator not one of {@link THRESHOLD_COMPARATORS}
 */
export function validatePolicy(input: unknown): VotingPolicy {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    fail('MALFORMED_INPUT', 'policy must be a JSON object');
  }
  const record = input as Record<string, unknown>;
  const fields = ['ProposalDurationInHours', 'ThresholdComparator', 'ThresholdPercentage'];
  for (const key of Object.keys(record)) {
    if (!fields.includes(key)) {
      fail('MALFORMED_INPUT', `policy has an unknown field ${key}`);
    }
  }
  const { ThresholdPercentage: p, ThresholdComparator: c, ProposalDurationInHours: h } = record;
  if (typeof p !== 'number' || typeof h !== 'number' || typeof c !== 'string') {
    fail(
      'MALFORMED_INPUT',
      'policy needs numeric ThresholdPercentage and ProposalDurationInHours and a string ThresholdComparator',
    );
  }
  if (!isInteger(p) || p < 0 || p > 100) {
    fail('POLICY_OUT_OF_RANGE', `ThresholdPercentage must be an integer 0-100, got ${String(p)}`);
  }
  if (!isInteger(h) || h < 1 || h > 168) {
    fail(
      'POLICY_OUT_OF_RANGE',
      `ProposalDurationInHours must be an integer 1-168, got ${String(h)}`,
    );
  }
  const comparator = THRESHOLD_COMPARATORS.find((known) => known === c);
  if (comparator === undefined) {
    fail(
      'POLICY_OUT_OF_RANGE',
      `ThresholdComparator must be GREATER_THAN or GREATER_THAN_OR_EQUAL_TO, got ${c}`,
    );
  }
  return { ThresholdPercentage: p, ThresholdComparator: comparator, ProposalDurationInHours: h };
}
