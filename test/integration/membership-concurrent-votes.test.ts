/**
 * Two members vote on one proposal at the same moment, through the library, on a live network:
 * both transactions commit on their first and only submission (no MVCC_READ_CONFLICT, no second
 * vote), neither saw the other's vote, and the proposal read afterwards counts both. Each vote is
 * stored under its own key, a vote that does not decide writes nothing else, and the library names
 * the votes it read so that the contract reads only those keys.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  ContractError,
  clients,
  connection,
  signers,
  type Connection,
  type MembershipClient,
  type TransactionRequest,
} from '@oracle-consortium/gateway';
import { describedMembers } from '../support/network';
import { suiteTransport } from '../support/gateway/transport';

const DESCRIPTION = process.env.NETWORK_DESCRIPTION;
const POLICY = {
  ProposalDurationInHours: 24,
  ThresholdComparator: 'GREATER_THAN',
  ThresholdPercentage: 50,
} as const;

/** A connection that counts the transactions it submits, by name, and forwards everything. */
function counting(inner: Connection, submits: Map<string, number>): Connection {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'submit') {
        return (request: Readonly<TransactionRequest>) => {
          submits.set(request.transaction, (submits.get(request.transaction) ?? 0) + 1);
          return target.submit(request);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

(DESCRIPTION === undefined ? describe.skip : describe)(
  'membership: concurrent votes on one proposal (live network)',
  function () {
    this.timeout(300000);
    const open: Connection[] = [];
    const members = DESCRIPTION === undefined ? [] : describedMembers(DESCRIPTION);
    const founders = members.map((m) => m.mspId);
    const submits = members.map(() => new Map<string, number>());
    let admins: MembershipClient[] = [];

    async function connectAs(member: string, counts: Map<string, number>): Promise<Connection> {
      const network = await connection.loadNetworkDescription({ path: DESCRIPTION!, member });
      const files = network.identities.admin!;
      const c = connection.connect({
        ...suiteTransport(),
        network,
        identity: { certificate: readFileSync(files.certificatePath, 'utf8') },
        signer: await signers.newFileSigner({ path: files.privateKeyPath }),
        timeouts: { evaluateMs: 5000, endorseMs: 15000 },
      });
      open.push(c);
      return counting(c, counts);
    }

    before(async () => {
      admins = await Promise.all(
        members.map(async (m, i) =>
          clients.newMembershipClient({ connection: await connectAs(m.name, submits[i]!) }),
        ),
      );
      // Every founder confirms; another file may have initialised a kept network already.
      for (const admin of admins) {
        try {
          await admin.initialize(POLICY, founders);
        } catch (err) {
          if (!(err instanceof ContractError) || err.chaincodeCode !== 'ALREADY_INITIALIZED') {
            throw err;
          }
        }
      }
    });
    after(() => {
      for (const c of open) c.close();
    });

    it('commits two concurrent votes of different members on their first attempt and counts both', async () => {
      const [first, second] = admins;
      const created = await first!.createProposal({
        actions: { Removals: [{ MemberId: founders[1]! }] },
        description: 'concurrent votes',
      });
      const id = created.value.proposalId;
      for (const s of submits) s.clear();

      const [yes, no] = await Promise.all([
        first!.voteOnProposal(id, 'YES'),
        second!.voteOnProposal(id, 'NO'),
      ]);

      // One submission each, each sent once, each committed.
      expect(submits.slice(0, 2).map((s) => s.get('voteOnProposal'))).to.deep.equal([1, 1]);
      expect([yes.submitAttempts, no.submitAttempts]).to.deep.equal([1, 1]);
      expect(yes.blockNumber > 0n && no.blockNumber > 0n).to.equal(true);
      expect(yes.transactionId).to.not.equal(no.transactionId);
      // They raced: each counted its own vote only, yet both committed.
      expect(yes.value).to.include({ yesVoteCount: 1, noVoteCount: 0, status: 'IN_PROGRESS' });
      expect(no.value).to.include({ yesVoteCount: 0, noVoteCount: 1, status: 'IN_PROGRESS' });

      const votes = await first!.listProposalVotes(id);
      expect(votes.map((v) => [v.memberId, v.vote])).to.deep.equal([
        [founders[0], 'YES'],
        [founders[1], 'NO'],
      ]);
      const read = await second!.getProposal(id);
      expect(read).to.include({
        yesVoteCount: 1,
        noVoteCount: 1,
        outstandingVoteCount: founders.length - 2,
      });

      if (founders.length === 2) {
        // With two members, 1 YES and 1 NO reject the proposal (2 YES needed); neither vote saw
        // the other, so the tally read above is the first to know, and closeProposal records it.
        expect(read.status).to.equal('IN_PROGRESS');
        const closed = await first!.closeProposal(id);
        expect(closed.value).to.include({
          status: 'REJECTED',
          yesVoteCount: 1,
          noVoteCount: 1,
          outstandingVoteCount: 0,
        });
        expect((await second!.getProposal(id)).status).to.equal('REJECTED');
      }
    });
  },
);
