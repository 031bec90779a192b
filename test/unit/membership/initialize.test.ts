import { expect } from 'chai';
import { MembershipContract } from '../../../chaincode/src/membership';
import { FakeLedger } from '../../support/fake-ledger';
import {
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

function fresh(): { ledger: FakeLedger; contract: MembershipContract } {
  return { ledger: new FakeLedger(), contract: new MembershipContract() };
}

describe('membership initialisation', () => {
  it('names the contract membership', () => {
    expect(new MembershipContract().getName()).to.equal('membership');
  });

  it('stores the policy and returns it with the founding members sorted by MSP id', async () => {
    const { ledger, contract } = fresh();
    const out = await ledger.submit(contract, admin('Org1MSP'), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
    );
    expect(JSON.parse(out)).to.deep.equal({
      policy: POLICY_50_GT_24,
      members: [
        { mspId: 'Org1MSP', joinedDate: new Date(T0).toISOString(), joinedBy: 'FOUNDING' },
        { mspId: 'Org2MSP', joinedDate: new Date(T0).toISOString(), joinedBy: 'FOUNDING' },
      ],
    });
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

  it('emits one MembershipEvent listing the founding members', async () => {
    const w = await initialised(['Org1MSP', 'Org2MSP']);
    const event = lastEvent(w.ledger);
    expect(event.types).to.deep.equal(['Initialized', 'MemberAdded']);
    expect(event.membersAdded).to.deep.equal(['Org1MSP', 'Org2MSP']);
  });

  it('refuses a second initialisation with ALREADY_INITIALIZED', async () => {
    const w = await initialised();
    await expectRejected(
      w.ledger,
      () =>
        w.ledger.submit(w.contract, admin('Org1MSP'), (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), FOUNDERS),
        ),
      'ALREADY_INITIALIZED',
    );
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
      ['acceptInvitation', (c, ctx) => c.acceptInvitation(ctx, 'i-0000000000000000')],
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
