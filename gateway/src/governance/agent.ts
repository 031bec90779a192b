/**
 * The member-side governance agent: one per member, acting with that member's admin identity
 * (whose key may be in a file, the KMS or the HSM). It scans the approved channel changes, and for
 * each does the member's part through the membership contract: post the config update built on
 * the current config, post the member's signature, and once the update is READY, submit it to the
 * ordering service and record the new config sequence. No signed file passes between members.
 * After the changes, each pass makes the chaincode definitions follow the members
 * ({@link followDefinitions}): a policy that is an OR over every member is rewritten over the
 * current ones, approved for the member's own organisation and committed once a majority approved.
 *
 * A pass re-reads the state after every step and asks {@link decideNextAction} again, so the
 * races between agents resolve themselves: a refusal because the config or the chain moved
 * (STALE_CONFIG_SEQUENCE from the contract, a stale read set from the orderer, a lost MVCC race)
 * leads to a fresh look, where the update is rebuilt or found applied by another member.
 */
import {
  TransactionError,
  ContractError,
  GovernanceError,
  ConsortiumError,
  isReadConflict,
} from '../errors';
import type { Connection } from '../connection/connection';
import { closedElsewhere, type MembershipClient } from '../clients/membership-client';
import type { ChannelChange, ChannelUpdate } from '../clients/membership-types';
import { newMembershipEventStream, type EventStream } from '../clients/events';
import type { MembershipEventPayload } from '../clients/membership-types';
import type { OrdererEndpoint, BroadcastOptions } from '../orderer/broadcast';
import { readChannelConfig, type ChannelConfig } from './channel-config';
import { newConfigtxlator, type Configtxlator } from './configtxlator';
import { buildChannelUpdate, type BuiltUpdate } from './update-builder';
import {
  signConfigUpdate,
  type ConfigSignatureParts,
  type ConfigSigningIdentity,
} from './config-signature';
import { applyConfigUpdate } from './apply-update';
import {
  followDefinitions,
  lifecycleOperations,
  type DefinitionOperations,
  type DefinitionStep,
} from './definition-follower';
import { memberSetsOver, type AppliedMembershipChange } from './definition-policy';
import { decisionByVotes } from '@oracle-consortium/protocol';
import {
  changeInConfig,
  currentUpdateOf,
  decideNextAction,
  type AgentAction,
} from './agent-decision';

/**
 * The membership contract calls the agent makes. `listProposals` and `closeProposal` are for its
 * first duty, recording decisions (see {@link RecordedDecision}); a membership without them (a
 * test's fake of the channel-update calls) skips that duty.
 */
export type AgentMembership = Pick<
  MembershipClient,
  | 'listChannelChanges'
  | 'listChannelUpdates'
  | 'getChannelUpdate'
  | 'proposeChannelUpdate'
  | 'signChannelUpdate'
  | 'recordChannelUpdateApplied'
> &
  Partial<Pick<MembershipClient, 'listProposals' | 'closeProposal'>>;

/**
 * A decision the agent recorded with `closeProposal`: an open proposal whose votes, counted afresh,
 * decide it (votes cast at the same moment each count only the votes their client had read, so
 * none records the decision they reach together), or whose expiration is a minute or more past.
 * Until it is recorded an approval creates no channel change, so no agent would act on it.
 */
export interface RecordedDecision {
  /** The proposal. */
  readonly proposalId: string;
  /** Why the agent closed it: its votes decide it, or it expired. */
  readonly reason: 'VOTES' | 'EXPIRED';
  /**
   * `ok` (recorded, `status` says how), `elsewhere` (another member's client or agent recorded
   * it first) or `failed`.
   */
  readonly outcome: 'ok' | 'elsewhere' | 'failed';
  /** The status recorded, with `ok`. */
  readonly status?: string;
  /** The error of a `failed` attempt. */
  readonly error?: Error;
}

/** The channel side of the agent: config reads, update builds, signatures and submission. */
export interface ChannelOperations {
  /**
   * @returns the channel config the member's peers hold
   */
  read(): Promise<ChannelConfig>;
  /**
   * @param change - the change
   * @param config - the config to build on
   * @returns the update
   */
  build(change: ChannelChange, config: ChannelConfig): Promise<BuiltUpdate>;
  /**
   * @param configUpdate - the update's bytes
   * @returns the admin's config signature
   */
  sign(configUpdate: Uint8Array): Promise<ConfigSignatureParts>;
  /**
   * Submits a READY update and waits for the new config.
   *
   * @param change - the change it carries out
   * @param update - the update with its signatures
   * @returns the config after it
   */
  apply(change: ChannelChange, update: ChannelUpdate): Promise<ChannelConfig>;
}

