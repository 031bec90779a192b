/**
 * The initialisation use case, confirmed by every founding member: comparing a founder's call
 * with the pending initialisation, recording confirmations, and writing the policy and the member
 * registry once the last founder confirms.
 */
import type { Context } from 'fabric-contract-api';
import { canonicalJson } from '@oracle-consortium/protocol';
import { txTimeIso } from '../../lib/context';
import { ensure } from '../../lib/errors';
import { readJson, writeJson } from '../../lib/state';
import type { InitializeResult, MemberRecord, PendingInitialization } from '../types';
import type { VotingPolicy } from '../voting-rules';
import { requireAdmin } from './access';
import { saveChannelState } from './channel-updates';
import { KEY_TYPES, key } from './keys';
import { emit, readPendingInitialization, saveMember } from './store';

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

/**
 * Records a founder's confirmation of the initialisation, and on the last one writes the policy
 * and the member registry. A founder repeating its confirmation gets the pending result again and
 * writes nothing.
 *
 * @param ctx - the transaction context
 * @param policy - the parsed policy
 * @param founders - the parsed founders, sorted
 * @returns the result of this call
 * @throws ChaincodeError `ALREADY_INITIALIZED`, `NOT_AUTHORIZED`, `INIT_MISMATCH`,
 *   `PEER_NOT_FOUNDER`
 */
export async function initialize(
  ctx: Context,
  policy: VotingPolicy,
  founders: readonly string[],
): Promise<InitializeResult> {
  const pending = await readPendingInitialization(ctx);
  const caller = ctx.clientIdentity.getMSPID();
  ensure(
    (pending?.foundingMembers ?? founders).includes(caller),
    'NOT_AUTHORIZED',
    `only a founding member may initialise, and ${caller} is not among them`,
  );
  requireAdmin(ctx, 'initialisation');
  if (pending !== undefined) {
    const differences = initDifferences(pending, policy, founders);
    ensure(
      differences.length === 0,
      'INIT_MISMATCH',
      `every founder must confirm the pending initialisation (confirmed by ${pending.confirmations.join(', ')}) with the same arguments; this call has ${differences.join('; ')}`,
    );
  }
  const peerMsp = ctx.stub.getMspID();
  ensure(
    founders.includes(peerMsp),
    'PEER_NOT_FOUNDER',
    `the founding members leave out ${peerMsp}, whose peer is endorsing; its peers endorse no initialisation without it`,
  );
  if (pending?.confirmations.includes(caller) === true) {
    return initResult(pending, undefined);
  }
  const state: PendingInitialization = {
    policy,
    foundingMembers: founders,
    confirmations: [...(pending?.confirmations ?? []), caller].sort(),
  };
  if (state.confirmations.length < founders.length) {
    await writeJson(ctx, key(ctx, KEY_TYPES.initPending), state);
    const result = initResult(state, undefined);
    emit(ctx, ['InitializationConfirmed'], {
      confirmations: result.confirmations,
      pending: result.pending,
    });
    return result;
  }
  await writeJson(ctx, key(ctx, KEY_TYPES.policy), policy);
  const joinedDate = txTimeIso(ctx);
  const members: MemberRecord[] = founders.map((mspId) => ({
    mspId,
    joinedDate,
    joinedBy: 'FOUNDING',
  }));
  for (const member of members) {
    await saveMember(ctx, member);
  }
  // The founders are the channel's organisations; the config sequence is unknown until the
  // first recorded channel update.
  await saveChannelState(ctx, { sequence: '0', organizations: founders });
  if (pending !== undefined) {
    await ctx.stub.deleteState(key(ctx, KEY_TYPES.initPending));
  }
  emit(ctx, ['InitializationConfirmed', 'Initialized', 'MemberAdded'], {
    membersAdded: [...founders],
    confirmations: state.confirmations,
    pending: [],
  });
  return initResult(state, members);
}

/**
 * Refuses a second initialisation.
 *
 * @param ctx - the transaction context
 * @throws ChaincodeError `ALREADY_INITIALIZED` once every founder has confirmed
 */
export async function requireNotInitialized(ctx: Context): Promise<void> {
  const existing = await readJson(ctx, key(ctx, KEY_TYPES.policy));
  ensure(
    existing === undefined,
    'ALREADY_INITIALIZED',
    'the membership contract is already initialised',
  );
}
