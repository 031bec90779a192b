/**
 * Votes that do not conflict: each vote is stored under its own key, a vote that does not decide
 * writes nothing else, and with the `votersCast` hint it reads only vote keys that were written
 * before it and never change. The fake ledger runs transactions one after another, so a concurrent
 * vote is modelled by a hint that leaves it out (what the client saw when it voted), and the read
 * and write sets are taken from the stub the contract calls.
 */
import { expect } from 'chai';
import type { Context } from 'fabric-contract-api';
import type { MembershipContract } from '../../../chaincode/src/membership/membership-contract';
import type { ProposalRecord } from '../../../chaincode/src/membership/types';
import {
  HOUR,
  T0,
  admin,
  client,
  expectRejected,
  getProposal,
  initialised,
  lastEvent,
  memberIds,
  propose,
  type World,
} from './helpers';
import { inviting } from '../../support/msp-vectors';

const REMOVE_ORG5 = { Removals: [{ MemberId: 'Org5MSP' }] };
const voteKey = (id: string, mspId: string): string =>
  `\u0000membership.vote\u0000${id}\u0000${mspId}\u0000`;

/** A vote sent as the library sends it: with the voters it read before, as transient data. */
async function hintedVote(
  w: World,
  mspId: string,
  id: string,
  value: string,
  votersCast: readonly string[],
  at = T0,
): Promise<ProposalRecord> {
  const out = await w.ledger.submit(
    w.contract,
    admin(mspId, at, { votersCast: JSON.stringify(votersCast) }),
    (c, ctx) => c.voteOnProposal(ctx, id, value),
  );
  return JSON.parse(out) as ProposalRecord;
}

/** What a transaction read: single keys and range queries (by object type and attributes). */
interface Reads {
  keys: string[];
  ranges: string[];
}

/** Runs a vote and records the keys and ranges it reads through the stub. */
async function votingWithReads(
  w: World,
  mspId: string,
  id: string,
  transient: Record<string, string> | undefined,
): Promise<Reads> {
  const reads: Reads = { keys: [], ranges: [] };
  await w.ledger.submit(
    w.contract,
    admin(mspId, T0, transient),
    (c: MembershipContract, ctx: Context) => {
      const stub = ctx.stub;
      const getState = stub.getState.bind(stub);
      const byPartial = stub.getStateByPartialCompositeKey.bind(stub);
      const byRange = stub.getStateByRange.bind(stub);
      stub.getState = (key: string) => {
        reads.keys.push(key);
        return getState(key);
      };
      stub.getStateByPartialCompositeKey = (type: string, attributes: string[]) => {
        reads.ranges.push([type, ...attributes].join('/'));
        return byPartial(type, attributes);
      };
      stub.getStateByRange = (start: string, end: string) => {
        reads.ranges.push(`${start}..${end}`);
        return byRange(start, end);
      };
      return c.voteOnProposal(ctx, id, 'YES');
    },
  );
  return reads;
}

