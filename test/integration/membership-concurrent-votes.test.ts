/**
 * Two members vote on one proposal at the same moment, through the library, on a live network:
 * both transactions commit on their first and only submission (no MVCC_READ_CONFLICT, no second
 * vote), neither saw the other's vote, and the proposal read afterwards counts both. Each vote is
 * stored under its own key, a vote that does not decide writes nothing else, and the library names
 * the votes it read so that the contract reads only those keys.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  ContractError,
  clients,
  type Connection,
  type MembershipClient,
  type TransactionRequest,
} from '@oracle-consortium/gateway';
import { describedMembers } from '../support/network';
import { connectLibraryAs } from '../support/gateway/transport';
import { selfSigned } from '../../scripts/lib/openssl-ca';

const DESCRIPTION = process.env.NETWORK_DESCRIPTION;
const POLICY = {
  ProposalDurationInHours: 24,
  ThresholdComparator: 'GREATER_THAN',
  ThresholdPercentage: 50,
} as const;

/** Holds the callers of `wait` until `parties` of them have arrived, then lets all go. */
class Barrier {
  #waiting = 0;
  #open: () => void = () => undefined;
  readonly #opened = new Promise<void>((resolve) => (this.#open = resolve));

  constructor(readonly parties: number) {}

  wait(): Promise<void> {
    this.#waiting += 1;
    if (this.#waiting >= this.parties) this.#open();
    return this.#opened;
  }
}

/**
 * A connection that counts the transactions it submits, by name, and forwards everything; a vote's
 * submission first waits at the barrier, so every voter has read the votes before any vote is
 * endorsed and the votes truly race.
 */
function counting(inner: Connection, submits: Map<string, number>, barrier: Barrier): Connection {
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'submit') {
        return async (request: Readonly<TransactionRequest>) => {
          submits.set(request.transaction, (submits.get(request.transaction) ?? 0) + 1);
          if (request.transaction === 'voteOnProposal') await barrier.wait();
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
    const barrier = new Barrier(2);
    /** The proposal the two votes raced on. */
    let racedProposal: string | undefined;
    let admins: MembershipClient[] = [];

    async function connectAs(member: string, counts: Map<string, number>): Promise<Connection> {
      const c = await connectLibraryAs(DESCRIPTION!, member, 'admin', {
        timeouts: { evaluateMs: 5000, endorseMs: 15000 },
      });
      open.push(c);
      return counting(c, counts, barrier);
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
      // An invitation, so the approval changes no member of the network other files may use.
      const invitee = `Concurrent${randomBytes(3).toString('hex')}MSP`;
      const dir = mkdtempSync(join(tmpdir(), 'concurrent-votes-'));
      writeFileSync(join(dir, 'ca.pem'), selfSigned(`ca.${invitee}`).certPem);
      writeFileSync(join(dir, 'tlsca.pem'), selfSigned(`tlsca.${invitee}`).certPem);
      const definition = await clients.mspDefinitions.fromPemFiles({
        mspId: invitee,
        rootCertFiles: [join(dir, 'ca.pem')],
        tlsRootCertFiles: [join(dir, 'tlsca.pem')],
      });
      const created = await first!.createProposal({
        actions: { Invitations: [{ Principal: invitee, MspDefinition: definition }] },
        description: 'concurrent votes',
      });
      const id = created.value.proposalId;
      racedProposal = id;
      for (const s of submits) s.clear();

      const [a, b] = await Promise.all([
        first!.voteOnProposal(id, 'YES'),
        second!.voteOnProposal(id, 'YES'),
      ]);

      // One submission each, each sent once, each committed.
      expect(submits.slice(0, 2).map((s) => s.get('voteOnProposal'))).to.deep.equal([1, 1]);
      expect([a.submitAttempts, b.submitAttempts]).to.deep.equal([1, 1]);
      expect(a.blockNumber > 0n && b.blockNumber > 0n).to.equal(true);
      expect(a.transactionId).to.not.equal(b.transactionId);
      // They raced: each counted its own vote only, yet both committed.
      for (const vote of [a, b]) {
        expect(vote.value).to.include({ yesVoteCount: 1, noVoteCount: 0, status: 'IN_PROGRESS' });
      }

      const votes = await first!.listProposalVotes(id);
      expect(votes.map((v) => [v.memberId, v.vote])).to.deep.equal([
        [founders[0], 'YES'],
        [founders[1], 'YES'],
      ]);
      const read = await second!.getProposal(id);
      expect(read).to.include({
        yesVoteCount: 2,
        noVoteCount: 0,
        outstandingVoteCount: founders.length - 2,
      });
    });

    it('records the approval two concurrent votes reached together with closeProposal', async function () {
      // With two members, 50% GREATER_THAN needs 2 YES: only the two votes together reach it.
      if (founders.length !== 2) this.skip();
      expect(racedProposal, 'the proposal of the previous test').to.not.equal(undefined);
      const listed = (await admins[0]!.listProposals({ status: 'IN_PROGRESS' })).proposals;
      const proposal = listed.find((p) => p.proposalId === racedProposal);
      expect(proposal).to.include({ yesVoteCount: 2, outstandingVoteCount: 0 });
      expect(proposal!.status).to.equal('IN_PROGRESS');
      const closed = await admins[1]!.closeProposal(proposal!.proposalId);
      expect(closed.value).to.include({
        status: 'APPROVED',
        yesVoteCount: 2,
        outstandingVoteCount: 0,
      });
      expect(closed.value.invitationIds).to.have.length(1);
      const invitation = await admins[0]!.getInvitation(closed.value.invitationIds[0]!);
      expect(invitation).to.include({ status: 'PENDING', proposalId: proposal!.proposalId });
    });
  },
);
