/**
 * A fake of the two edges a governance agent talks to, for unit tests: the membership contract's
 * channel-update transactions (with the rules the interface gives them: stale base sequences,
 * one signature per organisation, READY at a majority, supersession, APPLIED) and the channel
 * itself (config sequence and organisations, with the orderer's two refusals: signatures short of
 * a majority, and an update built on a sequence that moved). Signatures are real ConfigSignatures
 * made with the library and checked with it.
 */
import { createHash } from 'node:crypto';
import {
  ContractError,
  GovernanceError,
  governance,
  signers,
  type AgentMembership,
  type ChannelChange,
  type ChannelConfig,
  type ChannelOperations,
  type ChannelUpdate,
  type ConfigSigningIdentity,
} from '../../../gateway/src';
import { selfSigned } from '../../../scripts/lib/openssl-ca';

function refuse(code: string, message: string): ContractError {
  return new ContractError({
    message: `[${code}] ${message}`,
    chaincodeCode: code,
    chaincodeMessage: message,
  });
}

const DATE = '2026-12-01T00:00:00.000Z';

/** An admin identity of an organisation, with a real P-256 key and self-signed certificate. */
export function adminOf(mspId: string): ConfigSigningIdentity {
  const cert = selfSigned(`admin of ${mspId}`, false);
  return { mspId, certificate: cert.certPem, signer: signers.newPemSigner({ pem: cert.keyPem }) };
}

/** The fake ledger and channel shared by every agent of a test. */
export class FakeGovernance {
  /** The channel config as the orderers and peers hold it. */
  channel: { sequence: bigint; organizations: string[] };
  /** The config state the contract has recorded. */
  chain: { sequence: bigint; organizations: string[] };
  /** The approved channel changes. */
  changes: ChannelChange[];
  /** Every update posted, by id. */
  readonly updates = new Map<string, ChannelUpdate>();
  /** Broadcasts the fake orderer accepted and refused. */
  readonly broadcasts = { accepted: 0, refused: 0 };
  /** Called before each contract transaction, to inject failures: return an error to throw it. */
  intercept: (transaction: string, caller: string) => Error | undefined = () => undefined;

  constructor(organizations: string[], changes: ChannelChange[]) {
    this.channel = { sequence: 0n, organizations: [...organizations] };
    this.chain = { sequence: 0n, organizations: [...organizations] };
    this.changes = changes.map((c) => ({ ...c }));
  }