describe('membership: votes that do not conflict', () => {
  let w: World;
  let id: string;
  beforeEach(async () => {
    // Five members, 50% GREATER_THAN: 3 YES approve.
    w = await initialised(['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP', 'Org5MSP']);
    id = (await propose(w, admin('Org1MSP'), REMOVE_ORG5)).proposalId;
  });

  it('leaves the stored proposal untouched by a vote that does not decide', async () => {
    const key = `\u0000membership.proposal\u0000${id}\u0000`;
    const before = w.ledger.readJson(key);
    await hintedVote(w, 'Org2MSP', id, 'YES', []);
    expect(w.ledger.readJson(key)).to.deep.equal(before);
  });

  it('counts an open proposal from its vote keys when it is read', async () => {
    await hintedVote(w, 'Org2MSP', id, 'YES', []);
    await hintedVote(w, 'Org3MSP', id, 'NO', ['Org2MSP']);
    expect(await getProposal(w, id)).to.include({
      status: 'IN_PROGRESS',
      yesVoteCount: 1,
      noVoteCount: 1,
      outstandingVoteCount: 3,
    });
  });

  it('reads only the named voters and its own vote key with votersCast, and no range', async () => {
    await hintedVote(w, 'Org2MSP', id, 'YES', []);
    const reads = await votingWithReads(w, 'Org3MSP', id, {
      votersCast: JSON.stringify(['Org2MSP']),
    });
    expect(reads.ranges).to.deep.equal([]);
    expect(reads.keys.filter((k) => k.startsWith('\u0000membership.vote\u0000'))).to.deep.equal([
      voteKey(id, 'Org2MSP'),
      voteKey(id, 'Org3MSP'),
    ]);
  });

  it('reads every vote of the proposal as a range without votersCast', async () => {
    const reads = await votingWithReads(w, 'Org3MSP', id, undefined);
    expect(reads.ranges).to.deep.equal([`membership.vote/${id}`]);
  });

  it('commits two votes that did not see each other, and the read counts both', async () => {
    // Org2 and Org3 both read no votes and vote at the same moment.
    const a = await hintedVote(w, 'Org2MSP', id, 'YES', []);
    const b = await hintedVote(w, 'Org3MSP', id, 'YES', []);
    expect([a.yesVoteCount, b.yesVoteCount]).to.deep.equal([1, 1]);
    expect(await getProposal(w, id)).to.include({ yesVoteCount: 2, outstandingVoteCount: 3 });
  });

  it('decides on the votes it read when they already reach the threshold', async () => {
    await hintedVote(w, 'Org2MSP', id, 'YES', []);
    await hintedVote(w, 'Org3MSP', id, 'YES', ['Org2MSP']);
    const p = await hintedVote(w, 'Org4MSP', id, 'YES', ['Org2MSP', 'Org3MSP'], T0 + HOUR);
    expect(p).to.include({ status: 'APPROVED', yesVoteCount: 3, outstandingVoteCount: 2 });
    expect(await memberIds(w)).to.not.include('Org5MSP');
  });

  it('leaves a threshold reached only by votes that did not see each other to closeProposal', async () => {
    await hintedVote(w, 'Org2MSP', id, 'YES', []);
    await hintedVote(w, 'Org3MSP', id, 'YES', []);
    await hintedVote(w, 'Org4MSP', id, 'YES', []);
    expect(await getProposal(w, id)).to.include({ status: 'IN_PROGRESS', yesVoteCount: 3 });
    const closed = JSON.parse(
      await w.ledger.submit(w.contract, client('Org1MSP', T0 + HOUR), (c, ctx) =>
        c.closeProposal(ctx, id),
      ),
    ) as ProposalRecord;
    expect(closed).to.include({ status: 'APPROVED', yesVoteCount: 3, outstandingVoteCount: 2 });
    expect(closed.statusChangedDate).to.equal(new Date(T0 + HOUR).toISOString());
    expect(await memberIds(w)).to.not.include('Org5MSP');
    const event = lastEvent(w.ledger);
    expect(event.types).to.deep.equal(['ProposalStatusChanged', 'MemberRemoved']);
    expect(event).to.include({ status: 'APPROVED', previousStatus: 'IN_PROGRESS' });
    expect(event.membersRemoved).to.deep.equal(['Org5MSP']);
  });

  it('records such a threshold with the next vote that reads the votes', async () => {
    await hintedVote(w, 'Org2MSP', id, 'NO', []);
    await hintedVote(w, 'Org3MSP', id, 'NO', []);
    await hintedVote(w, 'Org4MSP', id, 'NO', []);
    const p = await hintedVote(w, 'Org1MSP', id, 'YES', ['Org2MSP', 'Org3MSP', 'Org4MSP']);
    expect(p).to.include({ status: 'REJECTED', yesVoteCount: 1, noVoteCount: 3 });
  });

  it('refuses a second vote with ALREADY_VOTED even when the hint leaves the first out', async () => {
    await hintedVote(w, 'Org2MSP', id, 'YES', []);
    const err = await expectRejected(
      w.ledger,
      () =>
        w.ledger.submit(w.contract, admin('Org2MSP', T0, { votersCast: '[]' }), (c, ctx) =>
          c.voteOnProposal(ctx, id, 'NO'),
        ),
      'ALREADY_VOTED',
    );
    expect(err.message).to.contain('Org2MSP');
  });

  it('refuses votersCast that is not a JSON array of MSP ids with MALFORMED_INPUT', async () => {
    for (const bad of ['{"a":1}', '["Org2MSP", 7]', 'not json', '["bad id!"]']) {
      const err = await expectRejected(
        w.ledger,
        () =>
          w.ledger.submit(w.contract, admin('Org2MSP', T0, { votersCast: bad }), (c, ctx) =>
            c.voteOnProposal(ctx, id, 'YES'),
          ),
        'MALFORMED_INPUT',
      );
      expect(err.message).to.contain('votersCast');
    }
    expect(w.ledger.state.has(voteKey(id, 'Org2MSP'))).to.equal(false);
  });

  it('still refuses closeProposal on an open, undecided proposal with PROPOSAL_NOT_EXPIRED', async () => {
    await hintedVote(w, 'Org2MSP', id, 'YES', []);
    await expectRejected(
      w.ledger,
      () =>
        w.ledger.submit(w.contract, client('Org1MSP', T0 + HOUR), (c, ctx) =>
          c.closeProposal(ctx, id),
        ),
      'PROPOSAL_NOT_EXPIRED',
    );
  });
});

