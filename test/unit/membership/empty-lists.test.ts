/**
 * Every list function of the membership contract on "nothing yet": an initialised network with no
 * proposals, invitations, votes or channel changes. The fake ledger delivers an empty paginated
 * page without metadata, as fabric-shim does.
 */
import { expect } from 'chai';
import { PROPOSAL_STATUSES, type ProposalPage } from '../../../chaincode/src/membership';
import { client, initialised, propose, admin, type World } from './helpers';

describe('membership: list functions with nothing to list', () => {
  let w: World;
  beforeEach(async () => {
    w = await initialised();
  });

  it('lists no proposals on a new network as an empty page', async () => {
    const out = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
      c.listProposals(ctx, '', '10', ''),
    );
    expect(JSON.parse(out)).to.deep.equal({ proposals: [], bookmark: '' });
  });

  for (const status of PROPOSAL_STATUSES) {
    it(`lists no ${status} proposals on a new network as an empty page`, async () => {
      const out = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
        c.listProposals(ctx, status, '10', ''),
      );
      expect(JSON.parse(out) as ProposalPage).to.deep.equal({ proposals: [], bookmark: '' });
    });
  }

  it('lists no votes of a proposal nobody voted on', async () => {
    const p = await propose(w, admin('Org1MSP'), { Removals: [{ MemberId: 'Org3MSP' }] });
    const out = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
      c.listProposalVotes(ctx, p.proposalId),
    );
    expect(JSON.parse(out)).to.deep.equal([]);
  });

  it('lists no invitations on a new network', async () => {
    const out = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
      c.listInvitations(ctx, ''),
    );
    expect(JSON.parse(out)).to.deep.equal([]);
  });

  it('lists no channel changes on a new network', async () => {
    const out = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
      c.listChannelChanges(ctx),
    );
    expect(JSON.parse(out)).to.deep.equal([]);
  });
});