/** One step an agent took. */
export interface AgentStep {
  /** The change's proposal. */
  readonly proposalId: string;
  /** The change's organisation. */
  readonly mspId: string;
  /** What it decided. */
  readonly action: AgentAction;
  /** `ok`, `retry` (refused because something moved: it looks again) or `failed`. */
  readonly outcome: 'ok' | 'retry' | 'failed';
  /** The error of a `retry` or `failed` step. */
  readonly error?: ConsortiumError | Error;
}

/** The outcome of one pass over the pending changes. */
export interface AgentPass {
  /** The decisions recorded before the changes were listed (see {@link RecordedDecision}). */
  readonly decisions: readonly RecordedDecision[];
  /** The changes not yet applied when the pass began. */
  readonly pending: number;
  /** Every step taken, in order; DONE and WAIT end a change's turn. */
  readonly steps: readonly AgentStep[];
  /**
   * The steps taken for the chaincode definitions (approve, commit, wait), after the channel
   * changes; empty when the agent does not follow definitions.
   */
  readonly definitions: readonly DefinitionStep[];
}

/** Options of {@link newGovernanceAgent}. */
export interface GovernanceAgentOptions {
  /** The membership client, connected as the member's admin. */
  readonly membership: AgentMembership;
  /** The admin's identity and signer: the same identity the membership client submits with. */
  readonly admin: ConfigSigningIdentity;
  /** The admin's connection, for config reads and event streams; needed unless `channel` is given. */
  readonly connection?: Connection;
  /** The orderers; needed unless `channel` is given. */
  readonly orderers?: readonly OrdererEndpoint[];
  /** The configtxlator runner; `configtxlator` from the PATH when absent. */
  readonly configtxlator?: Configtxlator;
  /** Replaces the default channel side (config read, build, sign, submit); for tests and tools. */
  readonly channel?: ChannelOperations;
  /**
   * Checkpoint file of the membership event stream `run` follows; `run` only polls without one.
   */
  readonly checkpointPath?: string;
  /** How often `run` rescans without an event, in ms; 30000 when absent. */
  readonly pollIntervalMs?: number;
  /** Steps one change may take in one pass; 8 when absent. */
  readonly maxStepsPerChange?: number;
  /** How long a submitted update may take to show on the member's peers, in ms; 60000 when absent. */
  readonly applyWaitMs?: number;
  /** Broadcast options. */
  readonly broadcast?: BroadcastOptions;
  /** Called with every step as it is taken. */
  readonly onStep?: (step: AgentStep) => void;
  /**
   * The `_lifecycle` calls that make chaincode definitions follow the members; over `connection`
   * when absent and a connection is given; `false` turns the duty off.
   */
  readonly definitions?: DefinitionOperations | false;
  /** Called with every definition step as it is taken. */
  readonly onDefinitionStep?: (step: DefinitionStep) => void;
  /** Called with every decision the agent records, as it is recorded. */
  readonly onDecision?: (decision: RecordedDecision) => void;
}

/** A member's governance agent. */
export interface GovernanceAgent {
  /**
   * One pass: the decisions open proposals have reached recorded; every change not yet applied,
   * stepped until it is done or waits on others; then every committed chaincode definition,
   * stepped towards one over the current members.
   *
   * @returns the steps taken; none when the membership contract is not initialised yet
   * @throws ContractError or ConnectionError when the changes cannot be listed
   */
  runOnce(): Promise<AgentPass>;
  /**
   * Passes now, on every relevant membership event and every poll interval, until `stop()`.
   * Failed passes are reported through `onStep`/`onError` and do not end the loop.
   *
   * @param onError - called with a pass's error
   * @returns when stopped
   * @throws TransactionError `EVENTS_FAILED` / `ACCESS_DENIED` when the event stream cannot continue
   */
  run(onError?: (err: unknown) => void): Promise<void>;
  /** Ends `run` after the pass in progress. Idempotent. */
  stop(): void;
}

/** How long after a proposal's expiration the agent records it as EXPIRED. */
const EXPIRY_MARGIN_MS = 60_000;

/** The page size the agent lists open proposals in (the contract's largest). */
const PROPOSAL_PAGE = 100;

/** Event types after which a pass may find something to do. */
const RELEVANT: ReadonlySet<string> = new Set([
  // A vote may leave a decision to record (votes cast at the same moment, see RecordedDecision).
  'VoteCast',
  'ProposalStatusChanged',
  'ChannelUpdateProposed',
  'ChannelUpdateSigned',
  'ChannelUpdateReady',
  'ChannelChangeApplied',
  'MemberAdded',
  'MemberRemoved',
]);

