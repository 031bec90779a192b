/**
 * Two members vote on one proposal at the same moment, through the library, on a live network:
 * both transactions commit on their first and only submission (no MVCC_READ_CONFLICT, no second
 * vote), neither saw the other's vote, and the proposal read afterwards counts both. Each vote is
 * stored under its own key, a vote that does not decide writes nothing else, and the library names
 * the votes it read so that the contract reads only those keys. The decision the two votes reach
 * only together is recorded by the library of whichever client reads the proposal again after its
 * vote and finds both counted (closeProposal).
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  ContractError,
  clients,
  governance,
  type AgentMembership,
  type Connection,
  type MembershipClient,
  type TransactionRequest,
} from '@oracle-consortium/gateway';
import { describedMembers } from '../support/network';
import { connectLibraryAs } from '../support/gateway/transport';
import { committedOn } from '../support/gateway/committed';
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

    /** The members' admin connections, without the counting barrier the clients' go through. */
    let connections: Connection[] = [];

    async function connectAs(member: string): Promise<Connection> {
      const c = await connectLibraryAs(DESCRIPTION!, member, 'admin', {
        timeouts: { evaluateMs: 5000, endorseMs: 15000 },
      });
      open.push(c);
      return c;
    }

    before(async () => {
      connections = await Promise.all(members.map((m) => connectAs(m.name)));
      admins = connections.map((c, i) =>
        clients.newMembershipClient({ connection: counting(c, submits[i]!, barrier) }),
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

    /**
     * Org1 proposes inviting a fresh organisation (self-signed roots), so an approval changes no
     * member of the network other files may use.
     *
     * @returns the proposal's id
     */
    async function proposeInvitation(prefix: string, description: string): Promise<string> {
      const invitee = `${prefix}${randomBytes(3).toString('hex')}MSP`;
      const definition = {
        mspId: invitee,
        rootCerts: [selfSigned(`ca.${invitee}`).certPem],
        tlsRootCerts: [selfSigned(`tlsca.${invitee}`).certPem],
        nodeOUs: true,
      };
      const created = await admins[0]!.createProposal({
        actions: { Invitations: [{ Principal: invitee, MspDefinition: definition }] },
        description,
      });
      return created.value.proposalId;
    }

    /** Resolves once the client's peer has the proposal (another member's peer created it). */
    async function seen(admin: MembershipClient, id: string): Promise<void> {
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await admin.getProposal(id);
          return;
        } catch (err) {
          const missing =
            err instanceof ContractError && err.chaincodeCode === 'PROPOSAL_NOT_FOUND';
          if (!missing || Date.now() > deadline) throw err;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    }

    it('commits two concurrent votes of different members on their first attempt, and a client records the decision they reached together', async () => {
      const [first, second] = admins;
      const id = await proposeInvitation('Concurrent', 'concurrent votes');
      racedProposal = id;
      await seen(second!, id);
      for (const s of submits) s.clear();

      const [a, b] = await Promise.all([
        first!.voteOnProposal(id, 'YES'),
        second!.voteOnProposal(id, 'YES'),
      ]);

      // One vote submission each, each sent once, each committed: neither invalidated the other.
      expect(submits.slice(0, 2).map((s) => s.get('voteOnProposal'))).to.deep.equal([1, 1]);
      expect([a.submitAttempts, b.submitAttempts]).to.deep.equal([1, 1]);
      expect(a.blockNumber > 0n && b.blockNumber > 0n).to.equal(true);
      expect(a.transactionId).to.not.equal(b.transactionId);

      const votes = await first!.listProposalVotes(id);
      expect(votes.map((v) => [v.memberId, v.vote])).to.deep.equal([
        [founders[0], 'YES'],
        [founders[1], 'YES'],
      ]);
      if (founders.length !== 2) {
        // With more members two YES votes do not decide 50% GREATER_THAN: both counted, still open.
        const read = await second!.getProposal(id);
        expect(read).to.include({ status: 'IN_PROGRESS', yesVoteCount: 2, noVoteCount: 0 });
        return;
      }
      // With two members only the two votes together reach the 2 YES needed, and neither vote
      // counted the other's (the barrier held both until both had read the votes): the client
      // that read the proposal again after its vote and found both recorded the approval.
      const closes = submits.slice(0, 2).map((s) => s.get('closeProposal') ?? 0);
      expect(closes[0]! + closes[1]!, 'closeProposal submissions').to.be.at.least(1);
      const statuses = [a.value.status, b.value.status];
      expect(statuses).to.include('APPROVED');
      const read = await first!.getProposal(id);
      expect(read).to.include({ status: 'APPROVED', yesVoteCount: 2, outstandingVoteCount: 0 });
      expect(read.invitationIds).to.have.length(1);
      const invitation = await first!.getInvitation(read.invitationIds[0]!);
      expect(invitation).to.include({ status: 'PENDING', proposalId: id });
    });

    it('refuses to close the proposal again once its decision is recorded', async function () {
      if (founders.length !== 2) this.skip();
      expect(racedProposal, 'the proposal of the previous test').to.not.equal(undefined);
      let refused: unknown;
      try {
        await admins[1]!.closeProposal(racedProposal!);
      } catch (err) {
        refused = err;
      }
      expect(refused).to.be.instanceOf(ContractError);
      expect((refused as ContractError).chaincodeCode).to.equal('PROPOSAL_CLOSED');
    });

    it("has a member's governance agent record a decision votes reached together that no client recorded", async function () {
      if (founders.length !== 2) this.skip();
      const [first, second] = admins;
      const id = await proposeInvitation('Unrecorded', 'a decision left open');
      await seen(second!, id);
      // Two votes as a client that records nothing after its vote sends them (an older library,
      // or one that stopped right after): each names no votes, so each counts only its own.
      for (const c of connections.slice(0, 2)) {
        const out = await c.submit({
          chaincode: 'membership',
          contract: 'membership',
          transaction: 'voteOnProposal',
          arguments: [id, 'YES'],
          transientData: { votersCast: '[]', voteResult: 'tally' },
        });
        expect(JSON.parse(Buffer.from(out.result).toString('utf8'))).to.include({
          status: 'IN_PROGRESS',
          yesVoteCount: 1,
        });
        await committedOn(connections[0]!, out.blockNumber);
      }
      expect(await first!.getProposal(id)).to.include({
        status: 'IN_PROGRESS',
        yesVoteCount: 2,
        outstandingVoteCount: 0,
      });

      // Org1's agent, with only its decision duty live: no channel changes listed, no definitions.
      const unused = (): never => {
        throw new Error('not used by this pass');
      };
      const membership: AgentMembership = {
        listChannelChanges: () => Promise.resolve([]),
        listChannelUpdates: unused,
        getChannelUpdate: unused,
        proposeChannelUpdate: unused,
        signChannelUpdate: unused,
        recordChannelUpdateApplied: unused,
        listProposals: (options) => first!.listProposals(options),
        closeProposal: (proposalId) => first!.closeProposal(proposalId),
      };
      const agent = governance.newGovernanceAgent({
        membership,
        admin: { mspId: founders[0]!, certificate: '', signer: undefined as never },
        channel: { read: unused, build: unused, sign: unused, apply: unused },
        definitions: false,
      });
      const pass = await agent.runOnce();
      expect(pass.decisions.filter((d) => d.proposalId === id)).to.deep.equal([
        { proposalId: id, reason: 'VOTES', outcome: 'ok', status: 'APPROVED' },
      ]);
      const read = await first!.getProposal(id);
      expect(read).to.include({ status: 'APPROVED', yesVoteCount: 2 });
      expect(read.invitationIds).to.have.length(1);
      // A second pass finds nothing left to record for it.
      const again = await agent.runOnce();
      expect(again.decisions.filter((d) => d.proposalId === id)).to.deep.equal([]);
    });
  },
);
