/**
 * Initialisation by every founding member: comparing a founder's call with the pending
 * initialisation, and the result each call returns.
 */
import { canonicalJson } from '@oracle-consortium/protocol';
import type { InitializeResult, MemberRecord, PendingInitialization } from '../types';
import type { VotingPolicy } from '../voting-rules';

const POLICY_FIELDS = [
  'ThresholdPercentage',
  'ThresholdComparator',
  'ProposalDurationInHours',
] as const satisfies readonly (keyof VotingPolicy)[];

/**
 * What a founder's `initialize` arguments change relative to the pending initialisation: one
 * entry per differing policy field, and one for the founders, each naming both values.
 *
 * @param pending - the pending initialisation
 * @param policy - the validated policy of this call
 * @param founders - the sorted founders of this call
 * @returns the differences, empty when the call repeats the pending initialisation exactly
 */
export function initDifferences(
  pending: PendingInitialization,
  policy: VotingPolicy,
  founders: readonly string[],
): string[] {
  const out: string[] = [];
  for (const field of POLICY_FIELDS) {
    if (policy[field] !== pending.policy[field]) {
      out.push(
        `${field} ${JSON.stringify(policy[field])} where the pending one has ${JSON.stringify(pending.policy[field])}`,
      );
    }
  }
  if (canonicalJson(founders) !== canonicalJson(pending.foundingMembers)) {
    out.push(
      `foundingMembers ${canonicalJson(founders)} where the pending one has ${canonicalJson(pending.foundingMembers)}`,
    );
  }
  return out;
}

/**
 * The result of an `initialize` call.
 *
 * @param state - the policy, founders and confirmations after the call
 * @param members - the member registry written, or undefined while confirmations are missing
 * @returns the result, `initialised` exactly when the registry was written
 */
export function initResult(
  state: PendingInitialization,
  members: readonly MemberRecord[] | undefined,
): InitializeResult {
  return {
    initialised: members !== undefined,
    policy: state.policy,
    foundingMembers: state.foundingMembers,
    confirmations: state.confirmations,
    pending: state.foundingMembers.filter((m) => !state.confirmations.includes(m)),
    members: members ?? [],
  };
}
