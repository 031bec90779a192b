/**
 * The agents' definitions pass over a fake `_lifecycle` (the network edge): two members move a
 * definition to the new member set between them, a commit another agent made first is read and
 * passed over, and a new member approves the committed definition with the package it installed.
 */
import { expect } from 'chai';
import { peer } from '@hyperledger/fabric-protos';
import {
  governance,
  type ApprovedDefinition,
  type ChaincodeDefinition,
  type DefinitionOperations,
  type DefinitionStep,
} from '../../../../gateway/src';
import { TransactionError } from '../../../../gateway/src/errors';

/** One channel's `_lifecycle` state: committed definitions and each organisation's approvals. */
class FakeLifecycle {
  committed = new Map<string, ChaincodeDefinition>();
  approvals = new Map<string, ApprovedDefinition>(); // `${msp} ${name} ${sequence}`
  installed = new Map<string, string>(); // `${msp} ${label}` -> package id
  commits: string[] = [];

  constructor(readonly organizations: () => readonly string[]) {}

  ops(mspId: string, hooks: { beforeCommit?: () => void } = {}): DefinitionOperations {
    return {
      committed: () => Promise.resolve([...this.committed.values()]),
      approved: (name, sequence) =>
        Promise.resolve(this.approvals.get(`${mspId} ${name} ${sequence}`)),
      installedPackageId: (label) => Promise.resolve(this.installed.get(`${mspId} ${label}`)),
      readiness: (d) =>
        Promise.resolve(
          Object.fromEntries(
            this.organizations().map((o) => {
              const a = this.approvals.get(`${o} ${d.name} ${d.sequence}`);
              return [o, a !== undefined && governance.sameDefinition(a.definition, d)];
            }),
          ),
        ),
      approve: (d, packageId) => {
        this.approvals.set(`${mspId} ${d.name} ${d.sequence}`, { definition: d, packageId });
        return Promise.resolve();
      },
      commit: (d, endorsers) => {
        hooks.beforeCommit?.();
        const current = this.committed.get(d.name)!;
        if (d.sequence !== current.sequence + 1n) {
          return Promise.reject(
            new TransactionError({
              code: 'ENDORSE_FAILED',
              message: `requested sequence is ${d.sequence}, but new definition must be sequence ${current.sequence + 1n}`,
            }),
          );
        }
        this.committed.set(d.name, d);
        this.commits.push(`${mspId} ${d.name} ${d.sequence} by ${endorsers.join('+')}`);
        return Promise.resolve();
      },
    };
  }
}

function foundersDefinition(): ChaincodeDefinition {
  const app = new peer.ApplicationPolicy();
  app.setSignaturePolicy(
    governance.memberOrEnvelope({ role: 'peer', mspIds: ['Org1MSP', 'Org2MSP'] }),
  );
  return {
    name: 'consortium',
    sequence: 1n,
    version: '1',
    endorsementPlugin: 'escc',
    validationPlugin: 'vscc',
    validationParameter: app.serializeBinary(),
    collections: new Uint8Array(),
    initRequired: false,
  };
}

const lines = (steps: readonly DefinitionStep[]) =>
  steps.map(
    (s) =>
      `${s.chaincode} ${s.action.kind}${'which' in s.action ? `/${s.action.which}` : ''} ${s.outcome}`,
  );

