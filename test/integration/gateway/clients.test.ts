import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  ContractError,
  TransactionError,
  clients,
  connection,
  reports,
  signers,
  type Connection,
  type ContractEvent,
  type EventStream,
  type FeedsClient,
  type InitializeResult,
  type MembershipClient,
  type ReconnectInfo,
  type ReportKey,
  type SignedReport,
} from '@oracle-consortium/gateway';
import { describedMembers } from '../../support/network';
import { connectLibraryAs } from '../../support/gateway/transport';
import { selfSigned } from '../../../scripts/lib/openssl-ca';
import { committedOn } from '../../support/gateway/committed';

const DESCRIPTION = process.env.NETWORK_DESCRIPTION;
const REPO = resolve(__dirname, '..', '..', '..');
const run = promisify(execFile);

const POLICY = {
  ProposalDurationInHours: 24,
  ThresholdComparator: 'GREATER_THAN',
  ThresholdPercentage: 50,
} as const;
/** Every member of the network's description founds the membership contract. */
const FOUNDERS = DESCRIPTION === undefined ? [] : describedMembers(DESCRIPTION).map((m) => m.mspId);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return expect.fail('expected a rejection');
}

function expectContractError(caught: unknown, code: string): ContractError {
  if (!(caught instanceof ContractError))
    return expect.fail(`not a ContractError: ${String(caught)}`);
  const err = caught as ContractError;
  expect(err.code).to.equal('CONTRACT_ERROR');
  expect(err.chaincodeCode).to.equal(code);
  expect(err.transactionId).to.match(/^[0-9a-f]{64}$/);
  return err;
}

/** Four oracles, f = 1: a P-256 library signer, a P-256 KeyObject, an Ed25519 signer and key. */
function newOracleKeys(): ReportKey[] {
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;
  return [
    signers.newPemSigner({ pem: p256.export({ format: 'pem', type: 'pkcs8' }).toString() }),
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    signers.newPemSigner({ pem: ed.export({ format: 'pem', type: 'pkcs8' }).toString() }),
    generateKeyPairSync('ed25519').privateKey,
  ];
}

function feedId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Reads `count` events, then leaves the loop (which checkpoints the last one). */
async function take<T>(stream: EventStream<T>, count: number): Promise<ContractEvent<T>[]> {
  const out: ContractEvent<T>[] = [];
  if (count === 0) return out;
  for await (const e of stream) {
    out.push(e);
    if (out.length === count) break;
  }
  return out;
}

