/**
 * How a governance agent's steps read, for people and for programs: one line of text per step
 * (what the demo prints) and one flat record per step (what `npm run agent` prints as JSON lines).
 * Both come from here so an action kind added to the agent shows the same way everywhere.
 */
import type { AgentStep, RecordedDecision } from './agent';
import type { DefinitionStep } from './definition-follower';

/** A step as flat JSON-ready fields: bigints as decimal strings, the error as its message and codes. */
export type StepRecord = Readonly<Record<string, string | readonly string[]>>;

function errorFields(error: Error | undefined): Record<string, string> {
  if (error === undefined) return {};
  return {
    error: error.message,
    ...('code' in error && typeof error.code === 'string' ? { code: error.code } : {}),
    ...('chaincodeCode' in error && typeof error.chaincodeCode === 'string'
      ? { chaincodeCode: error.chaincodeCode }
      : {}),
  };
}

function outcomeText(step: { outcome: string; error?: Error }): string {
  return `-> ${step.outcome}${step.error === undefined ? '' : ` (${step.error.message})`}`;
}

/**
 * One channel-change step as a line: its action, the reason or update it names, and its outcome.
 *
 * @param step - the step
 * @returns e.g. `SIGN 3f2a… -> ok`, `WAIT: 1 of 2 signatures -> ok`
 * @example
 * ```ts
 * for (const s of pass.steps) console.log(`${s.mspId}: ${governance.formatAgentStep(s)}`);
 * ```
 */
export function formatAgentStep(step: AgentStep): string {
  const { action } = step;
  const what =
    'reason' in action
      ? `${action.kind}: ${action.reason}`
      : action.kind === 'RECORD_APPLIED'
        ? `${action.kind} ${action.updateId} (sequence ${action.newSequence.toString()})`
        : `${action.kind} ${action.updateId}`;
  return `${what} ${outcomeText(step)}`;
}

/**
 * One chaincode-definition step as a line: the chaincode, its action and its outcome.
 *
 * @param step - the step
 * @returns e.g. `kv APPROVE next definition (sequence 3) -> ok`
 */
export function formatDefinitionStep(step: DefinitionStep): string {
  const { action } = step;
  const what =
    action.kind === 'APPROVE'
      ? `APPROVE ${action.which} definition (sequence ${action.sequence.toString()})`
      : action.kind === 'COMMIT'
        ? `COMMIT sequence ${action.sequence.toString()}, approved by ${action.approvers.join(', ')}`
        : `${action.kind}: ${action.reason}`;
  return `${step.chaincode} ${what} ${outcomeText(step)}`;
}

/**
 * One channel-change step as flat fields.
 *
 * @param step - the step
 * @returns proposalId, mspId, action, the action's updateId / reason / newSequence, outcome and
 *   the error's message and codes
 */
export function agentStepRecord(step: AgentStep): StepRecord {
  const { action } = step;
  return {
    proposalId: step.proposalId,
    mspId: step.mspId,
    action: action.kind,
    ...('updateId' in action ? { updateId: action.updateId } : {}),
    ...('reason' in action ? { reason: action.reason } : {}),
    ...('newSequence' in action ? { newSequence: action.newSequence.toString() } : {}),
    outcome: step.outcome,
    ...errorFields(step.error),
  };
}

/**
 * One chaincode-definition step as flat fields.
 *
 * @param step - the step
 * @returns chaincode, committedSequence, action, the action's sequence / which / reason, the
 *   policies' notes, outcome and the error's message and code
 */
export function definitionStepRecord(step: DefinitionStep): StepRecord {
  const { action } = step;
  return {
    chaincode: step.chaincode,
    committedSequence: step.committedSequence.toString(),
    action: action.kind,
    ...('sequence' in action ? { sequence: action.sequence.toString() } : {}),
    ...('which' in action ? { which: action.which } : {}),
    ...('reason' in action ? { reason: action.reason } : {}),
    policies: step.notes.map((n) => `${n.where}: ${n.plan} ${n.detail}`),
    outcome: step.outcome,
    ...errorFields(step.error),
  };
}

/**
 * A decision the agent recorded as a line.
 *
 * @param decision - the decision
 * @returns e.g. `CLOSE p-0123456789abcdef (its votes decide it) -> ok: APPROVED`
 */
export function formatDecision(decision: RecordedDecision): string {
  const why = decision.reason === 'VOTES' ? 'its votes decide it' : 'it expired';
  const status = decision.status === undefined ? '' : `: ${decision.status}`;
  return `CLOSE ${decision.proposalId} (${why}) ${outcomeText(decision)}${status}`;
}

/**
 * A decision the agent recorded as flat fields.
 *
 * @param decision - the decision
 * @returns proposalId, action `CLOSE`, reason, outcome, the status recorded and the error's
 *   message and codes
 */
export function decisionRecord(decision: RecordedDecision): StepRecord {
  return {
    proposalId: decision.proposalId,
    action: 'CLOSE',
    reason: decision.reason,
    outcome: decision.outcome,
    ...(decision.status === undefined ? {} : { status: decision.status }),
    ...errorFields(decision.error),
  };
}
