import { expect } from 'chai';
import type { FakeLedger } from '../../support/fake-ledger';
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

const REMOVE_ORG3 = { Removals: [{ MemberId: 'Org3MSP' }] };
const EXPIRY = T0 + 24 * HOUR;

function voting(w: World, mspId: string, proposalId: string, value: string, at = T0, attrs = true) {
  return () =>
    w.ledger.submit(w.contract, attrs ? admin(mspId, at) : client(mspId, at), (c, ctx) =>
      c.voteOnProposal(ctx, proposalId, value),
    );
}

function closing(w: World, proposalId: string, at: number, mspId = 'Org2MSP') {
  return () =>
    w.ledger.submit(w.contract, client(mspId, at), (c, ctx) => c.closeProposal(ctx, proposalId));
}

/** The keys a transaction changed, from a copy of the state before it. */
function changedKeys(ledger: FakeLedger, before: Map<string, Uint8Array>): Set<string> {
  const keys = new Set<string>();
  for (const k of new Set([...before.keys(), ...ledger.state.keys()])) {
    const a = before.get(k);
    const b = ledger.state.get(k);
    if (
      a === undefined ||
      b === undefined ||
      Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0
    ) {
      keys.add(k);
    }
  }
  return keys;
}

describe('membership voting', () => {
  let w: World;
  let id: string;
  beforeEach(async () => {
    // Five members, 50% GREATER_THAN: 3 YES approve, 3 NO reject.
    w = await initialised(['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP', 'Org5MSP']);
    id = (await propose(w, admin('Org1MSP'), REMOVE_ORG3)).proposalId;
  });

  it('counts a YES vote and keeps the proposal open below the threshold', async () => {
    const p = await vote(w, admin('Org2MSP'), id, 'YES');
    expect(p).to.include({
      status: 'IN_PROGRESS',
      yesVoteCount: 1,
      noVoteCount: 0,
      outstandingVoteCount: 4,
    });
  });

  it('counts a NO vote', async () => {
    const p = await vote(w, admin('Org2MSP'), id, 'NO');
    expect(p).to.include({ yesVoteCount: 0, noVoteCount: 1, outstandingVoteCount: 4 });
  });

  it('stores the vote under its own key', async () => {
    await vote(w, admin('Org2MSP', T0 + 7), id, 'YES');
    const stored = w.ledger.readJson(`\u0000membership.vote\u0000${id}\u0000Org2MSP\u0000`);
    expect(stored).to.deep.equal({
      proposalId: id,
      memberId: 'Org2MSP',
      vote: 'YES',
      date: new Date(T0 + 7).toISOString(),
    });
  });

  it('approves on the vote that reaches the required YES count, before everyone votes', async () => {
    await vote(w, admin('Org1MSP'), id, 'YES');
    await vote(w, admin('Org2MSP'), id, 'YES');
    const p = await vote(w, admin('Org4MSP', T0 + HOUR), id, 'YES');
    expect(p).to.include({ status: 'APPROVED', yesVoteCount: 3, outstandingVoteCount: 2 });
    expect(p.statusChangedDate).to.equal(new Date(T0 + HOUR).toISOString());
  });

  it('rejects as soon as approval is out of reach', async () => {
    await vote(w, admin('Org2MSP'), id, 'NO');
    await vote(w, admin('Org3MSP'), id, 'NO');
    const p = await vote(w, admin('Org4MSP'), id, 'NO');
    expect(p).to.include({ status: 'REJECTED', noVoteCount: 3, outstandingVoteCount: 2 });
  });

  it('rejects a 3-3 split under 50% GREATER_THAN with six members', async () => {
    const six = await initialised(['A1', 'A2', 'A3', 'A4', 'A5', 'A6']);
    const pid = (await propose(six, admin('A1'), { Removals: [{ MemberId: 'A6' }] })).proposalId;
    let last;
    for (const [m, v] of [
      ['A1', 'YES'],
      ['A2', 'YES'],
      ['A3', 'YES'],
      ['A4', 'NO'],
      ['A5', 'NO'],
      ['A6', 'NO'],
    ] as const) {
      last = await vote(six, admin(m), pid, v);
    }
    expect(last).to.include({
      status: 'REJECTED',
      yesVoteCount: 3,
      noVoteCount: 3,
      outstandingVoteCount: 0,
    });
  });

  it('emits VoteCast alone while the proposal stays open', async () => {
    await vote(w, admin('Org2MSP'), id, 'YES');
    const event = lastEvent(w.ledger);
    expect(event.types).to.deep.equal(['VoteCast']);
    expect(event).to.include({
      proposalId: id,
      voter: 'Org2MSP',
      vote: 'YES',
      status: 'IN_PROGRESS',
      yesVoteCount: 1,
    });
  });

  it('emits VoteCast and ProposalStatusChanged in one event when the vote decides', async () => {
    await vote(w, admin('Org2MSP'), id, 'NO');
    await vote(w, admin('Org3MSP'), id, 'NO');
    const before = w.ledger.events.length;
    await vote(w, admin('Org4MSP'), id, 'NO');
    expect(w.ledger.events.length).to.equal(before + 1);
    const event = lastEvent(w.ledger);
    expect(event.types).to.deep.equal(['VoteCast', 'ProposalStatusChanged']);
    expect(event).to.include({ status: 'REJECTED', previousStatus: 'IN_PROGRESS' });
  });

  it('moves the proposal to the decided status in the status index', async () => {
    await vote(w, admin('Org2MSP'), id, 'NO');
    await vote(w, admin('Org3MSP'), id, 'NO');
    await vote(w, admin('Org4MSP'), id, 'NO');
    expect(
      w.ledger.state.has(`\u0000membership.proposalByStatus\u0000REJECTED\u0000${id}\u0000`),
    ).to.equal(true);
    expect(
      w.ledger.state.has(`\u0000membership.proposalByStatus\u0000IN_PROGRESS\u0000${id}\u0000`),
    ).to.equal(false);
  });

  it('writes only its own vote key when the vote does not decide, on any proposal', async () => {
    const other = (await propose(w, admin('Org1MSP'), { Removals: [{ MemberId: 'Org4MSP' }] }))
      .proposalId;
    const s0 = new Map(w.ledger.state);
    await vote(w, admin('Org2MSP'), id, 'YES');
    const first = changedKeys(w.ledger, s0);
    const s1 = new Map(w.ledger.state);
    await vote(w, admin('Org2MSP'), other, 'YES');
    const second = changedKeys(w.ledger, s1);
    expect([...first]).to.deep.equal([`\u0000membership.vote\u0000${id}\u0000Org2MSP\u0000`]);
    expect([...second]).to.deep.equal([`\u0000membership.vote\u0000${other}\u0000Org2MSP\u0000`]);
  });

  it('refuses a second vote by the same member with ALREADY_VOTED', async () => {
    await vote(w, admin('Org2MSP'), id, 'YES');
    const err = await expectRejected(w.ledger, voting(w, 'Org2MSP', id, 'NO'), 'ALREADY_VOTED');
    expect(err.message).to.contain('Org2MSP');
  });

  it('refuses a lower-case vote with INVALID_VOTE', async () => {
    await expectRejected(w.ledger, voting(w, 'Org2MSP', id, 'yes'), 'INVALID_VOTE');
  });

  it('refuses ABSTAIN with INVALID_VOTE', async () => {
    await expectRejected(w.ledger, voting(w, 'Org2MSP', id, 'ABSTAIN'), 'INVALID_VOTE');
  });

  it('refuses a vote on an unknown proposal with PROPOSAL_NOT_FOUND', async () => {
    await expectRejected(
      w.ledger,
      voting(w, 'Org2MSP', 'p-0123456789abcdef', 'YES'),
      'PROPOSAL_NOT_FOUND',
    );
  });

  it('refuses a vote on a malformed proposal id with MALFORMED_INPUT', async () => {
    await expectRejected(w.ledger, voting(w, 'Org2MSP', 'p-XYZ', 'YES'), 'MALFORMED_INPUT');
  });

  it('refuses a vote by a non-member with NOT_A_MEMBER', async () => {
    await expectRejected(w.ledger, voting(w, 'Org9MSP', id, 'YES'), 'NOT_A_MEMBER');
  });

  it('refuses a vote by a member client without membership.admin=true with NOT_AUTHORIZED', async () => {
    await expectRejected(w.ledger, voting(w, 'Org2MSP', id, 'YES', T0, false), 'NOT_AUTHORIZED');
  });

  it('refuses a vote after the decision with PROPOSAL_CLOSED', async () => {
    await vote(w, admin('Org2MSP'), id, 'NO');
    await vote(w, admin('Org3MSP'), id, 'NO');
    await vote(w, admin('Org4MSP'), id, 'NO');
    const err = await expectRejected(w.ledger, voting(w, 'Org5MSP', id, 'YES'), 'PROPOSAL_CLOSED');
    expect(err.message).to.contain('REJECTED');
  });

  it('refuses a vote at the expiration with PROPOSAL_EXPIRED and records nothing', async () => {
    const err = await expectRejected(
      w.ledger,
      voting(w, 'Org2MSP', id, 'YES', EXPIRY),
      'PROPOSAL_EXPIRED',
    );
    expect(err.message).to.contain('closeProposal');
  });

  it('accepts a vote one millisecond before the expiration', async () => {
    const p = await vote(w, admin('Org2MSP', EXPIRY - 1), id, 'YES');
    expect(p.yesVoteCount).to.equal(1);
  });

  it('refuses a vote on a settled EXPIRED proposal with PROPOSAL_EXPIRED', async () => {
    await closing(w, id, EXPIRY)();
    await expectRejected(
      w.ledger,
      voting(w, 'Org2MSP', id, 'YES', EXPIRY + HOUR),
      'PROPOSAL_EXPIRED',
    );
  });

  describe('closeProposal', () => {
    it('settles an open proposal at its expiration as EXPIRED', async () => {
      await vote(w, admin('Org2MSP'), id, 'YES');
      const out = await closing(w, id, EXPIRY)();
      expect(JSON.parse(out)).to.include({
        status: 'EXPIRED',
        yesVoteCount: 1,
        statusChangedDate: new Date(EXPIRY).toISOString(),
      });
      expect((await getProposal(w, id)).status).to.equal('EXPIRED');
    });

    it('emits ProposalStatusChanged when it settles', async () => {
      await closing(w, id, EXPIRY)();
      const event = lastEvent(w.ledger);
      expect(event.types).to.deep.equal(['ProposalStatusChanged']);
      expect(event).to.include({
        proposalId: id,
        status: 'EXPIRED',
        previousStatus: 'IN_PROGRESS',
      });
    });

    it('leaves an expired proposal reading IN_PROGRESS until a transaction settles it', async () => {
      const out = await w.ledger.evaluate(w.contract, client('Org1MSP', EXPIRY + HOUR), (c, ctx) =>
        c.getProposal(ctx, id),
      );
      expect(JSON.parse(out)).to.include({ status: 'IN_PROGRESS' });
    });

    it('refuses to close before the expiration with PROPOSAL_NOT_EXPIRED', async () => {
      await expectRejected(w.ledger, closing(w, id, EXPIRY - 1), 'PROPOSAL_NOT_EXPIRED');
    });

    it('refuses to close a decided proposal with PROPOSAL_CLOSED', async () => {
      await vote(w, admin('Org2MSP'), id, 'NO');
      await vote(w, admin('Org3MSP'), id, 'NO');
      await vote(w, admin('Org4MSP'), id, 'NO');
      await expectRejected(w.ledger, closing(w, id, EXPIRY), 'PROPOSAL_CLOSED');
    });

    it('refuses to close an already expired proposal with PROPOSAL_CLOSED', async () => {
      await closing(w, id, EXPIRY)();
      await expectRejected(w.ledger, closing(w, id, EXPIRY + 1), 'PROPOSAL_CLOSED');
    });

    it('refuses a close by a non-member with NOT_A_MEMBER', async () => {
      await expectRejected(w.ledger, closing(w, id, EXPIRY, 'Org9MSP'), 'NOT_A_MEMBER');
    });

    it('refuses to close an unknown proposal with PROPOSAL_NOT_FOUND', async () => {
      await expectRejected(
        w.ledger,
        closing(w, 'p-0123456789abcdef', EXPIRY),
        'PROPOSAL_NOT_FOUND',
      );
    });
  });
});
