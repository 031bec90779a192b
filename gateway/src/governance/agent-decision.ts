/**
 * What a member's governance agent does next for one approved channel change, as a pure function
 * of what it sees: the change and its current config update on the chain, and the channel config
 * its peers hold. Kept apart from the I/O so every branch is tested without a network, and so two
 * agents looking at the same state take compatible steps (both propose the same bytes, both
 * broadcast the same READY update: the orderer takes one and refuses the other as stale).
 */
import type { ChannelChange, ChannelUpdate } from '../clients/membership-types';

/** What the agent sees for one change. */
export interface AgentView {
  /** The agent's own organisation. */
  readonly mspId: string;
  /** The approved change. */
  readonly change: ChannelChange;
  /** The change's current (not superseded) config update on the chain, if any. */
  readonly update: ChannelUpdate | undefined;
  /** The channel config the agent's peers hold. */
  readonly config: {
    /** Its sequence. */
    readonly sequence: bigint;
    /** Its Application organisations. */
    readonly organizations: readonly string[];
  };
}

/** The agent's next step for a change. */
export type AgentAction =
  | {
      /** Nothing left to do: the change is applied and recorded. */
      readonly kind: 'DONE';
      /** Why. */
      readonly reason: string;
    }
  | {
      /** Nothing to do now: others must act first (sign, catch up). */
      readonly kind: 'WAIT';
      /** For what. */
      readonly reason: string;
    }
  | {
      /** Build the update on the current config and post it. */
      readonly kind: 'PROPOSE';
      /** Why a new update is needed. */
      readonly reason: string;
    }
  | {
      /** Post this organisation's signature over the update. */
      readonly kind: 'SIGN';
      /** The update. */
      readonly updateId: string;
    }
  | {
      /** Submit the READY update to the ordering service. */
      readonly kind: 'BROADCAST';
      /** The update. */
      readonly updateId: string;
    }
  | {
      /** Record on the chain that the update is in the channel config. */
      readonly kind: 'RECORD_APPLIED';
      /** The update. */
      readonly updateId: string;
      /** The sequence the update produced: its base sequence plus one. */
      readonly newSequence: bigint;
    };

/**
 * Whether a config's organisations already show a change done.
 *
 * @param change - the change
 * @param organizations - the channel's Application organisations
 * @returns true when an ADD_ORG's organisation is in, or a REMOVE_ORG's is out
 */
export function changeInConfig(
  change: Pick<ChannelChange, 'action' | 'mspId'>,
  organizations: readonly string[],
): boolean {
  return organizations.includes(change.mspId) === (change.action === 'ADD_ORG');
}

/**
 * The update of a change the agent should work on, from a list of updates: the change's own
 * `updateId` when the chain names one, else the not-superseded update with the highest base.
 *
 * @param change - the change
 * @param updates - config updates read from the chain
 * @returns the update, or undefined when none is current
 */
export function currentUpdateOf(
  change: ChannelChange,
  updates: readonly ChannelUpdate[],
): ChannelUpdate | undefined {
  const own = updates.filter(
    (u) =>
      u.proposalId === change.proposalId && u.mspId === change.mspId && u.status !== 'SUPERSEDED',
  );
  if (change.updateId !== undefined) {
    const named = own.find((u) => u.updateId === change.updateId);
    if (named !== undefined) return named;
  }
  return own.reduce<ChannelUpdate | undefined>(
    (best, u) =>
      best === undefined || BigInt(u.baseSequence) > BigInt(best.baseSequence) ? u : best,
    undefined,
  );
}

/**
 * The next step for one change.
 *
 * @param view - the change, its current update and the channel config
 * @returns the action; DONE and WAIT mean nothing to do now
 * @example
 * ```ts
 * const action = governance.decideNextAction({ mspId: 'Org1MSP', change, update, config });
 * ```
 */
export function decideNextAction(view: Readonly<AgentView>): AgentAction {
  const { change, update, config, mspId } = view;
  if (change.status === 'APPLIED' || update?.status === 'APPLIED') {
    return { kind: 'DONE', reason: 'the change is applied and recorded' };
  }
  if (!config.organizations.includes(mspId)) {
    return { kind: 'WAIT', reason: `${mspId} is not an organisation of the channel` };
  }
  const current = update?.status === 'SUPERSEDED' ? undefined : update;
  if (changeInConfig(change, config.organizations)) {
    const base = current === undefined ? undefined : BigInt(current.baseSequence);
    if (current?.status === 'READY' && base !== undefined && base < config.sequence) {
      // Applied at its base, so the config it made is the next one, whatever came after.
      return { kind: 'RECORD_APPLIED', updateId: current.updateId, newSequence: base + 1n };
    }
    return {
      kind: 'WAIT',
      reason: 'the channel config already shows the change, but no READY update of it to record',
    };
  }
  if (current === undefined) {
    return { kind: 'PROPOSE', reason: 'no config update for the change yet' };
  }
  const base = BigInt(current.baseSequence);
  if (base < config.sequence) {
    return {
      kind: 'PROPOSE',
      reason: `the update was built on sequence ${base}, the channel is at ${config.sequence}`,
    };
  }
  if (base > config.sequence) {
    return {
      kind: 'WAIT',
      reason: `the update is built on sequence ${base}, this member's peers are still at ${config.sequence}`,
    };
  }
  if (current.status === 'READY') {
    return { kind: 'BROADCAST', updateId: current.updateId };
  }
  const signed = current.signatures.some((s) => s.mspId === mspId);
  // An organisation does not sign its own removal: its vote, not its key, was the say it had.
  const removingSelf = change.action === 'REMOVE_ORG' && change.mspId === mspId;
  if (!signed && !removingSelf) {
    return { kind: 'SIGN', updateId: current.updateId };
  }
  return {
    kind: 'WAIT',
    reason: `waiting for signatures: ${current.signatures.length} of ${current.required}`,
  };
}