describe('membership: the answer a vote gives (voteResult)', () => {
  let w: World;
  let id: string;
  beforeEach(async () => {
    // Three members, 50% GREATER_THAN: 2 YES approve; the proposal invites Org4.
    w = await initialised(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    id = (await propose(w, admin('Org1MSP'), inviting('Org4MSP'))).proposalId;
  });

  const vote = async (
    mspId: string,
    value: string,
    voteResult?: string,
    seen: readonly string[] = [],
  ): Promise<string> =>
    w.ledger.submit(
      w.contract,
      admin(mspId, T0, {
        votersCast: JSON.stringify(seen),
        ...(voteResult === undefined ? {} : { voteResult }),
      }),
      (c, ctx) => c.voteOnProposal(ctx, id, value),
    );

  it('answers with the whole proposal when the field is absent or "proposal"', async () => {
    const whole = JSON.parse(await vote('Org2MSP', 'NO')) as ProposalRecord;
    expect(whole).to.include({ description: 'a proposal', noVoteCount: 1 });
    expect(whole).to.include.keys('actions', 'eligibleVoters', 'creationDate', 'expirationDate');
    const again = JSON.parse(
      await vote('Org3MSP', 'NO', 'proposal', ['Org2MSP']),
    ) as ProposalRecord;
    expect(again).to.have.property('actions');
    expect(again.status).to.equal('REJECTED');
  });

  it('answers with the tally only for "tally": what the vote changed, none of the fixed fields', async () => {
    const out = await vote('Org2MSP', 'YES', 'tally');
    const tally = JSON.parse(out) as Record<string, unknown>;
    expect(tally).to.deep.equal({
      proposalId: id,
      status: 'IN_PROGRESS',
      requiredYesVotes: 2,
      yesVoteCount: 1,
      noVoteCount: 0,
      outstandingVoteCount: 2,
      invitationIds: [],
    });
    const whole = await getProposal(w, id);
    expect(out.length).to.be.below(JSON.stringify(whole).length / 4);
  });

  it('gives the decision, its date and the invitations it created in the tally', async () => {
    await vote('Org2MSP', 'YES', 'tally');
    const decided = JSON.parse(await vote('Org3MSP', 'YES', 'tally', ['Org2MSP'])) as Record<
      string,
      unknown
    >;
    const stored = await getProposal(w, id);
    expect(stored.status).to.equal('APPROVED');
    expect(decided).to.deep.equal({
      proposalId: id,
      status: 'APPROVED',
      statusChangedDate: stored.statusChangedDate,
      requiredYesVotes: 2,
      yesVoteCount: 2,
      noVoteCount: 0,
      outstandingVoteCount: 1,
      invitationIds: stored.invitationIds,
    });
    expect(stored.invitationIds).to.have.length(1);
  });

  it('refuses any other value with MALFORMED_INPUT naming the field, and writes nothing', async () => {
    for (const bad of ['full', 'TALLY', '']) {
      const err = await expectRejected(
        w.ledger,
        () => vote('Org2MSP', 'YES', bad),
        'MALFORMED_INPUT',
      );
      expect(err.message).to.contain('voteResult');
    }
    expect(w.ledger.state.has(voteKey(id, 'Org2MSP'))).to.equal(false);
  });
});
