import { expect } from 'chai';
import { MembershipContract } from '../../../chaincode/src/membership';
import { FakeLedger, compositeKey } from '../../support/fake-ledger';
import {
  HOUR,
  POLICY_50_GT_24,
  T0,
  admin,
  client,
  expectRejected,
  initialised,
  lastEvent,
  memberIds,
} from './helpers';

const FOUNDERS = JSON.stringify(['Org2MSP', 'Org1MSP']);
const PENDING_KEY = compositeKey('membership.initPending', []);

function fresh(): { ledger: FakeLedger; contract: MembershipContract } {
  return { ledger: new FakeLedger(), contract: new MembershipContract() };
}

describe('membership initialisation', () => {
  it('names the contract membership', () => {
    expect(new MembershipContract().getName()).to.equal('membership');
  });

  it('records a pending initialisation on the first founder call and says who must still confirm', async () => {
    const { ledger, contract } = fresh();
    const out = await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    expect(JSON.parse(out)).to.deep.equal({
      initialised: false,
      policy: POLICY_50_GT_24,
      foundingMembers: ['Org1MSP', 'Org2MSP'],
      confirmations: ['Org1MSP'],
      pending: ['Org2MSP'],
      members: [],
    });
    expect(ledger.state.has(compositeKey('membership.policy', []))).to.equal(false);
    const event = lastEvent(ledger);
    expect(event.types).to.deep.equal(['InitializationConfirmed']);
    expect([event.confirmations, event.pending]).to.deep.equal([['Org1MSP'], ['Org2MSP']]);
  });

  it('stores the policy and the founding members sorted by MSP id when the last founder confirms', async () => {
    const { ledger, contract } = fresh();
    await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    // The founders in another order are the same founders.
    const out = await ledger.submit(contract, admin('Org2MSP', T0 + HOUR), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), JSON.stringify(['Org1MSP', 'Org2MSP'])),
    );
    const joinedDate = new Date(T0 + HOUR).toISOString();
    expect(JSON.parse(out)).to.deep.equal({
      initialised: true,
      policy: POLICY_50_GT_24,
      foundingMembers: ['Org1MSP', 'Org2MSP'],
      confirmations: ['Org1MSP', 'Org2MSP'],
      pending: [],
      members: [
        { mspId: 'Org1MSP', joinedDate, joinedBy: 'FOUNDING' },
        { mspId: 'Org2MSP', joinedDate, joinedBy: 'FOUNDING' },
      ],
    });
    expect(ledger.state.has(PENDING_KEY), 'pending record removed').to.equal(false);
  });

  it('initialises a single-founder network with one call', async () => {
    const { ledger, contract } = fresh();
    const out = await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), '["Org1MSP"]'),
    );
    expect(JSON.parse(out)).to.include({ initialised: true });
    expect(ledger.state.has(PENDING_KEY)).to.equal(false);
    expect(await memberIds({ ledger, contract })).to.deep.equal(['Org1MSP']);
  });

  it('stays uninitialised until the third of three founders confirms', async () => {
    const { ledger, contract } = fresh();
    const founders = JSON.stringify(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    const call = (msp: string) =>
      ledger.submit(contract, admin(msp), (c, ctx) =>
        c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), founders),
      );
    await call('Org3MSP');
    const second = JSON.parse(await call('Org1MSP')) as Record<string, unknown>;
    expect(second).to.deep.include({
      initialised: false,
      confirmations: ['Org1MSP', 'Org3MSP'],
      pending: ['Org2MSP'],
    });
    const err = await expectRejected(
      ledger,
      () => ledger.evaluate(contract, client('Org1MSP'), (c, ctx) => c.listMembers(ctx)),
      'NOT_INITIALIZED',
    );
    expect(err.message).to.contain('Org2MSP still has to confirm initialize');
    expect(err.message).to.contain('confirmed by Org1MSP, Org3MSP');
    expect(JSON.parse(await call('Org2MSP'))).to.include({ initialised: true });
    expect(await memberIds({ ledger, contract })).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
  });

  it('refuses proposals while founders have still to confirm with NOT_INITIALIZED naming them', async () => {
    const { ledger, contract } = fresh();
    await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
          c.createProposal(ctx, '{"Removals":[{"MemberId":"Org2MSP"}]}', 'x', 't'),
        ),
      'NOT_INITIALIZED',
    );
    expect(err.message).to.equal(
      '[NOT_INITIALIZED] the membership contract is not initialised yet: Org2MSP still has to confirm initialize (confirmed by Org1MSP)',
    );
  });

  it('returns the pending result again and writes nothing when a founder confirms twice', async () => {
    const { ledger, contract } = fresh();
    const first = await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    const before = ledger.snapshot();
    const events = ledger.events.length;
    const again = await ledger.submit(contract, admin('Org1MSP', T0 + HOUR), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    expect(again).to.equal(first);
    expect(ledger.snapshot(), 'state untouched').to.equal(before);
    expect(ledger.events).to.have.length(events);
  });

  it('refuses a confirmation with another policy with INIT_MISMATCH naming the field', async () => {
    const { ledger, contract } = fresh();
    await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    const other = JSON.stringify({ ...POLICY_50_GT_24, ThresholdPercentage: 100 });
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org2MSP'), (c, ctx) => c.initialize(ctx, other, FOUNDERS)),
      'INIT_MISMATCH',
    );
    expect(err.message).to.contain('confirmed by Org1MSP');
    expect(err.message).to.contain('ThresholdPercentage 100 where the pending one has 50');
    expect(err.message).not.to.contain('foundingMembers');
  });

  it('refuses a confirmation with other founders with INIT_MISMATCH naming both lists', async () => {
    const { ledger, contract } = fresh();
    await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org2MSP'), (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), '["Org2MSP","Org1MSP","Org3MSP"]'),
        ),
      'INIT_MISMATCH',
    );
    expect(err.message).to.contain(
      'foundingMembers ["Org1MSP","Org2MSP","Org3MSP"] where the pending one has ["Org1MSP","Org2MSP"]',
    );
    expect(err.message).not.to.contain('Threshold');
  });

  it('refuses a founder that repeats its confirmation with other arguments with INIT_MISMATCH', async () => {
    const { ledger, contract } = fresh();
    await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    const other = JSON.stringify({
      ...POLICY_50_GT_24,
      ThresholdComparator: 'GREATER_THAN_OR_EQUAL_TO',
    });
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org1MSP'), (c, ctx) => c.initialize(ctx, other, FOUNDERS)),
      'INIT_MISMATCH',
    );
    expect(err.message).to.contain(
      'ThresholdComparator "GREATER_THAN_OR_EQUAL_TO" where the pending one has "GREATER_THAN"',
    );
  });

  it('refuses a confirmation by a member outside the pending founders with NOT_AUTHORIZED', async () => {
    const { ledger, contract } = fresh();
    await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org9MSP'), (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), '["Org1MSP","Org2MSP","Org9MSP"]'),
        ),
      'NOT_AUTHORIZED',
    );
    expect(err.message).to.contain('Org9MSP is not among them');
  });

  it('refuses a confirmation by a founder client without membership.admin=true with NOT_AUTHORIZED', async () => {
    const { ledger, contract } = fresh();
    await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, client('Org2MSP'), (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
        ),
      'NOT_AUTHORIZED',
    );
  });

  it("refuses, on a left-out member's peer, founders that leave that member out with PEER_NOT_FOUNDER", async () => {
    // Org2 tries to found the network alone; under MAJORITY an Org1 peer must endorse it too.
    const { ledger, contract } = fresh();
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, { ...admin('Org2MSP'), peerMspId: 'Org1MSP' }, (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), '["Org2MSP"]'),
        ),
      'PEER_NOT_FOUNDER',
    );
    expect(err.message).to.contain('leave out Org1MSP, whose peer is endorsing');
  });

  it('reads the policy back with getPolicy', async () => {
    const w = await initialised();
    const out = await w.ledger.evaluate(w.contract, client('Org9MSP'), (c, ctx) =>
      c.getPolicy(ctx),
    );
    expect(JSON.parse(out)).to.deep.equal(POLICY_50_GT_24);
  });

  it('seeds the member registry read by listMembers', async () => {
    const w = await initialised(['Org2MSP', 'Org1MSP']);
    expect(await memberIds(w)).to.deep.equal(['Org1MSP', 'Org2MSP']);
  });

  it('emits one MembershipEvent on the last confirmation listing the founding members', async () => {
    const w = await initialised(['Org1MSP', 'Org2MSP']);
    const event = lastEvent(w.ledger);
    expect(event.types).to.deep.equal(['InitializationConfirmed', 'Initialized', 'MemberAdded']);
    expect(event.membersAdded).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect([event.confirmations, event.pending]).to.deep.equal([['Org1MSP', 'Org2MSP'], []]);
  });

  it('refuses a second initialisation with ALREADY_INITIALIZED', async () => {
    const w = await initialised(['Org1MSP', 'Org2MSP']);
    for (const msp of ['Org1MSP', 'Org2MSP']) {
      await expectRejected(
        w.ledger,
        () =>
          w.ledger.submit(w.contract, admin(msp), (c, ctx) =>
            c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
          ),
        'ALREADY_INITIALIZED',
      );
    }
  });

  it('refuses an out-of-range policy with POLICY_OUT_OF_RANGE', async () => {
    const { ledger, contract } = fresh();
    const policy = JSON.stringify({ ...POLICY_50_GT_24, ProposalDurationInHours: 200 });
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org1MSP'), (c, ctx) => c.initialize(ctx, policy, FOUNDERS)),
      'POLICY_OUT_OF_RANGE',
    );
  });

  it('refuses a policy that is not JSON with MALFORMED_INPUT', async () => {
    const { ledger, contract } = fresh();
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org1MSP'), (c, ctx) => c.initialize(ctx, '{50', FOUNDERS)),
      'MALFORMED_INPUT',
    );
    expect(err.message).to.contain('policy');
  });

  it('refuses an empty founding member list with MALFORMED_INPUT', async () => {
    const { ledger, contract } = fresh();
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), '[]'),
        ),
      'MALFORMED_INPUT',
    );
  });

  it('refuses a founding member listed twice with MALFORMED_INPUT', async () => {
    const { ledger, contract } = fresh();
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), '["Org1MSP","Org1MSP"]'),
        ),
      'MALFORMED_INPUT',
    );
  });

  it('refuses an MSP id with a NUL character with MALFORMED_INPUT', async () => {
    const { ledger, contract } = fresh();
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
          c.initialize(
            ctx,
            JSON.stringify(POLICY_50_GT_24),
            JSON.stringify(['Org1MSP', 'a\u0000b']),
          ),
        ),
      'MALFORMED_INPUT',
    );
  });

  it('refuses a founding member list holding a number with MALFORMED_INPUT', async () => {
    const { ledger, contract } = fresh();
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), '["Org1MSP", 7]'),
        ),
      'MALFORMED_INPUT',
    );
    expect(err.message).to.contain('foundingMembers[1]');
  });

  it('refuses a caller outside the founding members with NOT_AUTHORIZED', async () => {
    const { ledger, contract } = fresh();
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin('Org9MSP'), (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
        ),
      'NOT_AUTHORIZED',
    );
    expect(err.message).to.contain('Org9MSP');
  });

  it('refuses a founding member client without membership.admin=true with NOT_AUTHORIZED', async () => {
    const { ledger, contract } = fresh();
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, client('Org1MSP'), (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
        ),
      'NOT_AUTHORIZED',
    );
    expect(err.message).to.contain('membership.admin=true');
  });

  describe('before initialisation', () => {
    const reads: [
      string,
      (
        c: MembershipContract,
        ctx: Parameters<MembershipContract['getPolicy']>[0],
      ) => Promise<string>,
    ][] = [
      ['getPolicy', (c, ctx) => c.getPolicy(ctx)],
      ['listMembers', (c, ctx) => c.listMembers(ctx)],
      ['getProposal', (c, ctx) => c.getProposal(ctx, 'p-0000000000000000')],
      ['listProposals', (c, ctx) => c.listProposals(ctx, '', '10', '')],
      ['listProposalVotes', (c, ctx) => c.listProposalVotes(ctx, 'p-0000000000000000')],
      ['getProposalDetails', (c, ctx) => c.getProposalDetails(ctx, 'p-0000000000000000')],
      ['getInvitation', (c, ctx) => c.getInvitation(ctx, 'i-0000000000000000')],
      ['listInvitations', (c, ctx) => c.listInvitations(ctx, '')],
      ['listChannelChanges', (c, ctx) => c.listChannelChanges(ctx)],
      [
        'createProposal',
        (c, ctx) => c.createProposal(ctx, '{"Removals":[{"MemberId":"Org2MSP"}]}', 'x', 't'),
      ],
      ['voteOnProposal', (c, ctx) => c.voteOnProposal(ctx, 'p-0000000000000000', 'YES')],
      ['closeProposal', (c, ctx) => c.closeProposal(ctx, 'p-0000000000000000')],
      ['acceptInvitation', (c, ctx) => c.acceptInvitation(ctx, 'i-0000000000000000', '')],
      ['rejectInvitation', (c, ctx) => c.rejectInvitation(ctx, 'i-0000000000000000')],
      ['closeInvitation', (c, ctx) => c.closeInvitation(ctx, 'i-0000000000000000')],
    ];
    for (const [name, call] of reads) {
      it(`refuses ${name} with NOT_INITIALIZED`, async () => {
        const { ledger, contract } = fresh();
        await expectRejected(
          ledger,
          () => ledger.submit(contract, admin('Org1MSP'), call),
          'NOT_INITIALIZED',
        );
      });
    }
  });
});
