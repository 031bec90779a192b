/**
 * The governance agent's passes against a fake membership contract and channel
 * (test/support/gateway/fake-governance.ts): a change carried from approval to APPLIED by two
 * founding members' agents, two agents racing to broadcast, rebuilds after the config or the chain
 * moved, and a step that keeps failing reported and passed over.
 */
import { expect } from 'chai';
import {
  ContractError,
  TransactionError,
  clients,
  governance,
  type AgentMembership,
  type Connection,
  type TransactionRequest,
  type AgentPass,
  type Proposal,
  type ChaincodeDefinition,
  type ChannelChange,
  type ConfigSigningIdentity,
  type DefinitionOperations,
} from '../../../../gateway/src';
import { peer } from '@hyperledger/fabric-protos';
import { FakeGovernance, adminOf } from '../../../support/gateway/fake-governance';

const ADD_ORG3: ChannelChange = {
  action: 'ADD_ORG',
  mspId: 'Org3MSP',
  proposalId: 'p-3',
  status: 'PENDING_CHANNEL_UPDATE',
  createdDate: '2026-12-01T00:00:00.000Z',
};

const kinds = (pass: AgentPass) => pass.steps.map((s) => `${s.action.kind}:${s.outcome}`);

describe('governance agent passes', function () {
  this.timeout(20000);
  let org1: ConfigSigningIdentity;
  let org2: ConfigSigningIdentity;

  before(() => {
    org1 = adminOf('Org1MSP');
    org2 = adminOf('Org2MSP');
  });

  function agentFor(
    fake: FakeGovernance,
    admin: ConfigSigningIdentity,
    channel = fake.channelFor(admin),
  ) {
    return governance.newGovernanceAgent({
      membership: fake.membership(admin.mspId),
      admin,
      channel,
    });
  }

  it('carries an ADD_ORG from approval to APPLIED with two founding members taking turns', async () => {
    const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], [ADD_ORG3]);
    const first = await agentFor(fake, org1).runOnce();
    expect(kinds(first)).to.deep.equal(['PROPOSE:ok', 'SIGN:ok', 'WAIT:ok']);
    const second = await agentFor(fake, org2).runOnce();
    expect(kinds(second)).to.deep.equal(['SIGN:ok', 'BROADCAST:ok', 'DONE:ok']);
    expect(fake.channel).to.deep.equal({
      sequence: 1n,
      organizations: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
    });
    expect(fake.changes[0]).to.include({ status: 'APPLIED', appliedSequence: '1' });
    const [update] = [...fake.updates.values()];
    expect(update?.signatures.map((s) => s.mspId)).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect(update).to.include({ status: 'APPLIED', baseSequence: '0', proposedBy: 'Org1MSP' });
    expect((await agentFor(fake, org1).runOnce()).pending).to.equal(0);
  });

  it('applies a READY update once when two agents broadcast it at the same time', async () => {
    const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], [ADD_ORG3]);
    await agentFor(fake, org1).runOnce();
    const update = [...fake.updates.values()][0]!;
    const parts = await governance.signConfigUpdate(
      Buffer.from(update.configUpdate, 'base64'),
      org2,
    );
    await fake
      .membership('Org2MSP')
      .signChannelUpdate(update.updateId, parts.signatureHeader, parts.signature);
    // Both agents reach the orderer before either's update is judged.
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothThere = new Promise<void>((resolve) => {
      release = resolve;
    });
    const beforeApply = async () => {
      if (++arrived === 2) release();
      await bothThere;
    };
    const [a, b] = await Promise.all([
      agentFor(fake, org1, fake.channelFor(org1, { beforeApply })).runOnce(),
      agentFor(fake, org2, fake.channelFor(org2, { beforeApply })).runOnce(),
    ]);
    expect(fake.broadcasts).to.deep.equal({ accepted: 1, refused: 1 });
    expect(fake.channel.sequence).to.equal(1n);
    expect(fake.changes[0]).to.include({ status: 'APPLIED', appliedSequence: '1' });
    const steps = [...a.steps, ...b.steps];
    expect(steps.filter((s) => s.outcome === 'failed')).to.deep.equal([]);
    expect(
      steps.filter((s) => s.action.kind === 'BROADCAST').map((s) => s.outcome),
    ).to.have.members(['ok', 'retry']);
    expect(a.steps.at(-1)?.action.kind).to.equal('DONE');
    expect(b.steps.at(-1)?.action.kind).to.equal('DONE');
  });

  it('rebuilds an update whose config sequence moved before it was READY', async () => {
    const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], [ADD_ORG3]);
    await agentFor(fake, org1).runOnce();
    const stale = [...fake.updates.values()][0]!;
    // Another config change (say, a new anchor peer) lands: the channel and the chain move on.
    fake.channel = { ...fake.channel, sequence: 1n };
    fake.chain = { ...fake.chain, sequence: 1n };
    const pass = await agentFor(fake, org2).runOnce();
    expect(kinds(pass)).to.deep.equal(['PROPOSE:ok', 'SIGN:ok', 'WAIT:ok']);
    const propose = pass.steps[0]!.action;
    expect(propose.kind === 'PROPOSE' && propose.reason).to.contain('sequence 0');
    expect(fake.updates.get(stale.updateId)?.status).to.equal('SUPERSEDED');
    const fresh = [...fake.updates.values()].find((u) => u.status !== 'SUPERSEDED');
    expect(fresh).to.include({ baseSequence: '1', proposedBy: 'Org2MSP' });
    expect(fresh?.updateId).to.not.equal(stale.updateId);
  });

  it('proposes again when the contract refuses a base its peer had not caught up with', async () => {
    const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], [ADD_ORG3]);
    fake.channel = { ...fake.channel, sequence: 1n };
    fake.chain = { ...fake.chain, sequence: 1n };
    let reads = 0;
    // The first read comes from a peer one config block behind.
    const read = () => {
      const config = fake.config();
      return reads++ === 0 ? { ...config, sequence: 0n } : config;
    };
    const pass = await agentFor(fake, org1, fake.channelFor(org1, { read })).runOnce();
    expect(kinds(pass)).to.deep.equal(['PROPOSE:retry', 'PROPOSE:ok', 'SIGN:ok', 'WAIT:ok']);
    const refusal = pass.steps[0]!.error;
    expect(refusal).to.be.instanceOf(ContractError);
    expect((refusal as ContractError).chaincodeCode).to.equal('STALE_CONFIG_SEQUENCE');
    expect([...fake.updates.values()].map((u) => u.baseSequence)).to.deep.equal(['1']);
  });

  it('reports a step refused twice alike as failed and goes on with the next change', async () => {
    const removeOrgX: ChannelChange = {
      ...ADD_ORG3,
      action: 'REMOVE_ORG',
      mspId: 'OrgXMSP',
      proposalId: 'p-4',
    };
    const fake = new FakeGovernance(['Org1MSP', 'Org2MSP', 'OrgXMSP'], [ADD_ORG3, removeOrgX]);
    fake.intercept = (transaction) =>
      transaction === 'signChannelUpdate'
        ? new ContractError({
            message: '[NOT_AN_ADMIN] the caller is not an admin',
            chaincodeCode: 'NOT_AN_ADMIN',
            chaincodeMessage: 'the caller is not an admin',
          })
        : undefined;
    const pass = await agentFor(fake, org1).runOnce();
    expect(kinds(pass)).to.deep.equal([
      'PROPOSE:ok',
      'SIGN:retry',
      'SIGN:failed',
      'PROPOSE:ok',
      'SIGN:retry',
      'SIGN:failed',
    ]);
    const failed = pass.steps[2]!;
    expect(failed).to.include({ proposalId: 'p-3', mspId: 'Org3MSP' });
    expect((failed.error as ContractError).chaincodeCode).to.equal('NOT_AN_ADMIN');
    expect(pass.steps[3]).to.include({ proposalId: 'p-4', mspId: 'OrgXMSP' });
  });

  it('leaves an update short of a majority to the orderer’s refusal, typed, without recording it', async () => {
    const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], [ADD_ORG3]);
    await agentFor(fake, org1).runOnce();
    const update = [...fake.updates.values()][0]!;
    // A contract that wrongly marked it READY after one signature must not get it applied.
    fake.updates.set(update.updateId, { ...update, status: 'READY' });
    const pass = await agentFor(fake, org2).runOnce();
    const broadcast = pass.steps.find((s) => s.action.kind === 'BROADCAST');
    expect(broadcast?.outcome).to.equal('failed');
    expect(broadcast?.error).to.include({
      code: 'CONFIG_POLICY_NOT_SATISFIED',
      policyPath: '/Channel/Application',
    });
    expect(fake.channel.sequence).to.equal(0n);
    expect(fake.changes[0]?.status).to.equal('UPDATE_PROPOSED');
  });

  it('approves the definitions over the new member set once its own pass applied the change', async () => {
    const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], [ADD_ORG3]);
    const app = new peer.ApplicationPolicy();
    app.setSignaturePolicy(
      governance.memberOrEnvelope({ role: 'peer', mspIds: ['Org1MSP', 'Org2MSP'] }),
    );
    const committed: ChaincodeDefinition = {
      name: 'kv',
      sequence: 1n,
      version: '1',
      endorsementPlugin: 'escc',
      validationPlugin: 'vscc',
      validationParameter: app.serializeBinary(),
      collections: new Uint8Array(),
      initRequired: false,
    };
    const approved: ChaincodeDefinition[] = [];
    const definitions: DefinitionOperations = {
      committed: () => Promise.resolve([committed]),
      approved: (_name, sequence) =>
        Promise.resolve(
          sequence === 1n
            ? { definition: committed, packageId: 'kv_1:abc' }
            : approved.length > 0
              ? { definition: approved[0]!, packageId: 'kv_1:abc' }
              : undefined,
        ),
      installedPackageId: () => Promise.resolve(undefined),
      readiness: () => Promise.resolve({ Org2MSP: approved.length > 0 }),
      approve: (d) => {
        approved.push(d);
        return Promise.resolve();
      },
      commit: () => Promise.reject(new Error('a majority of three is two')),
    };
    await agentFor(fake, org1).runOnce();
    const pass = await governance
      .newGovernanceAgent({
        membership: fake.membership('Org2MSP'),
        admin: org2,
        channel: fake.channelFor(org2),
        definitions,
      })
      .runOnce();
    expect(kinds(pass)).to.deep.equal(['SIGN:ok', 'BROADCAST:ok', 'DONE:ok']);
    expect(
      pass.definitions.map((s) => `${s.chaincode} ${s.action.kind}:${s.outcome}`),
    ).to.deep.equal(['kv APPROVE:ok', 'kv WAIT:ok']);
    expect(approved.map((d) => d.sequence)).to.deep.equal([2n]);
    const policy = peer.ApplicationPolicy.deserializeBinary(approved[0]!.validationParameter);
    expect(governance.readMemberOrPolicy(policy.getSignaturePolicy()!)).to.deep.equal({
      kind: 'MEMBER_OR',
      policy: { role: 'peer', mspIds: ['Org1MSP', 'Org2MSP', 'Org3MSP'] },
    });
  });

  it('finds nothing to do while the membership contract is not initialised', async () => {
    const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], [ADD_ORG3]);
    const notInitialized = new ContractError({
      message: '[NOT_INITIALIZED] the contract is not initialised',
      chaincodeCode: 'NOT_INITIALIZED',
      chaincodeMessage: 'the contract is not initialised',
    });
    fake.intercept = () => notInitialized;
    expect(await agentFor(fake, org1).runOnce()).to.deep.equal({
      decisions: [],
      pending: 0,
      steps: [],
      definitions: [],
    });
  });

  describe('recording the decisions open proposals reached', () => {
    const HOUR = 3_600_000;
    function open(proposalId: string, fields: Partial<Proposal> = {}): Proposal {
      return {
        proposalId,
        proposedBy: 'Org1MSP',
        description: proposalId,
        actions: { Removals: [{ MemberId: 'Org3MSP' }] },
        clientRequestToken: proposalId,
        status: 'IN_PROGRESS',
        creationDate: new Date(Date.now() - HOUR).toISOString(),
        expirationDate: new Date(Date.now() + HOUR).toISOString(),
        eligibleVoters: ['Org1MSP', 'Org2MSP'],
        requiredYesVotes: 2,
        yesVoteCount: 0,
        noVoteCount: 0,
        outstandingVoteCount: 2,
        detailsHash: null,
        invitationIds: [],
        ...fields,
      };
    }

    /** The fake's channel-update calls plus listProposals and closeProposal over `proposals`. */
    function withProposals(
      fake: FakeGovernance,
      proposals: Proposal[],
      close: (id: string) => Proposal | Error,
    ) {
      const closed: string[] = [];
      const listed: string[] = [];
      const membership: AgentMembership = {
        ...fake.membership('Org1MSP'),
        listProposals: (options) => {
          listed.push(`${options?.status ?? ''}/${options?.bookmark ?? ''}`);
          // Pages of 100: the first page full, the second holding the rest.
          const start = options?.bookmark === '' || options?.bookmark === undefined ? 0 : 100;
          const page = proposals.slice(start, start + 100);
          return Promise.resolve({ proposals: page, bookmark: start === 0 ? 'next' : 'end' });
        },
        closeProposal: (id) => {
          closed.push(id);
          const out = close(id);
          if (out instanceof Error) return Promise.reject(out);
          return Promise.resolve({
            value: out,
            transactionId: 'c'.repeat(64),
            blockNumber: 3n,
            submitAttempts: 1,
          });
        },
      };
      return { membership, closed, listed };
    }

    it('closes an open proposal whose votes decide it, and one that expired, before the changes', async () => {
      const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], []);
      const decided = open('p-decided', { yesVoteCount: 2, outstandingVoteCount: 0 });
      const rejected = open('p-rejected', { noVoteCount: 1, outstandingVoteCount: 1 });
      const expired = open('p-expired', {
        expirationDate: new Date(Date.now() - 61_000).toISOString(),
      });
      // Expired by less than the agent's margin: left for a later pass.
      const justExpired = open('p-just-expired', {
        expirationDate: new Date(Date.now() - 1_000).toISOString(),
      });
      const undecided = open('p-open', { yesVoteCount: 1, outstandingVoteCount: 1 });
      const filler = Array.from({ length: 96 }, (_, i) => open(`p-filler-${String(i)}`));
      const { membership, closed, listed } = withProposals(
        fake,
        [undecided, decided, justExpired, ...filler, rejected, expired],
        (id) => ({
          ...open(id),
          status: id === 'p-decided' ? 'APPROVED' : id === 'p-rejected' ? 'REJECTED' : 'EXPIRED',
        }),
      );
      const seen: string[] = [];
      const pass = await governance
        .newGovernanceAgent({
          membership,
          admin: org1,
          channel: fake.channelFor(org1),
          onDecision: (d) => seen.push(governance.formatDecision(d)),
        })
        .runOnce();
      // Both pages of IN_PROGRESS proposals were read; the open ones were left alone.
      expect(listed).to.deep.equal(['IN_PROGRESS/', 'IN_PROGRESS/next']);
      expect(closed).to.deep.equal(['p-decided', 'p-rejected', 'p-expired']);
      expect(pass.decisions).to.deep.equal([
        { proposalId: 'p-decided', reason: 'VOTES', outcome: 'ok', status: 'APPROVED' },
        { proposalId: 'p-rejected', reason: 'VOTES', outcome: 'ok', status: 'REJECTED' },
        { proposalId: 'p-expired', reason: 'EXPIRED', outcome: 'ok', status: 'EXPIRED' },
      ]);
      expect(seen[0]).to.equal('CLOSE p-decided (its votes decide it) -> ok: APPROVED');
      expect(governance.decisionRecord(pass.decisions[2]!)).to.deep.equal({
        proposalId: 'p-expired',
        action: 'CLOSE',
        reason: 'EXPIRED',
        outcome: 'ok',
        status: 'EXPIRED',
      });
    });

    it('calls a real membership client as its membership (methods keep their object)', async () => {
      const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], []);
      const decided = open('p-decided', { yesVoteCount: 2, outstandingVoteCount: 0 });
      const calls: string[] = [];
      const answer = (r: TransactionRequest): unknown => {
        calls.push(r.transaction);
        if (r.transaction === 'listProposals') return { proposals: [decided], bookmark: '' };
        if (r.transaction === 'closeProposal') return { ...decided, status: 'APPROVED' };
        return [];
      };
      const connection = {
        channelName: 'consortium',
        mspId: 'Org1MSP',
        evaluate: (r: TransactionRequest) =>
          Promise.resolve(Buffer.from(JSON.stringify(answer(r)))),
        submit: (r: TransactionRequest) =>
          Promise.resolve({
            result: Buffer.from(JSON.stringify(answer(r))),
            transactionId: 'c'.repeat(64),
            blockNumber: 3n,
            submitAttempts: 1,
          }),
      } as unknown as Connection;
      const pass = await governance
        .newGovernanceAgent({
          membership: clients.newMembershipClient({ connection }),
          admin: org1,
          channel: fake.channelFor(org1),
          definitions: false,
        })
        .runOnce();
      expect(pass.decisions).to.deep.equal([
        { proposalId: 'p-decided', reason: 'VOTES', outcome: 'ok', status: 'APPROVED' },
      ]);
      expect(calls).to.deep.equal(['listProposals', 'closeProposal', 'listChannelChanges']);
    });

    it('takes a decision another member recorded first as recorded, and reports any other refusal', async () => {
      const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], []);
      const refuse = (code: string) =>
        new ContractError({ message: `[${code}] x`, chaincodeCode: code, chaincodeMessage: 'x' });
      const { membership } = withProposals(
        fake,
        [
          open('p-a', { yesVoteCount: 2, outstandingVoteCount: 0 }),
          open('p-b', { yesVoteCount: 2, outstandingVoteCount: 0 }),
          open('p-c', { yesVoteCount: 2, outstandingVoteCount: 0 }),
        ],
        (id) =>
          id === 'p-a'
            ? refuse('PROPOSAL_CLOSED')
            : id === 'p-b'
              ? new TransactionError({
                  code: 'COMMIT_FAILED',
                  message: 'failed validation with MVCC_READ_CONFLICT',
                  validationCode: 'MVCC_READ_CONFLICT',
                })
              : refuse('NOT_A_MEMBER'),
      );
      const pass = await governance
        .newGovernanceAgent({ membership, admin: org1, channel: fake.channelFor(org1) })
        .runOnce();
      expect(pass.decisions.map((d) => [d.proposalId, d.outcome])).to.deep.equal([
        ['p-a', 'elsewhere'],
        ['p-b', 'elsewhere'],
        ['p-c', 'failed'],
      ]);
      expect(pass.decisions[2]!.error).to.be.instanceOf(ContractError);
    });
  });

  it('passes on any other failure to list the changes', async () => {
    const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], [ADD_ORG3]);
    const denied = new ContractError({
      message: '[NOT_A_MEMBER] OrgZMSP is not a member',
      chaincodeCode: 'NOT_A_MEMBER',
      chaincodeMessage: 'OrgZMSP is not a member',
    });
    fake.intercept = () => denied;
    let caught: unknown;
    try {
      await agentFor(fake, org1).runOnce();
    } catch (err) {
      caught = err;
    }
    expect(caught).to.equal(denied);
  });

  it('runs passes on its poll interval until the change is applied, and stops when asked', async () => {
    const fake = new FakeGovernance(['Org1MSP', 'Org2MSP'], [ADD_ORG3]);
    const agents = [org1, org2].map((admin) =>
      governance.newGovernanceAgent({
        membership: fake.membership(admin.mspId),
        admin,
        channel: fake.channelFor(admin),
        pollIntervalMs: 20,
      }),
    );
    const errors: unknown[] = [];
    const running = agents.map((a) => a.run((err) => errors.push(err)));
    const deadline = Date.now() + 10000;
    while (fake.changes[0]?.status !== 'APPLIED' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const a of agents) a.stop();
    await Promise.all(running);
    expect(fake.changes[0]?.status).to.equal('APPLIED');
    expect(fake.broadcasts.accepted).to.equal(1);
    expect(fake.channel.organizations).to.include('Org3MSP');
    expect(errors).to.deep.equal([]);
  });
});