(DESCRIPTION === undefined ? describe.skip : describe)(
  'gateway typed clients (live network)',
  function () {
    this.timeout(300000);
    const dir = mkdtempSync(join(tmpdir(), 'gw-clients-'));
    const open: Connection[] = [];
    const keys = newOracleKeys();
    let org1Admin: Connection;
    let org2User: Connection;
    let org2Admin: Connection;
    let feeds: FeedsClient;
    let feedsOrg2: FeedsClient;
    let now = Math.floor(Date.now() / 1000);

    async function connectAs(member: string, identity: string): Promise<Connection> {
      const c = await connectLibraryAs(DESCRIPTION!, member, identity, {
        timeouts: { evaluateMs: 5000, endorseMs: 15000 },
        failover: { initialBackoffMs: 500, maxBackoffMs: 5000 },
      });
      open.push(c);
      return c;
    }

    /** Waits until the block of an Org1 write is on the peer Org2's reads go to. */
    async function seenByOrg2(out: { readonly blockNumber: bigint }): Promise<void> {
      await committedOn(org2User, out.blockNumber);
    }

    async function createFeed(id: string): Promise<void> {
      const oracles = await Promise.all(
        keys.map(async (k, i) => ({ id: `o${i}`, publicKey: await reports.oraclePublicKey(k) })),
      );
      const out = await feeds.createFeed({
        feedId: id,
        description: `${id} test feed`,
        decimals: 8,
        oracles,
        f: 1,
        heartbeatSeconds: 3600,
        deviationThresholdPpb: 5_000_000,
      });
      await seenByOrg2(out);
    }

    /** A report for `round` signed by oracles 0 and 2, observed by 0, 1, 2. */
    async function report(id: string, round: number, value: bigint): Promise<SignedReport> {
      const feed = await feeds.getFeed(id);
      now += 1;
      return reports.buildReport(
        {
          feedId: id,
          configDigest: feed.configDigest,
          roundId: String(round),
          observationsTimestamp: now,
          observations: [
            { oracle: 0, value: String(value - 1n) },
            { oracle: 1, value: String(value) },
            { oracle: 2, value: String(value + 1n) },
          ],
        },
        [
          { oracle: 0, key: keys[0]! },
          { oracle: 2, key: keys[2]! },
        ],
      );
    }

    before(async () => {
      org1Admin = await connectAs('Org1', 'admin');
      org2User = await connectAs('Org2', 'user1');
      org2Admin = await connectAs('Org2', 'admin');
      feeds = clients.newFeedsClient({ connection: org1Admin });
      feedsOrg2 = clients.newFeedsClient({ connection: org2User });
    });
    after(() => {
      for (const c of open) c.close();
    });

    describe('feeds', () => {
      const id = feedId('gw-eth-usd');

      it('creates a feed whose config digest the client recomputes', async () => {
        await createFeed(id);
        const feed = await feedsOrg2.getFeed(id);
        expect(feed.owner).to.equal('Org1MSP');
        expect(feed.oracles.map((o) => o.keyType)).to.deep.equal([
          'p256',
          'p256',
          'ed25519',
          'ed25519',
        ]);
        expect(feed.minSignatures).to.equal(2);
        expect(feed.minObservations).to.equal(3);
        expect(reports.computeConfigDigest(feed)).to.equal(feed.configDigest);
        expect(await feedsOrg2.decimals(id)).to.equal(8);
        expect(await feedsOrg2.description(id)).to.equal(`${id} test feed`);
      });

      it('commits a report built and signed by the report builder, read back from Org2', async () => {
        const out = await feeds.submitReport(await report(id, 1, 350_000_000_00n));
        expect(out.transactionId).to.match(/^[0-9a-f]{64}$/);
        expect(out.blockNumber > 0n).to.be.true;
        expect(out.value.answer).to.equal('35000000000');
        await seenByOrg2(out);
        const latest = await feedsOrg2.latestRoundData(id);
        expect(latest).to.deep.include({ feedId: id, roundId: '1', answer: '35000000000' });
        expect(await feedsOrg2.getRoundData(id, '1')).to.deep.equal(latest);
        const history = await feedsOrg2.getRoundHistory(id, { pageSize: 10 });
        expect(history.records.map((r) => r.txId)).to.deep.equal([out.transactionId]);
        expect(history.records[0]!.signers).to.deep.equal([0, 2]);
      });

      it('reads a round report back from its transaction exactly as it was submitted', async () => {
        const own = feedId('gw-round-report');
        await createFeed(own);
        const submitted = await report(own, 1, 351_000_000_00n);
        const out = await feeds.submitReport(submitted);
        await seenByOrg2(out);
        const round = await feedsOrg2.getRound(own, '1');
        expect(round).to.not.have.property('observations');
        expect(round).to.include({ txId: out.transactionId, roundId: '1' });
        expect(await feedsOrg2.getRoundReport(own, '1')).to.deep.equal(submitted);
      });

      it('returns chaincode rejections as typed ContractErrors with per-peer details', async () => {
        const stale = await rejection(feeds.submitReport(await report(id, 1, 1n)));
        const err = expectContractError(stale, 'STALE_ROUND');
        expect(clients.isFeedsError(err)).to.be.true;
        expect(err.details.length).to.be.greaterThan(0);
        expectContractError(await rejection(feedsOrg2.getFeed('no-such-feed')), 'FEED_NOT_FOUND');
        const notOwner = await rejection(feedsOrg2.submitReport(await report(id, 9, 1n)));
        expectContractError(notOwner, 'FORBIDDEN');
        const forged = await report(id, 2, 5n);
        const bad = await rejection(
          feeds.submitReport({
            ...forged,
            signatures: [
              forged.signatures[0]!,
              { oracle: 2, signature: forged.signatures[0]!.signature },
            ],
          }),
        );
        expectContractError(bad, 'BAD_SIGNATURE');
      });

      it('administers the feed: policy, bounds, pause, oracles, thresholds', async () => {
        const policy = await feeds.setReportingPolicy(id, { heartbeatSeconds: 60 });
        expect(policy.value.heartbeatSeconds).to.equal(60);
        expect((await feeds.setBounds(id, '1', '1000000000000')).value.maxAnswer).to.equal(
          '1000000000000',
        );
        await feeds.pauseFeed(id);
        expectContractError(
          await rejection(feeds.submitReport(await report(id, 2, 7n))),
          'FEED_PAUSED',
        );
        expect((await feeds.resumeFeed(id)).value.paused).to.be.false;
        const extra = generateKeyPairSync('ed25519').privateKey;
        const added = await feeds.addOracle(id, {
          id: 'o4',
          publicKey: await reports.oraclePublicKey(extra),
        });
        expect(added.value.oracles).to.have.length(5);
        const rotated = await feeds.rotateOracleKey(
          id,
          'o4',
          await reports.oraclePublicKey(generateKeyPairSync('ed25519').privateKey),
        );
        expect(rotated.value.configVersion).to.equal(added.value.configVersion + 1);
        expect((await feeds.removeOracle(id, 'o4')).value.oracles).to.have.length(4);
        const t = await feeds.setThresholds(id, { f: 1, minSignatures: 2, minObservations: 3 });
        expect(reports.computeConfigDigest(t.value)).to.equal(t.value.configDigest);
        // Pages hold at most 100 records (chaincode/src/lib/pages.ts), so read every page.
        const listed: string[] = [];
        let bookmark = '';
        do {
          const page = await feedsOrg2.listFeeds({ pageSize: 100, bookmark });
          listed.push(...page.records.map((f) => f.feedId));
          bookmark = page.bookmark;
        } while (bookmark !== '');
        expect(listed).to.include(id);
        expectContractError(await rejection(feeds.removeOracle(id, 'nobody')), 'ORACLE_NOT_FOUND');
      });

      it('delivers a premium value to the subscriber only, endorsed by owner and subscriber', async () => {
        const sub = await feeds.grantSubscription(id, 'Org2MSP');
        expect(sub.value.mspId).to.equal('Org2MSP');
        await seenByOrg2(sub);
        expect(await feedsOrg2.listSubscriptions(id)).to.have.length(1);
        const value = { bid: '35000000000', ask: '35000100000', venue: 'x' };
        const out = await feeds.submitReport(await report(id, 2, 35_000_000_000n), { value });
        expect(out.premium?.salt).to.match(/^[0-9a-f]{64}$/);
        await seenByOrg2(out);
        const read = await feedsOrg2.getPremium(id, '2');
        expect(read.value).to.deep.equal(value);
        expect(read.premiumHash).to.equal(out.premium?.premiumHash);
        const check = await feedsOrg2.verifyPremium(id, '2', { value, salt: out.premium!.salt });
        expect(check.valid).to.be.true;
        const wrong = await feedsOrg2.verifyPremium(id, '2', {
          value: 'x',
          salt: out.premium!.salt,
        });
        expect(wrong.valid).to.be.false;
        await seenByOrg2(await feeds.revokeSubscription(id, 'Org2MSP'));
        expectContractError(await rejection(feedsOrg2.getPremium(id, '2')), 'NOT_SUBSCRIBED');
      });
    });

    describe('membership', () => {
      let admin1: MembershipClient;
      let admin2: MembershipClient;

      before(async () => {
        admin1 = clients.newMembershipClient({ connection: org1Admin });
        admin2 = clients.newMembershipClient({ connection: org2Admin });
        // Every founder must confirm; another integration file may have initialised the shared
        // network first.
        const others = await Promise.all(
          describedMembers(DESCRIPTION!)
            .slice(2)
            .map(async (m) =>
              clients.newMembershipClient({ connection: await connectAs(m.name, 'admin') }),
            ),
        );
        let last: InitializeResult | undefined;
        for (const admin of [admin1, admin2, ...others]) {
          try {
            last = (await admin.initialize(POLICY, FOUNDERS)).value;
          } catch (err) {
            expectContractError(err, 'ALREADY_INITIALIZED');
          }
        }
        if (last !== undefined) {
          expect(last).to.deep.include({ initialised: true, confirmations: FOUNDERS, pending: [] });
        }
      });

      it('proposes and votes with admin identities; events report each step once', async () => {
        const stream = clients.newMembershipEventStream({
          connection: org2User,
          checkpointPath: join(dir, 'membership.json'),
        });
        await stream.checkpointer;
        // Start the stream at the current height before proposing.
        const first = take(stream, 3);
        const invitee = `Gw${randomBytes(4).toString('hex')}MSP`;
        // The invitee runs nowhere: fresh CA certificates stand for its CA's.
        writeFileSync(join(dir, 'invitee-ca.pem'), selfSigned(`ca.${invitee}`).certPem);
        writeFileSync(join(dir, 'invitee-tlsca.pem'), selfSigned(`tlsca.${invitee}`).certPem);
        writeFileSync(join(dir, 'impostor-ca.pem'), selfSigned(`ca.${invitee}`).certPem);
        const definition = await clients.mspDefinitions.fromPemFiles({
          mspId: invitee,
          rootCertFiles: [join(dir, 'invitee-ca.pem')],
          tlsRootCertFiles: [join(dir, 'invitee-tlsca.pem')],
        });
        const impostor = await clients.mspDefinitions.fromPemFiles({
          mspId: invitee,
          rootCertFiles: [join(dir, 'impostor-ca.pem')],
          tlsRootCertFiles: [join(dir, 'invitee-tlsca.pem')],
        });
        const created = await admin1.createProposal({
          actions: { Invitations: [{ Principal: invitee, MspDefinition: definition }] },
          description: `invite ${invitee}`,
          rationale: 'runs an oracle node',
          contact: 'ops@example.org',
        });
        const p = created.value;
        expect(p.status).to.equal('IN_PROGRESS');
        expect(created.salt).to.match(/^[0-9a-f]{64}$/);
        expect((await admin1.voteOnProposal(p.proposalId, 'YES')).value.yesVoteCount).to.equal(1);
        const decided = await admin2.voteOnProposal(p.proposalId, 'YES');
        expect(decided.value.status).to.equal('APPROVED');
        expect(decided.value.invitationIds).to.have.length(1);

        const events = (await first).filter((e) => e.payload.proposalId === p.proposalId);
        stream.close();
        expect(events.map((e) => e.payload.types)).to.deep.equal([
          ['ProposalCreated'],
          ['VoteCast'],
          ['VoteCast', 'ProposalStatusChanged', 'InvitationCreated'],
        ]);
        expect(events.map((e) => e.transactionId)).to.deep.equal([
          created.transactionId,
          events[1]!.transactionId,
          decided.transactionId,
        ]);

        const details = await admin2.getProposalDetails(p.proposalId);
        expect(details).to.deep.include({ rationale: 'runs an oracle node', salt: created.salt });
        const votes = await admin2.listProposalVotes(p.proposalId);
        expect(votes.map((v) => v.memberId)).to.deep.equal(['Org1MSP', 'Org2MSP']);
        const invitationId = decided.value.invitationIds[0]!;
        const invitation = await admin2.getInvitation(invitationId);
        expect(invitation.principal).to.equal(invitee);
        expect(invitation.mspDefinition).to.deep.equal(definition);
        expect(invitation.mspDefinitionHash).to.equal(
          clients.mspDefinitions.mspDefinitionHash(definition),
        );
        expect((await admin2.listInvitations(invitee)).map((i) => i.invitationId)).to.deep.equal([
          invitationId,
        ]);
        await committedOn(org1Admin, decided.blockNumber);
        expect((await admin1.getProposal(p.proposalId)).status).to.equal('APPROVED');
        const page = await admin1.listProposals({ status: 'APPROVED', pageSize: 100 });
        expect(page.proposals.length).to.be.greaterThan(0);
        expect(await admin1.getPolicy()).to.deep.equal(POLICY);
        expect((await admin1.listMembers()).map((m) => m.mspId)).to.include.members(FOUNDERS);
        expect(await admin1.listChannelChanges()).to.be.an('array');

        expectContractError(
          await rejection(admin1.acceptInvitation(invitationId, impostor)),
          'MSP_DEFINITION_MISMATCH',
        );
        expectContractError(
          await rejection(admin1.acceptInvitation(invitationId, definition)),
          'NOT_INVITEE',
        );
        expectContractError(
          await rejection(admin1.closeInvitation(invitationId)),
          'INVITATION_NOT_EXPIRED',
        );
        expectContractError(await rejection(admin1.closeProposal(p.proposalId)), 'PROPOSAL_CLOSED');
        expectContractError(await rejection(admin1.rejectInvitation(invitationId)), 'NOT_INVITEE');
        expectContractError(
          await rejection(admin1.voteOnProposal(p.proposalId, 'NO')),
          'PROPOSAL_CLOSED',
        );
      });

      it('refuses a proposal from an identity without membership.admin', async () => {
        const user = clients.newMembershipClient({ connection: org2User });
        const err = await rejection(
          user.createProposal({
            actions: { Removals: [{ MemberId: 'Org1MSP' }] },
            description: 'no',
          }),
        );
        expect(clients.isMembershipError(err)).to.be.true;
        expectContractError(err, 'NOT_AUTHORIZED');
      });
    });

    describe('round event stream', () => {
      it('resumes after a restart exactly where it left off and skips an invalid transaction', async () => {
        const id = feedId('gw-events');
        await createFeed(id);
        const path = join(dir, 'rounds.json');
        const openStream = () =>
          clients.newRoundEventStream({ connection: org2User, checkpointPath: path, feedId: id });

        const firstStream = openStream();
        await firstStream.checkpointer;
        const firstRun = take(firstStream, 2);
        const committed: string[] = [];
        for (let r = 1; r <= 3; r++) {
          committed.push(
            (await feeds.submitReport(await report(id, r, BigInt(100 + r)))).transactionId,
          );
        }
        const before = await firstRun;
        firstStream.close();
        expect(before.map((e) => e.payload.roundId)).to.deep.equal(['1', '2']);

        // While no consumer runs: two more rounds, plus a report that fails validation. Both
        // proposals are endorsed against the same state, so the second to commit is an
        // MVCC_READ_CONFLICT and must never surface as an event.
        committed.push((await feeds.submitReport(await report(id, 4, 104n))).transactionId);
        const off = org1Admin.offline;
        const signer = await signers.newFileSigner({
          path: (await connection.loadNetworkDescription({ path: DESCRIPTION!, member: 'Org1' }))
            .identities.admin!.privateKeyPath,
        });
        const proposals = [await report(id, 5, 105n), await report(id, 6, 106n)].map((r) =>
          off.newProposal({
            chaincode: 'consortium',
            contract: 'feeds',
            transaction: 'submitReport',
            arguments: [JSON.stringify(r)],
          }),
        );
        const endorsed = [];
        for (const p of proposals) {
          endorsed.push(await off.endorse(p.bytes, await signer.sign(p.digest)));
        }
        const [winner, loser] = endorsed as [(typeof endorsed)[0], (typeof endorsed)[0]];
        const c0 = await off.submit(winner.bytes, await signer.sign(winner.digest));
        const winnerCommitted = await off.commitStatus(c0.bytes, await signer.sign(c0.digest));
        const c1 = await off.submit(loser.bytes, await signer.sign(loser.digest));
        const invalid = await rejection(off.commitStatus(c1.bytes, await signer.sign(c1.digest)));
        if (!(invalid instanceof TransactionError)) return expect.fail(String(invalid));
        expect(invalid.code).to.equal('COMMIT_FAILED');
        expect(invalid.validationCode).to.equal('MVCC_READ_CONFLICT');
        committed.push(winner.transactionId);
        await seenByOrg2(winnerCommitted);
        expect((await feedsOrg2.latestRoundData(id)).roundId).to.equal('5');

        const secondStream = openStream();
        const after = await take(secondStream, 3);
        secondStream.close();
        expect(after.map((e) => e.payload.roundId)).to.deep.equal(['3', '4', '5']);
        expect([...before, ...after].map((e) => e.transactionId)).to.deep.equal(committed);
        expect(after.map((e) => e.transactionId)).to.not.include(loser.transactionId);
      });
    });

    // Last: it stops a real peer, and `after` starts it again for the files that follow.
    describe('failover with a stopped peer', () => {
      const networkEnv = () => {
        const home = dirname(DESCRIPTION!);
        return {
          ...process.env,
          NETWORK_HOME: home,
          NETWORK_NAME: process.env.NETWORK_NAME ?? home.split('/').pop()!,
          PORT_BASE: process.env.PORT_BASE ?? '',
        };
      };

      after(async () => {
        await run('bash', [join(REPO, 'test-network', 'network.sh'), 'start'], {
          env: networkEnv(),
          cwd: REPO,
          maxBuffer: 16 * 1024 * 1024,
        });
      });

      it('keeps every call succeeding through peer2-org1 and loses or repeats no transaction', async () => {
        if (process.env.PORT_BASE === undefined) {
          throw new Error(
            'set NETWORK_NAME and PORT_BASE to the network under test (network.sh needs them)',
          );
        }
        const id = feedId('gw-failover');
        await createFeed(id);
        const reconnects: ReconnectInfo[] = [];
        const stream = clients.newRoundEventStream({
          connection: org1Admin,
          checkpointPath: join(dir, 'failover.json'),
          feedId: id,
          backoff: { initialMs: 200, maxMs: 2000 },
          onReconnect: (info) => reconnects.push(info),
        });
        await stream.checkpointer;
        const total = 10;
        const delivered = take(stream, total);
        const committed: string[] = [];
        for (let r = 1; r <= 3; r++) {
          committed.push((await feeds.submitReport(await report(id, r, BigInt(r)))).transactionId);
        }
        // The pool prefers the first peer the description lists: peer1 of Org1.
        const description = JSON.parse(readFileSync(DESCRIPTION!, 'utf8')) as {
          Members: { MspId: string; Nodes: { Id: string; Name: string }[] }[];
        };
        const peer1Id = description.Members.find((m) => m.MspId === 'Org1MSP')!.Nodes.find(
          (n) => n.Name === 'peer1',
        )!.Id;
        const peer1Name = org1Admin.peers()[0]!.name;
        expect(peer1Name.toLowerCase()).to.equal(peer1Id.toLowerCase());

        await run('bash', ['-c', 'source test-network/lib/common.sh; stop_process peer1-org1'], {
          env: networkEnv(),
          cwd: REPO,
        });

        let resubmits = 0;
        for (let r = 4; r <= total; r++) {
          const out = await feeds.submitReport(await report(id, r, BigInt(r)));
          resubmits += out.submitAttempts - 1;
          committed.push(out.transactionId);
          expect((await feeds.latestRoundData(id)).roundId).to.equal(String(r));
        }
        const history = await feeds.getRoundHistory(id, { pageSize: 100 });
        expect(history.records.map((r) => r.txId)).to.deep.equal(committed);
        expect(history.records.map((r) => r.roundId)).to.deep.equal(
          Array.from({ length: total }, (_, i) => String(i + 1)),
        );
        const events = await delivered;
        stream.close();
        expect(events.map((e) => e.transactionId)).to.deep.equal(committed);
        const peer1 = org1Admin.peers().find((p) => p.name === peer1Name)!;
        expect(peer1.failures).to.be.greaterThan(0);
        expect(reconnects.length).to.be.greaterThan(0);
        expect(reconnects[0]!.endpoint).to.equal(peer1.endpoint);
        console.log(
          `      peer1-org1 stopped: ${total - 3} reports committed through peer2-org1, ${resubmits} resubmits, stream reconnected ${reconnects.length}x`,
        );
      });
    });
  },
);

if (DESCRIPTION === undefined) {
  console.warn(
    '\n  !!! gateway client integration tests SKIPPED: NETWORK_DESCRIPTION is not set !!!\n',
  );
}