  #change(proposalId: string, mspId: string): ChannelChange {
    const change = this.changes.find((c) => c.proposalId === proposalId && c.mspId === mspId);
    if (change === undefined)
      throw refuse('CHANNEL_CHANGE_NOT_FOUND', `no change ${proposalId}/${mspId}`);
    return change;
  }

  #setChange(change: ChannelChange, fields: Partial<ChannelChange>): void {
    this.changes = this.changes.map((c) => (c === change ? { ...c, ...fields } : c));
  }

  #update(updateId: string): ChannelUpdate {
    const update = this.updates.get(updateId);
    if (update === undefined) throw refuse('CHANNEL_UPDATE_NOT_FOUND', `no update ${updateId}`);
    return update;
  }

  /**
   * The contract as one organisation's admin calls it.
   *
   * @param caller - the calling MSP id
   */
  membership(caller: string): AgentMembership {
    const tick = async (transaction: string) => {
      await new Promise((r) => setImmediate(r));
      const injected = this.intercept(transaction, caller);
      if (injected !== undefined) throw injected;
    };
    const committed = <T>(value: T) => ({
      value: structuredClone(value),
      transactionId: 't'.repeat(64),
      blockNumber: 1n,
      submitAttempts: 1,
    });
    return {
      listChannelChanges: async () => {
        await tick('listChannelChanges');
        return structuredClone(this.changes);
      },
      listChannelUpdates: async () => {
        await tick('listChannelUpdates');
        return { updates: structuredClone([...this.updates.values()]), bookmark: '' };
      },
      getChannelUpdate: async (updateId) => {
        await tick('getChannelUpdate');
        return structuredClone(this.#update(updateId));
      },
      proposeChannelUpdate: async (proposalId, mspId, configUpdate, baseSequence) => {
        await tick('proposeChannelUpdate');
        const change = this.#change(proposalId, mspId);
        if (change.status === 'APPLIED') throw refuse('CHANGE_ALREADY_APPLIED', 'change applied');
        const base = BigInt(baseSequence);
        if (base < this.chain.sequence) {
          throw refuse('STALE_CONFIG_SEQUENCE', `base ${base} < ${this.chain.sequence}`);
        }
        const bytes = Buffer.from(configUpdate);
        const configUpdateBase64 = bytes.toString('base64');
        const updateId = createHash('sha256').update(bytes).digest('hex');
        const existing = this.updates.get(updateId);
        if (existing !== undefined) return committed(existing);
        for (const [id, u] of this.updates) {
          if (u.proposalId === proposalId && u.mspId === mspId && u.status !== 'APPLIED') {
            this.updates.set(id, { ...u, status: 'SUPERSEDED' });
          }
        }
        const record: ChannelUpdate = {
          updateId,
          proposalId,
          mspId,
          action: change.action,
          baseSequence: base.toString(),
          configUpdate: configUpdateBase64,
          proposedBy: caller,
          proposedDate: DATE,
          signatures: [],
          required: Math.floor(this.chain.organizations.length / 2) + 1,
          status: 'COLLECTING_SIGNATURES',
        };
        this.updates.set(updateId, record);
        this.#setChange(change, { status: 'UPDATE_PROPOSED', updateId });
        return committed(record);
      },
      signChannelUpdate: async (updateId, headerBytes, signatureBytes) => {
        const signatureHeader = Buffer.from(headerBytes).toString('base64');
        const signature = Buffer.from(signatureBytes).toString('base64');
        await tick('signChannelUpdate');
        const update = this.#update(updateId);
        if (BigInt(update.baseSequence) < this.chain.sequence || update.status === 'SUPERSEDED') {
          throw refuse('STALE_CONFIG_SEQUENCE', `update ${updateId} is stale`);
        }
        const check = governance.checkConfigSignature(Buffer.from(update.configUpdate, 'base64'), {
          signatureHeader: Buffer.from(signatureHeader, 'base64'),
          signature: Buffer.from(signature, 'base64'),
        });
        if (check.mspId !== caller)
          throw refuse('SIGNER_NOT_CALLER', `${check.mspId} != ${caller}`);
        if (!check.valid) throw refuse('INVALID_CONFIG_SIGNATURE', 'bad signature');
        if (update.signatures.some((s) => s.mspId === caller)) {
          throw refuse('ALREADY_SIGNED', `${caller} signed ${updateId}`);
        }
        const signatures = [
          ...update.signatures,
          { mspId: caller, signatureHeader, signature, signedDate: DATE },
        ];
        const next: ChannelUpdate = {
          ...update,
          signatures,
          status: signatures.length >= update.required ? 'READY' : update.status,
        };
        this.updates.set(updateId, next);
        return committed(next);
      },
      recordChannelUpdateApplied: async (updateId, sequence) => {
        await tick('recordChannelUpdateApplied');
        const update = this.#update(updateId);
        if (update.status === 'APPLIED') {
          throw refuse('CHANGE_ALREADY_APPLIED', `update ${updateId} is applied`);
        }
        if (update.status !== 'READY') {
          throw refuse('UPDATE_NOT_READY', `update ${updateId} is ${update.status}`);
        }
        const newSequence = BigInt(sequence).toString();
        if (BigInt(newSequence) !== BigInt(update.baseSequence) + 1n) {
          throw refuse('MALFORMED_INPUT', `sequence ${newSequence} is not base + 1`);
        }
        const next: ChannelUpdate = { ...update, status: 'APPLIED', appliedSequence: newSequence };
        this.updates.set(updateId, next);
        this.#setChange(this.#change(update.proposalId, update.mspId), {
          status: 'APPLIED',
          appliedSequence: newSequence,
        });
        this.chain = {
          sequence: BigInt(newSequence),
          organizations:
            update.action === 'ADD_ORG'
              ? [...this.chain.organizations, update.mspId].sort()
              : this.chain.organizations.filter((o) => o !== update.mspId),
        };
        return committed(next);
      },
    };
  }

  /** The channel config as a peer answers it now. */
  config(): ChannelConfig {
    return {
      channelName: 'consortium',
      sequence: this.channel.sequence,
      blockNumber: 0n,
      config: Buffer.from(JSON.stringify(this.channel, (_k, v: unknown) => String(v))),
      organizations: [...this.channel.organizations].sort(),
    };
  }

  /**
   * The channel side of one organisation's agent.
   *
   * @param admin - its admin identity
   * @param options - `beforeApply` runs before the fake orderer judges a broadcast (to line up
   *   races); `read` replaces the config read (to simulate a lagging peer)
   */
  channelFor(
    admin: ConfigSigningIdentity,
    options: {
      beforeApply?: () => Promise<void>;
      read?: () => ChannelConfig;
    } = {},
  ): ChannelOperations {
    return {
      read: () => Promise.resolve(options.read?.() ?? this.config()),
      build: (change, config) => {
        if (governance.changeInConfig(change, config.organizations)) {
          return Promise.reject(
            new GovernanceError({ code: 'CHANGE_ALREADY_IN_CONFIG', message: 'already there' }),
          );
        }
        const configUpdate = Buffer.from(
          JSON.stringify([change.action, change.mspId, config.sequence.toString()]),
        );
        return Promise.resolve({
          channelName: config.channelName,
          configUpdate,
          updateId: governance.updateIdOf(configUpdate),
          baseSequence: config.sequence,
        });
      },
      sign: (configUpdate) => governance.signConfigUpdate(configUpdate, admin),
      apply: async (change, update) => {
        await options.beforeApply?.();
        const signers = new Set(update.signatures.map((s) => s.mspId));
        const inChannel = this.channel.organizations.filter((o) => signers.has(o)).length;
        if (inChannel * 2 <= this.channel.organizations.length) {
          this.broadcasts.refused++;
          throw new GovernanceError({
            code: 'CONFIG_POLICY_NOT_SATISFIED',
            message: 'not a majority',
            policyPath: '/Channel/Application',
          });
        }
        if (BigInt(update.baseSequence) !== this.channel.sequence) {
          this.broadcasts.refused++;
          throw new GovernanceError({ code: 'STALE_CONFIG', message: 'read set moved' });
        }
        this.broadcasts.accepted++;
        this.channel = {
          sequence: this.channel.sequence + 1n,
          organizations:
            change.action === 'ADD_ORG'
              ? [...this.channel.organizations, change.mspId]
              : this.channel.organizations.filter((o) => o !== change.mspId),
        };
        return this.config();
      },
    };
  }
}