describe('governance: definitions follow the members', () => {
  let members: string[];
  let fake: FakeLifecycle;
  const memberSets = () =>
    governance.memberSetsOver(members, [
      { action: 'ADD_ORG', mspId: 'Org3MSP', appliedSequence: '5' },
    ]);

  beforeEach(() => {
    members = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
    fake = new FakeLifecycle(() => members);
    const committed = foundersDefinition();
    fake.committed.set('consortium', committed);
    for (const o of ['Org1MSP', 'Org2MSP']) {
      fake.approvals.set(`${o} consortium 1`, { definition: committed, packageId: `pkg-${o}` });
    }
    fake.installed.set('Org3MSP consortium_1', 'pkg-Org3MSP');
  });

  const follow = (mspId: string, ops = fake.ops(mspId)) =>
    governance.followDefinitions({ operations: ops, mspId, memberSets: memberSets(), settleMs: 0 });

  it("moves the definition to the three members between two founders' agents: approve, wait, approve and commit", async () => {
    expect(lines(await follow('Org2MSP'))).to.deep.equal([
      'consortium APPROVE/next ok',
      'consortium WAIT ok',
    ]);
    expect(fake.approvals.get('Org2MSP consortium 2')?.packageId).to.equal('pkg-Org2MSP');
    expect(lines(await follow('Org1MSP'))).to.deep.equal([
      'consortium APPROVE/next ok',
      'consortium COMMIT ok',
      'consortium DONE ok',
    ]);
    expect(fake.commits).to.deep.equal(['Org1MSP consortium 2 by Org1MSP+Org2MSP']);
    const committed = fake.committed.get('consortium')!;
    const policy = peer.ApplicationPolicy.deserializeBinary(committed.validationParameter);
    expect(governance.readMemberOrPolicy(policy.getSignaturePolicy()!)).to.deep.equal({
      kind: 'MEMBER_OR',
      policy: { role: 'peer', mspIds: ['Org1MSP', 'Org2MSP', 'Org3MSP'] },
    });
  });

  it('lets the new member approve the committed definition with the package it installed', async () => {
    await follow('Org2MSP');
    await follow('Org1MSP');
    expect(lines(await follow('Org3MSP'))).to.deep.equal([
      'consortium APPROVE/committed ok',
      'consortium DONE ok',
    ]);
    expect(fake.approvals.get('Org3MSP consortium 2')?.packageId).to.equal('pkg-Org3MSP');
  });

  it('reads a commit another agent made first and moves on, without a failed step', async () => {
    await follow('Org2MSP');
    // Org1 approves; between its readiness read and its commit, Org2's agent commits.
    let raced = false;
    const ops = fake.ops('Org1MSP', {
      beforeCommit: () => {
        if (raced) return;
        raced = true;
        const next = fake.approvals.get('Org2MSP consortium 2')!.definition;
        fake.committed.set('consortium', next);
      },
    });
    const steps = await follow('Org1MSP', ops);
    expect(lines(steps)).to.deep.equal([
      'consortium APPROVE/next ok',
      'consortium COMMIT retry',
      'consortium DONE ok',
    ]);
    const retry = steps[1]!;
    expect(retry.error).to.be.instanceOf(TransactionError);
    expect((retry.error as TransactionError).code).to.equal('ENDORSE_FAILED');
    expect(fake.commits).to.deep.equal([]);
  });

  it('reports a commit refused twice on the same state as failed, with the error', async () => {
    await follow('Org2MSP');
    const ops: DefinitionOperations = {
      ...fake.ops('Org1MSP'),
      commit: () =>
        Promise.reject(
          new TransactionError({ code: 'ENDORSE_FAILED', message: 'endorsement refused' }),
        ),
    };
    const steps = await follow('Org1MSP', ops);
    expect(lines(steps)).to.deep.equal([
      'consortium APPROVE/next ok',
      'consortium COMMIT retry',
      'consortium COMMIT failed',
    ]);
    expect(steps[2]!.error?.message).to.equal('endorsement refused');
  });

  it('does nothing for a member removed from the channel', async () => {
    members = ['Org1MSP', 'Org3MSP'];
    const steps = await governance.followDefinitions({
      operations: fake.ops('Org2MSP'),
      mspId: 'Org2MSP',
      memberSets: governance.memberSetsOver(members, [
        { action: 'ADD_ORG', mspId: 'Org3MSP', appliedSequence: '5' },
        { action: 'REMOVE_ORG', mspId: 'Org2MSP', appliedSequence: '7' },
      ]),
      settleMs: 0,
    });
    expect(lines(steps)).to.deep.equal(['consortium WAIT ok']);
    expect(fake.approvals.has('Org2MSP consortium 2')).to.equal(false);
  });
});