/**
 * Whether a refusal means "something moved, look again" rather than a failure.
 *
 * @param err - what a step threw
 * @returns true for a stale config or sequence, an update already proposed, signed or applied by
 *   another member, and a lost MVCC race
 */
export function isRetryableRefusal(err: unknown): boolean {
  if (err instanceof GovernanceError) {
    return err.code === 'STALE_CONFIG' || err.code === 'CHANGE_ALREADY_IN_CONFIG';
  }
  if (err instanceof ContractError) {
    const code: string = (err as ContractError).chaincodeCode;
    return [
      'STALE_CONFIG_SEQUENCE',
      'ALREADY_SIGNED',
      'UPDATE_ALREADY_PROPOSED',
      'CHANGE_ALREADY_APPLIED',
    ].includes(code);
  }
  return isReadConflict(err);
}

function sameAction(a: AgentAction, b: AgentAction): boolean {
  return (
    JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ===
    JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  );
}

function defaultChannel(options: Readonly<GovernanceAgentOptions>): ChannelOperations {
  const { connection, orderers } = options;
  if (connection === undefined || orderers === undefined) {
    throw new GovernanceError({
      code: 'CONFIG_UPDATE_INVALID',
      message: 'a governance agent needs a connection and orderers (or its own channel operations)',
    });
  }
  const tool = options.configtxlator ?? newConfigtxlator();
  return {
    read: () => readChannelConfig(connection),
    build: (change, config) => buildChannelUpdate(change, config, tool),
    sign: (configUpdate) => signConfigUpdate(configUpdate, options.admin),
    apply: async (change, update) => {
      const { config } = await applyConfigUpdate({
        connection,
        orderers,
        channelName: connection.channelName,
        configUpdate: Buffer.from(update.configUpdate, 'base64'),
        signatures: update.signatures.map((s) => ({
          signatureHeader: Buffer.from(s.signatureHeader, 'base64'),
          signature: Buffer.from(s.signature, 'base64'),
        })),
        submitter: options.admin,
        baseSequence: BigInt(update.baseSequence),
        applied: (c) => changeInConfig(change, c.organizations),
        ...(options.applyWaitMs !== undefined ? { waitMs: options.applyWaitMs } : {}),
        ...(options.broadcast !== undefined ? { broadcast: options.broadcast } : {}),
      });
      return config;
    },
  };
}

async function allUpdates(membership: AgentMembership): Promise<ChannelUpdate[]> {
  const out: ChannelUpdate[] = [];
  let bookmark = '';
  do {
    const page = await membership.listChannelUpdates({ pageSize: 100, bookmark });
    out.push(...page.updates);
    bookmark = page.updates.length === 0 ? '' : page.bookmark;
  } while (bookmark !== '');
  return out;
}

class GovernanceAgentImpl implements GovernanceAgent {
  readonly #options: Readonly<GovernanceAgentOptions>;
  readonly #channel: ChannelOperations;
  readonly #maxSteps: number;
  readonly #definitions: DefinitionOperations | undefined;
  #stopped = false;
  #stream: EventStream<MembershipEventPayload> | undefined;
  #wake: (() => void) | undefined;
  #dirty = false;

  constructor(options: Readonly<GovernanceAgentOptions>) {
    this.#options = options;
    this.#channel = options.channel ?? defaultChannel(options);
    this.#maxSteps = options.maxStepsPerChange ?? 8;
    this.#definitions =
      options.definitions === false
        ? undefined
        : (options.definitions ??
          (options.connection !== undefined ? lifecycleOperations(options.connection) : undefined));
  }

