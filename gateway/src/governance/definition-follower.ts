/**
 * The agent's second duty after a membership change: the chaincode definitions follow the members.
 * For each committed definition it plans the policies over the current members
 * ({@link planDefinition}), reads its own organisation's approvals and the commit readiness, and
 * steps with {@link decideDefinitionAction}: approve for its own organisation, commit once a
 * majority approved, or wait. Re-reading after every step makes the races benign: a commit another
 * agent made first is the committed definition on the next read.
 */
import type { Connection } from '../connection/connection';
import { ConsortiumError } from '../errors';
import { decideDefinitionAction, type DefinitionAction } from './definition-decision';
import { planDefinition, type ChaincodeDefinition, type PolicyNote } from './definition-policy';
import {
  approveDefinitionForMyOrg,
  checkCommitReadiness,
  commitDefinition,
  queryApprovedDefinition,
  queryCommittedDefinitions,
  queryInstalledPackageId,
  sameDefinition,
  type ApprovedDefinition,
} from './lifecycle';

/** The `_lifecycle` calls the follower makes, as its own organisation's admin. */
export interface DefinitionOperations {
  /** @returns every committed definition of the channel */
  committed(): Promise<ChaincodeDefinition[]>;
  /**
   * @param name - the chaincode
   * @param sequence - the sequence
   * @returns its own organisation's approval at that sequence, if any
   */
  approved(name: string, sequence: bigint): Promise<ApprovedDefinition | undefined>;
  /**
   * @param label - a package label
   * @returns the package ID of the installed package with that label on its own peer, if any
   */
  installedPackageId(label: string): Promise<string | undefined>;
  /**
   * @param definition - a definition at the committed sequence plus one
   * @returns each organisation's approval of it
   */
  readiness(definition: ChaincodeDefinition): Promise<Record<string, boolean>>;
  /**
   * Approves a definition for its own organisation.
   *
   * @param definition - the definition
   * @param packageId - the package its own peers run
   */
  approve(definition: ChaincodeDefinition, packageId: string): Promise<void>;
  /**
   * Commits a definition.
   *
   * @param definition - the definition
   * @param endorsers - the organisations whose peers endorse the commit
   */
  commit(definition: ChaincodeDefinition, endorsers: readonly string[]): Promise<void>;
}

/** One step the follower took for a chaincode. */
export interface DefinitionStep {
  /** The chaincode. */
  readonly chaincode: string;
  /** The committed sequence when the step was decided. */
  readonly committedSequence: bigint;
  /** What it decided. */
  readonly action: DefinitionAction;
  /** `ok`, `retry` (refused; it looks again) or `failed`. */
  readonly outcome: 'ok' | 'retry' | 'failed';
  /** What became of each policy (rewritten, current, or kept and why). */
  readonly notes: readonly PolicyNote[];
  /** The error of a `retry` or `failed` step. */
  readonly error?: Error;
}

/** What {@link followDefinitions} needs. */
export interface FollowDefinitionsInput {
  /** The `_lifecycle` calls. */
  readonly operations: DefinitionOperations;
  /** Its own organisation. */
  readonly mspId: string;
  /** The member sets the channel has had, current first (`governance.memberSetsOver`). */
  readonly memberSets: readonly (readonly string[])[];
  /** Steps one chaincode may take; 6 when absent. */
  readonly maxSteps?: number;
  /**
   * Pause after a committed step before looking again, in ms; 1000 when absent. The peer that
   * answers the next query may be another of the member's peers, a block behind the one that
   * reported the commit.
   */
  readonly settleMs?: number;
  /** Called with each step as it is taken. */
  readonly onStep?: (step: DefinitionStep) => void;
}

/**
 * The `_lifecycle` calls over a connection of the organisation's admin.
 *
 * @param connection - the admin's connection
 * @returns the operations
 */
export function lifecycleOperations(connection: Connection): DefinitionOperations {
  return {
    committed: () => queryCommittedDefinitions(connection),
    approved: (name, sequence) => queryApprovedDefinition(connection, name, sequence),
    installedPackageId: (label) => queryInstalledPackageId(connection, label),
    readiness: (definition) => checkCommitReadiness(connection, definition),
    approve: async (definition, packageId) => {
      await approveDefinitionForMyOrg(connection, definition, packageId);
    },
    commit: async (definition, endorsers) => {
      await commitDefinition(connection, definition, endorsers);
    },
  };
}

async function packageIdOf(
  ops: DefinitionOperations,
  committed: ChaincodeDefinition,
  approvedCommitted: ApprovedDefinition | undefined,
): Promise<string | undefined> {
  if (approvedCommitted?.packageId !== undefined) return approvedCommitted.packageId;
  // A member that approved an earlier sequence runs the same package (the definitions this agent
  // writes never change it); a member that never approved finds it by the label deploy gives it.
  if (committed.sequence > 1n) {
    const earlier = await ops.approved(committed.name, committed.sequence - 1n);
    if (earlier?.packageId !== undefined) return earlier.packageId;
  }
  return ops.installedPackageId(`${committed.name}_${committed.version}`);
}

