/**
 * What a member's agent does next for one chaincode definition, as a pure function of what it
 * reads from `_lifecycle`: the committed definition, the one the current members call for, its own
 * organisation's approvals and the commit readiness. Each member approves only for itself (with its
 * own admin key); whoever sees a majority of approvals commits, and a commit another agent made
 * first shows up on the next read as the committed definition.
 */

/** What the agent sees for one chaincode. */
export interface DefinitionView {
  /** The agent's own organisation. */
  readonly mspId: string;
  /** The channel's Application organisations now. */
  readonly organizations: readonly string[];
  /** The committed definition's sequence. */
  readonly committedSequence: bigint;
  /** Whether the members' change calls for a next definition (sequence + 1). */
  readonly nextNeeded: boolean;
  /** Whether its own organisation approved the committed definition (its peers serve it). */
  readonly approvedCommitted: boolean;
  /** With `nextNeeded`: whether its own organisation approved exactly the next definition. */
  readonly approvedNext: boolean;
  /** With `nextNeeded`: the organisations' approvals of the next definition (CheckCommitReadiness). */
  readonly readiness: Readonly<Record<string, boolean>>;
  /** Whether its own peers have a package to approve with. */
  readonly packageKnown: boolean;
}

/** The agent's next step for one chaincode. */
export type DefinitionAction =
  | {
      /** Nothing to do: the definition is over the current members and approved. */
      readonly kind: 'DONE';
      /** Why. */
      readonly reason: string;
    }
  | {
      /** Nothing to do now: other members must approve first. */
      readonly kind: 'WAIT';
      /** For what. */
      readonly reason: string;
    }
  | {
      /** Approve a definition for its own organisation. */
      readonly kind: 'APPROVE';
      /** `next` (the rewritten definition) or `committed` (so its own peers serve it). */
      readonly which: 'next' | 'committed';
      /** The sequence approved. */
      readonly sequence: bigint;
    }
  | {
      /** Commit the next definition: a majority of the organisations approved it. */
      readonly kind: 'COMMIT';
      /** The sequence committed. */
      readonly sequence: bigint;
      /** The organisations that approved it: they endorse the commit. */
      readonly approvers: readonly string[];
    };

/**
 * The number of organisations a channel's `MAJORITY` policy needs.
 *
 * @param count - how many organisations the channel has
 * @returns more than half of them
 */
export function majorityOf(count: number): number {
  return Math.floor(count / 2) + 1;
}

/**
 * The next step for one chaincode definition.
 *
 * @param view - the definition's state as its own organisation sees it
 * @returns the action; DONE and WAIT mean nothing to do now
 * @example
 * ```ts
 * const action = governance.decideDefinitionAction({ mspId: 'Org1MSP', ... });
 * ```
 */
export function decideDefinitionAction(view: Readonly<DefinitionView>): DefinitionAction {
  const { mspId, organizations } = view;
  if (!organizations.includes(mspId)) {
    return { kind: 'WAIT', reason: `${mspId} is not an organisation of the channel` };
  }
  if (!view.nextNeeded) {
    if (view.approvedCommitted) {
      return {
        kind: 'DONE',
        reason: `sequence ${view.committedSequence} is over the current members and approved by ${mspId}`,
      };
    }
    if (!view.packageKnown) {
      return {
        kind: 'WAIT',
        reason: `${mspId} has not approved sequence ${view.committedSequence} and its peers have no package of the chaincode installed`,
      };
    }
    return { kind: 'APPROVE', which: 'committed', sequence: view.committedSequence };
  }
  const next = view.committedSequence + 1n;
  if (!view.approvedNext) {
    if (!view.packageKnown) {
      return {
        kind: 'WAIT',
        reason: `${mspId} must approve sequence ${next} but its peers have no package of the chaincode installed`,
      };
    }
    return { kind: 'APPROVE', which: 'next', sequence: next };
  }
  const approvers = organizations.filter((o) => view.readiness[o] === true);
  const needed = majorityOf(organizations.length);
  if (approvers.length >= needed) {
    return { kind: 'COMMIT', sequence: next, approvers };
  }
  return {
    kind: 'WAIT',
    reason: `sequence ${next} has ${approvers.length} of the ${needed} approvals a majority of ${organizations.length} needs`,
  };
}