  async #view(change: ChannelChange): Promise<{
    change: ChannelChange;
    update: ChannelUpdate | undefined;
    config: ChannelConfig;
  }> {
    const { membership } = this.#options;
    const [changes, updates, config] = await Promise.all([
      membership.listChannelChanges(),
      allUpdates(membership),
      this.#channel.read(),
    ]);
    const fresh =
      changes.find((c) => c.proposalId === change.proposalId && c.mspId === change.mspId) ?? change;
    return { change: fresh, update: currentUpdateOf(fresh, updates), config };
  }

  async #execute(action: AgentAction, change: ChannelChange, config: ChannelConfig) {
    const { membership } = this.#options;
    switch (action.kind) {
      case 'PROPOSE': {
        const built = await this.#channel.build(change, config);
        await membership.proposeChannelUpdate(
          change.proposalId,
          change.mspId,
          built.configUpdate,
          built.baseSequence,
        );
        return;
      }
      case 'SIGN': {
        const update = await membership.getChannelUpdate(action.updateId);
        const parts = await this.#channel.sign(Buffer.from(update.configUpdate, 'base64'));
        await membership.signChannelUpdate(action.updateId, parts.signatureHeader, parts.signature);
        return;
      }
      case 'BROADCAST': {
        const update = await membership.getChannelUpdate(action.updateId);
        await this.#channel.apply(change, update);
        // The update moved the config from its base to the next sequence; a later config change
        // meanwhile does not make that number any different.
        await membership.recordChannelUpdateApplied(
          action.updateId,
          BigInt(update.baseSequence) + 1n,
        );
        return;
      }
      case 'RECORD_APPLIED':
        await membership.recordChannelUpdateApplied(action.updateId, action.newSequence);
        return;
      case 'DONE':
      case 'WAIT':
        return;
    }
  }

  async #step(change: ChannelChange, steps: AgentStep[]): Promise<void> {
    let previous: { action: AgentAction; error: unknown } | undefined;
    const push = (step: AgentStep) => {
      steps.push(step);
      this.#options.onStep?.(step);
    };
    for (let i = 0; i < this.#maxSteps && !this.#stopped; i++) {
      const view = await this.#view(change);
      const action = decideNextAction({ mspId: this.#options.admin.mspId, ...view });
      if (action.kind === 'DONE' || action.kind === 'WAIT') {
        push({ proposalId: change.proposalId, mspId: change.mspId, action, outcome: 'ok' });
        return;
      }
      // The same step failing twice on the same state is a failure, not a race.
      if (previous !== undefined && sameAction(previous.action, action)) {
        push({
          proposalId: change.proposalId,
          mspId: change.mspId,
          action,
          outcome: 'failed',
          error: previous.error as Error,
        });
        return;
      }
      try {
        await this.#execute(action, view.change, view.config);
        push({ proposalId: change.proposalId, mspId: change.mspId, action, outcome: 'ok' });
        previous = undefined;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        if (isRetryableRefusal(err)) {
          push({
            proposalId: change.proposalId,
            mspId: change.mspId,
            action,
            outcome: 'retry',
            error,
          });
          previous = undefined;
        } else if (err instanceof ContractError) {
          // Another member's step may have made this one pointless (the update was applied and
          // recorded meanwhile); look again, and report it only if the same step is still asked.
          push({
            proposalId: change.proposalId,
            mspId: change.mspId,
            action,
            outcome: 'retry',
            error,
          });
          previous = { action, error };
        } else {
          push({
            proposalId: change.proposalId,
            mspId: change.mspId,
            action,
            outcome: 'failed',
            error,
          });
          return;
        }
      }
    }
  }

  async runOnce(): Promise<AgentPass> {
    let listed: ChannelChange[];
    let decisions: RecordedDecision[];
    try {
      decisions = await this.#recordDecisions();
      listed = await this.#options.membership.listChannelChanges();
    } catch (err) {
      // A membership contract nobody initialised yet has had no vote, so no change to carry out.
      if (err instanceof ContractError && err.chaincodeCode === 'NOT_INITIALIZED') {
        return { decisions: [], pending: 0, steps: [], definitions: [] };
      }
      throw err;
    }
    const changes = listed.filter((c) => c.status !== 'APPLIED');
    const steps: AgentStep[] = [];
    for (const change of changes) {
      if (this.#stopped) break;
      await this.#step(change, steps);
    }
    const definitions = this.#stopped ? [] : await this.#followDefinitions();
    return { decisions, pending: changes.length, steps, definitions };
  }

  /**
   * Closes every open proposal whose votes decide it or whose expiration passed at least
   * {@link EXPIRY_MARGIN_MS} ago by this machine's clock: the contract decides by the transaction
   * time, which the client sets, and refuses an early close with PROPOSAL_NOT_EXPIRED, so the
   * margin keeps a clock a little ahead from reporting a failed close every pass near the end.
   */
  async #recordDecisions(): Promise<RecordedDecision[]> {
    // Called on the membership object: a MembershipClient's methods need it as `this`.
    const { membership } = this.#options;
    if (membership.listProposals === undefined || membership.closeProposal === undefined) {
      return [];
    }
    const due: { proposalId: string; reason: RecordedDecision['reason'] }[] = [];
    let bookmark = '';
    do {
      const page = await membership.listProposals({
        status: 'IN_PROGRESS',
        pageSize: PROPOSAL_PAGE,
        bookmark,
      });
      for (const p of page.proposals) {
        if (p.status !== 'IN_PROGRESS') continue;
        if (decisionByVotes(p) !== undefined)
          due.push({ proposalId: p.proposalId, reason: 'VOTES' });
        else if (Date.parse(p.expirationDate) + EXPIRY_MARGIN_MS <= Date.now()) {
          due.push({ proposalId: p.proposalId, reason: 'EXPIRED' });
        }
      }
      bookmark = page.proposals.length < PROPOSAL_PAGE ? '' : page.bookmark;
    } while (bookmark !== '');
    const recorded: RecordedDecision[] = [];
    const push = (decision: RecordedDecision) => {
      recorded.push(decision);
      this.#options.onDecision?.(decision);
    };
    for (const { proposalId, reason } of due) {
      if (this.#stopped) break;
      try {
        const closed = await membership.closeProposal(proposalId);
        push({ proposalId, reason, outcome: 'ok', status: closed.value.status });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        push(
          closedElsewhere(err)
            ? { proposalId, reason, outcome: 'elsewhere' }
            : { proposalId, reason, outcome: 'failed', error },
        );
      }
    }
    return recorded;
  }

  /**
   * The definitions' turn, on the channel's members as they are after this pass's steps: the
   * applied changes on the chain give the member sets the channel had before, which is how a
   * policy over "every member" at the time is told from one over a chosen few.
   */
  async #followDefinitions(): Promise<DefinitionStep[]> {
    if (this.#definitions === undefined) return [];
    const [config, changes] = await Promise.all([
      this.#channel.read(),
      this.#options.membership.listChannelChanges(),
    ]);
    const applied: AppliedMembershipChange[] = changes.flatMap((c) =>
      c.status === 'APPLIED' && c.appliedSequence !== undefined
        ? [{ action: c.action, mspId: c.mspId, appliedSequence: c.appliedSequence }]
        : [],
    );
    return followDefinitions({
      operations: this.#definitions,
      mspId: this.#options.admin.mspId,
      memberSets: memberSetsOver(config.organizations, applied),
      ...(this.#options.onDefinitionStep !== undefined
        ? { onStep: this.#options.onDefinitionStep }
        : {}),
    });
  }

  async run(onError?: (err: unknown) => void): Promise<void> {
    const pollMs = this.#options.pollIntervalMs ?? 30000;
    const { connection, checkpointPath } = this.#options;
    let streamError: unknown;
    if (connection !== undefined && checkpointPath !== undefined) {
      const stream = newMembershipEventStream({ connection, checkpointPath });
      this.#stream = stream;
      void (async () => {
        try {
          for await (const event of stream) {
            if (event.payload.types.some((t) => RELEVANT.has(t))) this.#kick();
          }
        } catch (err) {
          streamError = err;
          this.stop();
        }
      })();
    }
    while (!this.#stopped) {
      this.#dirty = false;
      try {
        await this.runOnce();
      } catch (err) {
        onError?.(err);
      }
      // Read through methods: a kick or stop arrives while runOnce awaits.
      if (this.#isStopped() || this.#isDirty()) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    if (streamError !== undefined) {
      throw streamError instanceof Error
        ? streamError
        : new TransactionError({
            code: 'EVENTS_FAILED',
            message: 'the membership event stream ended with a non-error value',
            cause: streamError,
          });
    }
  }

  #isStopped(): boolean {
    return this.#stopped;
  }

  #isDirty(): boolean {
    return this.#dirty;
  }

  #kick(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  stop(): void {
    this.#stopped = true;
    this.#stream?.close();
    this.#wake?.();
  }
}

/**
 * A governance agent for one member.
 *
 * @param options - the admin's membership client and identity, connection, orderers, configtxlator
 * @returns the agent; `runOnce()` for one pass, `run()` to follow events until `stop()`
 * @throws GovernanceError `CONFIG_UPDATE_INVALID` when neither a connection with orderers nor
 *   channel operations are given
 * @example
 * ```ts
 * const agent = governance.newGovernanceAgent({
 *   membership: clients.newMembershipClient({ connection: adminConn }),
 *   admin: { mspId: 'Org1MSP', certificate, signer },
 *   connection: adminConn,
 *   orderers: await orderer.loadOrderers({ path: 'network.json' }),
 *   configtxlator: governance.newConfigtxlator({ path: '/opt/fabric/bin/configtxlator' }),
 *   checkpointPath: 'org1-agent.checkpoint.json',
 * });
 * await agent.run();
 * ```
 */
export function newGovernanceAgent(options: Readonly<GovernanceAgentOptions>): GovernanceAgent {
  return new GovernanceAgentImpl(options);
}
