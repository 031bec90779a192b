import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { ProposalPage } from '../../../chaincode/src/membership';
import {
  HOUR,
  T0,
  admin,
  client,
  expectRejected,
  getProposal,
  initialised,
  lastEvent,
  propose,
  vote,
  type World,
} from './helpers';
import { inviting, storedInviting } from '../../support/msp-vectors';

const INVITE_ORG4 = inviting('Org4MSP');
const REMOVE_ORG3 = { Removals: [{ MemberId: 'Org3MSP' }] };

function create(
  w: World,
  actions: string,
  description = 'd',
  token = 'tok-1',
  opts = admin('Org1MSP'),
) {
  return () =>
    w.ledger.submit(w.contract, opts, (c, ctx) =>
      c.createProposal(ctx, actions, description, token),
    );
}

describe('membership proposals', () => {
  let w: World;
  beforeEach(async () => {
    w = await initialised();
  });

  describe('createProposal', () => {
    it('opens an invitation proposal IN_PROGRESS with the members as eligible voters', async () => {
      const p = await propose(w, admin('Org2MSP'), INVITE_ORG4, 'invite Org4');
      expect(p).to.include({
        proposedBy: 'Org2MSP',
        description: 'invite Org4',
        status: 'IN_PROGRESS',
        requiredYesVotes: 2,
        yesVoteCount: 0,
        noVoteCount: 0,
        outstandingVoteCount: 3,
        detailsHash: null,
      });
      expect(p.eligibleVoters).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
      expect(p.actions).to.deep.equal(storedInviting('Org4MSP'));
    });

    it('sets the expiration to creation plus the policy duration', async () => {
      const p = await propose(w, admin('Org1MSP', T0 + 5), REMOVE_ORG3);
      expect(p.creationDate).to.equal(new Date(T0 + 5).toISOString());
      expect(p.expirationDate).to.equal(new Date(T0 + 5 + 24 * HOUR).toISOString());
    });

    it('derives the proposal id from the transaction id', async () => {
      const out = await w.ledger.submit(
        w.contract,
        { ...admin('Org1MSP'), txId: 'abc' },
        (c, ctx) => c.createProposal(ctx, JSON.stringify(REMOVE_ORG3), 'd', 'tok'),
      );
      const expected = `p-${createHash('sha256').update('abc').digest('hex').slice(0, 16)}`;
      expect((JSON.parse(out) as { proposalId: string }).proposalId).to.equal(expected);
    });

    it('does not count a vote for the proposer', async () => {
      const p = await propose(w, admin('Org1MSP'), REMOVE_ORG3);
      const votes = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
        c.listProposalVotes(ctx, p.proposalId),
      );
      expect(JSON.parse(votes)).to.deep.equal([]);
    });

    it('emits ProposalCreated with the counters', async () => {
      const p = await propose(w, admin('Org1MSP'), REMOVE_ORG3);
      const event = lastEvent(w.ledger);
      expect(event).to.include({
        proposalId: p.proposalId,
        status: 'IN_PROGRESS',
        outstandingVoteCount: 3,
      });
      expect(event.types).to.deep.equal(['ProposalCreated']);
    });

    it('accepts a description of exactly 128 characters', async () => {
      const p = await propose(w, admin('Org1MSP'), REMOVE_ORG3, 'x'.repeat(128));
      expect(p.description).to.have.length(128);
    });

    it('returns the same proposal for a repeated token instead of creating a second', async () => {
      const first = await propose(w, admin('Org1MSP'), REMOVE_ORG3, 'd', 'same');
      const again = await propose(w, admin('Org1MSP', T0 + HOUR), REMOVE_ORG3, 'd', 'same');
      expect(again).to.deep.equal(first);
      const page = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
        c.listProposals(ctx, '', '10', ''),
      );
      expect((JSON.parse(page) as ProposalPage).proposals).to.have.length(1);
    });

    it('treats the same token from another member as a new proposal', async () => {
      const first = await propose(w, admin('Org1MSP'), REMOVE_ORG3, 'd', 'same');
      const other = await propose(w, admin('Org2MSP'), REMOVE_ORG3, 'd', 'same');
      expect(other.proposalId).to.not.equal(first.proposalId);
    });

    it('settles an expired proposal when its token is replayed after expiry', async () => {
      await propose(w, admin('Org1MSP'), REMOVE_ORG3, 'd', 'same');
      const again = await propose(w, admin('Org1MSP', T0 + 24 * HOUR), REMOVE_ORG3, 'd', 'same');
      expect(again.status).to.equal('EXPIRED');
      expect(lastEvent(w.ledger).types).to.deep.equal(['ProposalStatusChanged']);
    });

    it('returns a decided proposal unchanged when its token is replayed', async () => {
      const first = await propose(w, admin('Org1MSP'), REMOVE_ORG3, 'd', 'same');
      await vote(w, admin('Org1MSP'), first.proposalId, 'NO');
      const rejected = await vote(w, admin('Org2MSP'), first.proposalId, 'NO');
      const events = w.ledger.events.length;
      const again = await propose(w, admin('Org1MSP', T0 + 48 * HOUR), REMOVE_ORG3, 'd', 'same');
      expect(again).to.deep.equal(rejected);
      expect(w.ledger.events.length).to.equal(events);
    });

    it('refuses a token reused for different actions with TOKEN_REUSED', async () => {
      await propose(w, admin('Org1MSP'), REMOVE_ORG3, 'd', 'same');
      await expectRejected(
        w.ledger,
        create(w, JSON.stringify(INVITE_ORG4), 'd', 'same'),
        'TOKEN_REUSED',
      );
    });

    it('refuses a token reused for a different description with TOKEN_REUSED', async () => {
      await propose(w, admin('Org1MSP'), REMOVE_ORG3, 'd', 'same');
      await expectRejected(
        w.ledger,
        create(w, JSON.stringify(REMOVE_ORG3), 'other', 'same'),
        'TOKEN_REUSED',
      );
    });

    it('refuses invitations and removals together with MIXED_ACTIONS', async () => {
      const actions = JSON.stringify({ ...INVITE_ORG4, ...REMOVE_ORG3 });
      await expectRejected(w.ledger, create(w, actions), 'MIXED_ACTIONS');
    });

    it('refuses an empty actions object with EMPTY_ACTIONS', async () => {
      await expectRejected(w.ledger, create(w, '{}'), 'EMPTY_ACTIONS');
    });

    it('refuses empty invitation and removal lists with EMPTY_ACTIONS', async () => {
      await expectRejected(
        w.ledger,
        create(w, '{"Invitations":[],"Removals":[]}'),
        'EMPTY_ACTIONS',
      );
    });

    it('refuses the same principal invited twice with DUPLICATE_ACTION', async () => {
      const actions = JSON.stringify(inviting('Org4MSP', 'Org4MSP'));
      await expectRejected(w.ledger, create(w, actions), 'DUPLICATE_ACTION');
    });

    it('refuses a description of 129 characters with DESCRIPTION_TOO_LONG', async () => {
      const err = await expectRejected(
        w.ledger,
        create(w, JSON.stringify(REMOVE_ORG3), 'x'.repeat(129)),
        'DESCRIPTION_TOO_LONG',
      );
      expect(err.message).to.contain('129');
    });

    it('refuses actions that are not JSON with MALFORMED_INPUT', async () => {
      await expectRejected(w.ledger, create(w, 'Invitations'), 'MALFORMED_INPUT');
    });

    it('refuses an unknown action kind with MALFORMED_INPUT', async () => {
      await expectRejected(w.ledger, create(w, '{"Upgrades":[]}'), 'MALFORMED_INPUT');
    });

    it('refuses an invitation without a Principal with MALFORMED_INPUT', async () => {
      await expectRejected(
        w.ledger,
        create(w, '{"Invitations":[{"MemberId":"Org4MSP"}]}'),
        'MALFORMED_INPUT',
      );
    });

    it('refuses an actions list that is not an array with MALFORMED_INPUT', async () => {
      await expectRejected(
        w.ledger,
        create(w, '{"Removals":{"MemberId":"Org3MSP"}}'),
        'MALFORMED_INPUT',
      );
    });

    it('refuses more than 50 actions with MALFORMED_INPUT', async () => {
      const many = inviting(...Array.from({ length: 51 }, (_, i) => `New${i}MSP`));
      await expectRejected(w.ledger, create(w, JSON.stringify(many)), 'MALFORMED_INPUT');
    });

    it('refuses an empty token with MALFORMED_INPUT', async () => {
      await expectRejected(
        w.ledger,
        create(w, JSON.stringify(REMOVE_ORG3), 'd', ''),
        'MALFORMED_INPUT',
      );
    });

    it('refuses a proposal from a non-member with NOT_A_MEMBER', async () => {
      const err = await expectRejected(
        w.ledger,
        create(w, JSON.stringify(REMOVE_ORG3), 'd', 't', admin('Org9MSP')),
        'NOT_A_MEMBER',
      );
      expect(err.message).to.contain('Org9MSP');
    });

    it('refuses a member client without membership.admin=true with NOT_AUTHORIZED', async () => {
      await expectRejected(
        w.ledger,
        create(w, JSON.stringify(REMOVE_ORG3), 'd', 't', client('Org1MSP')),
        'NOT_AUTHORIZED',
      );
    });

    it('refuses inviting a current member with ALREADY_A_MEMBER', async () => {
      const err = await expectRejected(
        w.ledger,
        create(w, JSON.stringify(inviting('Org2MSP'))),
        'ALREADY_A_MEMBER',
      );
      expect(err.message).to.contain('Org2MSP');
    });

    it('refuses removing a non-member with MEMBER_NOT_FOUND', async () => {
      await expectRejected(
        w.ledger,
        create(w, JSON.stringify({ Removals: [{ MemberId: 'Org9MSP' }] })),
        'MEMBER_NOT_FOUND',
      );
    });
  });

  describe('reads', () => {
    it('reads a proposal back as created', async () => {
      const p = await propose(w, admin('Org1MSP'), REMOVE_ORG3);
      expect(await getProposal(w, p.proposalId)).to.deep.equal(p);
    });

    it('refuses an unknown proposal with PROPOSAL_NOT_FOUND', async () => {
      await expectRejected(
        w.ledger,
        () =>
          w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
            c.getProposal(ctx, 'p-0123456789abcdef'),
          ),
        'PROPOSAL_NOT_FOUND',
      );
    });

    it('refuses a malformed proposal id with MALFORMED_INPUT', async () => {
      await expectRejected(
        w.ledger,
        () =>
          w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) => c.getProposal(ctx, 'nope')),
        'MALFORMED_INPUT',
      );
    });

    it('refuses listing the votes of an unknown proposal with PROPOSAL_NOT_FOUND', async () => {
      await expectRejected(
        w.ledger,
        () =>
          w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
            c.listProposalVotes(ctx, 'p-0123456789abcdef'),
          ),
        'PROPOSAL_NOT_FOUND',
      );
    });

    it('lists the votes of a proposal ordered by member', async () => {
      const p = await propose(w, admin('Org1MSP'), REMOVE_ORG3);
      await vote(w, admin('Org3MSP'), p.proposalId, 'NO');
      await vote(w, admin('Org1MSP', T0 + 1), p.proposalId, 'YES');
      const out = await w.ledger.evaluate(w.contract, client('Org9MSP'), (c, ctx) =>
        c.listProposalVotes(ctx, p.proposalId),
      );
      expect(JSON.parse(out)).to.deep.equal([
        {
          proposalId: p.proposalId,
          memberId: 'Org1MSP',
          vote: 'YES',
          date: new Date(T0 + 1).toISOString(),
        },
        {
          proposalId: p.proposalId,
          memberId: 'Org3MSP',
          vote: 'NO',
          date: new Date(T0).toISOString(),
        },
      ]);
    });

    describe('listProposals', () => {
      async function list(filter: string, size: string, bookmark = ''): Promise<ProposalPage> {
        const out = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
          c.listProposals(ctx, filter, size, bookmark),
        );
        return JSON.parse(out) as ProposalPage;
      }

      let ids: string[];
      beforeEach(async () => {
        ids = [];
        for (let i = 0; i < 5; i++) {
          ids.push((await propose(w, admin('Org1MSP'), REMOVE_ORG3)).proposalId);
        }
        // Reject two of them: two NO votes of three leave at most one YES, fewer than the 2 needed.
        for (const id of [ids[1]!, ids[3]!]) {
          await vote(w, admin('Org2MSP'), id, 'NO');
          await vote(w, admin('Org3MSP'), id, 'NO');
        }
      });

      it('pages through all proposals in id order with a bookmark', async () => {
        const first = await list('', '3');
        const second = await list('', '3', first.bookmark);
        expect(first.proposals.map((p) => p.proposalId)).to.deep.equal([...ids].sort().slice(0, 3));
        expect(second.proposals.map((p) => p.proposalId)).to.deep.equal([...ids].sort().slice(3));
        expect(second.bookmark).to.equal('');
      });

      it('filters by status through the status index', async () => {
        const page = await list('REJECTED', '10');
        expect(page.proposals.map((p) => p.proposalId)).to.deep.equal([ids[1]!, ids[3]!].sort());
        expect(page.proposals.every((p) => p.status === 'REJECTED')).to.equal(true);
      });

      it('drops a proposal from its old status once it changes', async () => {
        const page = await list('IN_PROGRESS', '10');
        expect(page.proposals.map((p) => p.proposalId)).to.deep.equal(
          [ids[0]!, ids[2]!, ids[4]!].sort(),
        );
      });

      it('refuses an unknown status with MALFORMED_INPUT', async () => {
        await expectRejected(w.ledger, () => list('OPEN', '10'), 'MALFORMED_INPUT');
      });

      it('refuses a page size of 0 with MALFORMED_INPUT', async () => {
        await expectRejected(w.ledger, () => list('', '0'), 'MALFORMED_INPUT');
      });

      it('refuses a page size of 101 with MALFORMED_INPUT', async () => {
        await expectRejected(w.ledger, () => list('', '101'), 'MALFORMED_INPUT');
      });
    });
  });
});