interface Look {
  committed: ChaincodeDefinition;
  next: ChaincodeDefinition | undefined;
  notes: readonly PolicyNote[];
  action: DefinitionAction;
  packageId: string | undefined;
}

async function look(input: FollowDefinitionsInput, name: string): Promise<Look | undefined> {
  const ops = input.operations;
  const committed = (await ops.committed()).find((d) => d.name === name);
  if (committed === undefined) return undefined;
  const organizations = input.memberSets[0] ?? [];
  const { next, notes } = planDefinition(committed, input.memberSets);
  const approvedCommitted = await ops.approved(name, committed.sequence);
  const approvedNext = next === undefined ? undefined : await ops.approved(name, next.sequence);
  const readiness = next === undefined ? {} : { ...(await ops.readiness(next)) };
  // Its own approval, read from its own peer, counts even if the readiness came from a peer a
  // block behind.
  if (
    next !== undefined &&
    approvedNext !== undefined &&
    sameDefinition(approvedNext.definition, next)
  ) {
    readiness[input.mspId] = true;
  }
  const packageId = await packageIdOf(ops, committed, approvedCommitted);
  const action = decideDefinitionAction({
    mspId: input.mspId,
    organizations,
    committedSequence: committed.sequence,
    nextNeeded: next !== undefined,
    approvedCommitted:
      approvedCommitted !== undefined && sameDefinition(approvedCommitted.definition, committed),
    approvedNext:
      next !== undefined &&
      approvedNext !== undefined &&
      sameDefinition(approvedNext.definition, next),
    readiness,
    packageKnown: packageId !== undefined,
  });
  return { committed, next, notes, action, packageId };
}

function sameAction(a: DefinitionAction, b: DefinitionAction): boolean {
  const text = (x: DefinitionAction) =>
    JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return text(a) === text(b);
}

/**
 * Steps every committed chaincode definition towards one over the current members, as one
 * organisation: approvals for itself, a commit once a majority approved.
 *
 * @param input - operations, own MSP id, the channel's member sets
 * @returns every step taken, in order; DONE and WAIT end a chaincode's turn
 * @throws ConnectionError or TransactionError when the committed definitions cannot be listed
 * @example
 * ```ts
 * const steps = await governance.followDefinitions({
 *   operations: governance.lifecycleOperations(adminConn),
 *   mspId: 'Org1MSP',
 *   memberSets: governance.memberSetsOver(config.organizations, appliedChanges),
 * });
 * ```
 */
export async function followDefinitions(
  input: Readonly<FollowDefinitionsInput>,
): Promise<DefinitionStep[]> {
  const steps: DefinitionStep[] = [];
  const push = (step: DefinitionStep) => {
    steps.push(step);
    input.onStep?.(step);
  };
  const names = (await input.operations.committed()).map((d) => d.name);
  const maxSteps = input.maxSteps ?? 6;
  for (const name of names) {
    let previous: { action: DefinitionAction; error: Error } | undefined;
    for (let i = 0; i < maxSteps; i++) {
      let seen: Look | undefined;
      try {
        seen = await look(input, name);
      } catch (err) {
        push({
          chaincode: name,
          committedSequence: 0n,
          action: { kind: 'WAIT', reason: 'its lifecycle state could not be read' },
          outcome: 'failed',
          notes: [],
          error: err instanceof Error ? err : new Error(String(err)),
        });
        break;
      }
      if (seen === undefined) break;
      const { committed, next, notes, action, packageId } = seen;
      const base = { chaincode: name, committedSequence: committed.sequence, notes };
      if (action.kind === 'DONE' || action.kind === 'WAIT') {
        push({ ...base, action, outcome: 'ok' });
        break;
      }
      // The same step refused twice on the same state is a failure, not a race.
      if (previous !== undefined && sameAction(previous.action, action)) {
        push({ ...base, action, outcome: 'failed', error: previous.error });
        break;
      }
      try {
        if (action.kind === 'APPROVE') {
          const definition = action.which === 'next' && next !== undefined ? next : committed;
          await input.operations.approve(definition, packageId ?? '');
        } else if (next !== undefined) {
          await input.operations.commit(next, action.approvers);
        }
        push({ ...base, action, outcome: 'ok' });
        previous = undefined;
        await new Promise((r) => setTimeout(r, input.settleMs ?? 1000));
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        // Another agent committed first, or the config moved: a fresh look decides.
        if (!(err instanceof ConsortiumError)) {
          push({ ...base, action, outcome: 'failed', error });
          break;
        }
        push({ ...base, action, outcome: 'retry', error });
        previous = { action, error };
      }
    }
  }
  return steps;
}
