/**
 * The `feeds` contract on the real local network: Org1 owns and reports, Org2 reads through its own
 * peers, and premium values reach Org2's peers only while Org2 is subscribed.
 *
 * Every read by Org2 first waits until the Org2 peer it asks has committed the block holding the
 * transaction under test, so no assertion depends on how fast blocks travel.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  EndorseError,
  GatewayError,
  StatusCode,
  type Contract,
  type Network,
} from '@hyperledger/fabric-gateway';
import {
  encodeReport,
  premiumHash,
  type Page,
  type PremiumRecord,
  type RoundData,
  type RoundRecord,
  type SignedReport,
} from '@oracle-consortium/protocol';
import {
  chaincodeFailure,
  committedOn,
  filesContaining,
  peerDataDir,
  type ChaincodeFailure,
} from '../support/live-ledger';
import { connectAs, describedMembers, loadMember } from '../support/network';
import { newOracles, signedReport, type Oracle, type ReportSpec } from '../support/oracles';

const CHAINCODE = 'consortium';
const ORG1 = 'Org1MSP';
const ORG2 = 'Org2MSP';
const RUN = String(Date.now());
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const json = (bytes: Uint8Array): unknown => JSON.parse(text(bytes));

/** A client of one member connected through one of its peers. */
interface Client {
  readonly network: Network;
  readonly feeds: Contract;
  readonly close: () => void;
}

async function client(
  descriptionFile: string,
  member: 'Org1' | 'Org2',
  identity: 'admin' | 'user1',
  nodeIndex: number,
): Promise<Client> {
  const config = await loadMember(descriptionFile, member);
  const { gateway, close } = connectAs(config, identity, nodeIndex);
  const network = gateway.getNetwork(config.channelName);
  return { network, feeds: network.getContract(CHAINCODE, 'feeds'), close };
}

/** The failure of `run`, which must throw a GatewayError (of `type`) carrying a `[CODE]`. */
async function failure(
  type: typeof GatewayError,
  run: () => Promise<unknown>,
): Promise<ChaincodeFailure & { error: GatewayError }> {
  let caught: unknown;
  try {
    await run();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected the call to fail').to.be.instanceOf(type);
  return { ...chaincodeFailure(caught), error: caught as GatewayError };
}

/** Submits and waits for the commit status; the result and where it landed. */
async function submit(
  contract: Contract,
  name: string,
  args: string[],
  options: { transientData?: Record<string, string>; endorsingOrganizations?: string[] } = {},
): Promise<{ result: string; blockNumber: bigint; transactionId: string }> {
  const commit = await contract.submitAsync(name, { arguments: args, ...options });
  const status = await commit.getStatus();
  if (!status.successful) {
    throw new Error(`${name} ${status.transactionId} committed as invalid, code ${status.code}`);
  }
  return {
    result: text(commit.getResult()),
    blockNumber: status.blockNumber,
    transactionId: status.transactionId,
  };
}

function feedDefinition(feedId: string, oracles: readonly Oracle[]): string {
  return JSON.stringify({
    feedId,
    description: `${feedId} / USD`,
    decimals: 8,
    oracles: oracles.map((o) => ({ id: o.id, publicKey: o.publicKeyPem })),
    f: 1,
    minAnswer: '1',
    maxAnswer: '100000000000000',
    heartbeatSeconds: 3600,
    deviationThresholdPpb: 5_000_000,
  });
}

/** Four oracles, f = 1: two P-256 keys and two Ed25519 keys. */
const ORACLE_KEYS = ['p256', 'ed25519', 'p256', 'ed25519'] as const;

describe('feeds contract (live network)', function () {
  this.timeout(300_000);
  const descriptionFile = process.env.NETWORK_DESCRIPTION ?? '';
  let org1Admin: Client;
  let org1User: Client;
  let org2User: Client;
  /** The second Org2 peer, for checks that must hold on both. */
  let org2UserPeer2: Client;
  const oracles = newOracles(ORACLE_KEYS);
  const digests = new Map<string, string>();
  /** Observation timestamps grow with the round, staying behind the transaction time. */
  const base = Math.floor(Date.now() / 1000) - 600;

  const feedId = (name: string): string => `itf-${name}-${RUN}`;

  function report(id: string, roundId: number, values: string[], signers = [0, 1, 3]): string {
    const configDigest = digests.get(id);
    if (configDigest === undefined) throw new Error(`feed ${id} was not created`);
    const spec: ReportSpec = {
      feedId: id,
      configDigest,
      roundId: String(roundId),
      observationsTimestamp: base + roundId,
      values,
      signers,
    };
    return JSON.stringify(signedReport(oracles, spec));
  }

  async function createFeeds(...ids: string[]): Promise<void> {
    const blocks = await Promise.all(
      ids.map(async (id) => {
        const { result, blockNumber } = await submit(org1Admin.feeds, 'createFeed', [
          feedDefinition(id, oracles),
        ]);
        digests.set(id, (JSON.parse(result) as { configDigest: string }).configDigest);
        return blockNumber;
      }),
    );
    // Reports go through peer2-org1, which commits the feeds' blocks on its own time.
    await committedOn(
      org1User.network,
      blocks.reduce((a, b) => (a > b ? a : b)),
    );
  }

  before(async function () {
    if (descriptionFile === '') {
      console.warn(
        'SKIPPED feeds integration tests: NETWORK_DESCRIPTION is unset (run them through scripts/with-network.sh)',
      );
      this.skip();
    }
    org1Admin = await client(descriptionFile, 'Org1', 'admin', 0);
    org1User = await client(descriptionFile, 'Org1', 'user1', 1);
    org2User = await client(descriptionFile, 'Org2', 'user1', 0);
    org2UserPeer2 = await client(descriptionFile, 'Org2', 'user1', 1);
  });

  after(() => {
    // Unset when the suite skipped itself.
    for (const c of [org1Admin, org1User, org2User, org2UserPeer2] as (Client | undefined)[]) {
      c?.close();
    }
  });

  describe('reports and reads', () => {
    const price = feedId('price');
    const empty = feedId('empty');
    /** Each round's observations, by oracle index. */
    const rounds: Record<number, string[]> = {
      1: ['300000000000', '300100000000', '299900000000', '300050000000'],
      2: ['301000000000', '301200000000', '300800000000', '301100000000'],
      3: ['302000000000', '302300000000', '301700000000', '302100000000'],
    };
    /** Upper median (sorted[n/2]) of each round's four observations. */
    const answers: Record<number, string> = {
      1: '300050000000',
      2: '301100000000',
      3: '302100000000',
    };
    const submitted: { roundId: string; blockNumber: bigint; result: RoundData }[] = [];
    /** Each round's report as submitted, JSON text. */
    const reportTexts: Record<number, string> = {};

    before(async () => {
      await createFeeds(price, empty);
    });

    it('records three signed rounds submitted by a plain Org1 client', async () => {
      for (const r of [1, 2, 3]) {
        reportTexts[r] = report(price, r, rounds[r]!);
        const out = await submit(org1User.feeds, 'submitReport', [reportTexts[r]]);
        submitted.push({
          roundId: String(r),
          blockNumber: out.blockNumber,
          result: JSON.parse(out.result) as RoundData,
        });
      }
      expect(submitted.map((s) => [s.result.roundId, s.result.answer])).to.deep.equal([
        ['1', answers[1]],
        ['2', answers[2]],
        ['3', answers[3]],
      ]);
      await committedOn(org2User.network, submitted[2]!.blockNumber);
    });

    it('serves the latest round to an Org2 client through an Org2 peer', async () => {
      const latest = json(
        await org2User.feeds.evaluateTransaction('latestRoundData', price),
      ) as RoundData;
      expect(latest).to.deep.equal(submitted[2]!.result);
      expect(latest).to.include({
        feedId: price,
        roundId: '3',
        answer: answers[3],
        answeredInRound: '3',
        startedAt: base + 3,
      });
      expect(latest.updatedAt).to.be.a('number').and.greaterThanOrEqual(latest.startedAt);
    });

    it('serves an earlier round by id to Org2', async () => {
      const round = json(
        await org2User.feeds.evaluateTransaction('getRoundData', price, '1'),
      ) as RoundData;
      expect(round).to.deep.equal(submitted[0]!.result);
      expect(round).to.include({ roundId: '1', answer: answers[1], startedAt: base + 1 });
    });

    it('pages through the round history oldest first with a bookmark', async () => {
      const first = json(
        await org2User.feeds.evaluateTransaction('getRoundHistory', price, '2', ''),
      ) as Page<RoundRecord>;
      expect(first.fetchedRecordsCount).to.equal(2);
      expect(first.records.map((r) => r.roundId)).to.deep.equal(['1', '2']);
      expect(first.bookmark).to.not.equal('');
      const second = json(
        await org2User.feeds.evaluateTransaction('getRoundHistory', price, '2', first.bookmark),
      ) as Page<RoundRecord>;
      expect(second.records.map((r) => r.roundId)).to.deep.equal(['3']);
      const last = second.records[0]!;
      expect(last.answer).to.equal(answers[3]);
      expect(last.signers).to.deep.equal([0, 1, 3]);
      // State keeps the digest of the signed report; the observations stay in the transaction.
      expect(last).to.not.have.property('observations');
      expect(last.reportDigest).to.equal(
        createHash('sha256')
          .update(encodeReport(JSON.parse(reportTexts[3]!) as SignedReport))
          .digest('hex'),
      );
      expect(last.configDigest).to.equal(digests.get(price));
    });

    it('serves decimals and description to Org2', async () => {
      expect(json(await org2User.feeds.evaluateTransaction('decimals', price))).to.equal(8);
      expect(json(await org2User.feeds.evaluateTransaction('description', price))).to.equal(
        `${price} / USD`,
      );
    });

    it('rejects a replayed round with STALE_ROUND and leaves the feed unchanged', async () => {
      const replay = report(price, 3, rounds[3]!);
      const f = await failure(EndorseError, () =>
        org1User.feeds.submitTransaction('submitReport', replay),
      );
      expect(f.codes).to.not.be.empty;
      expect(new Set(f.codes)).to.deep.equal(new Set(['STALE_ROUND']));
      expect(f.messages[0]).to.include(`round 3 is not above round 3 of feed ${price}`);
      const latest = json(
        await org2User.feeds.evaluateTransaction('latestRoundData', price),
      ) as RoundData;
      expect(latest).to.deep.equal(submitted[2]!.result);
    });

    it('rejects a report with a forged signature with BAD_SIGNATURE and leaves the feed unchanged', async () => {
      const genuine = JSON.parse(report(price, 4, rounds[3]!)) as {
        signatures: { oracle: number; signature: string }[];
      };
      // Oracle 1's real signature over other bytes (round 5) stands in for its signature of round 4.
      const other = JSON.parse(report(price, 5, rounds[3]!)) as typeof genuine;
      genuine.signatures[1] = other.signatures[1]!;
      const f = await failure(EndorseError, () =>
        org1User.feeds.submitTransaction('submitReport', JSON.stringify(genuine)),
      );
      expect(new Set(f.codes)).to.deep.equal(new Set(['BAD_SIGNATURE']));
      const history = json(
        await org2User.feeds.evaluateTransaction('getRoundHistory', price, '10', ''),
      ) as Page<RoundRecord>;
      expect(history.records.map((r) => r.roundId)).to.deep.equal(['1', '2', '3']);
      const latest = json(
        await org2User.feeds.evaluateTransaction('latestRoundData', price),
      ) as RoundData;
      expect(latest.roundId).to.equal('3');
    });

    it('refuses a valid report padded with 5 MB of whitespace with INPUT_TOO_LARGE and leaves the feed unchanged', async () => {
      const padded = report(price, 4, rounds[3]!) + ' '.repeat(5 * 1024 * 1024);
      const f = await failure(EndorseError, () =>
        org1User.feeds.submitTransaction('submitReport', padded),
      );
      expect(new Set(f.codes)).to.deep.equal(new Set(['INPUT_TOO_LARGE']));
      expect(f.messages[0]).to.include('at most 65536 are accepted');
      const latest = json(
        await org2User.feeds.evaluateTransaction('latestRoundData', price),
      ) as RoundData;
      expect(latest.roundId).to.equal('3');
    });

    it('answers NO_DATA to Org2 for a feed with no rounds', async () => {
      const f = await failure(GatewayError, () =>
        org2User.feeds.evaluateTransaction('latestRoundData', empty),
      );
      expect(f.codes).to.deep.equal(['NO_DATA']);
      expect(f.messages[0]).to.include(`feed ${empty} has no rounds yet`);
    });

    it('returns an empty round history page to Org2 for a feed with no rounds', async () => {
      // The peer sends no page metadata for an empty last page; the contract must not crash on it.
      const page = json(
        await org2User.feeds.evaluateTransaction('getRoundHistory', empty, '10', ''),
      ) as Page<RoundRecord>;
      expect(page).to.deep.equal({ records: [], bookmark: '', fetchedRecordsCount: 0 });
    });

    it('delivers the RoundReported event to an Org2 client', async () => {
      const out = await submit(org1User.feeds, 'submitReport', [
        report(price, 4, ['303000000000', '303000000001', '303000000002', '303000000003']),
      ]);
      const events = await org2User.network.getChaincodeEvents(CHAINCODE, {
        startBlock: out.blockNumber,
      });
      let event: { eventName: string; payload: Uint8Array; blockNumber: bigint } | undefined;
      try {
        for await (const e of events) {
          if (e.transactionId === out.transactionId) {
            event = e;
            break;
          }
        }
      } finally {
        events.close();
      }
      expect(event?.eventName).to.equal('RoundReported');
      expect(event?.blockNumber).to.equal(out.blockNumber);
      const payload = json(event!.payload) as Record<string, unknown>;
      expect(payload).to.include({ feedId: price, roundId: '4', answer: '303000000002' });
      expect(payload.updatedAt).to.equal((JSON.parse(out.result) as RoundData).updatedAt);
    });
  });

  describe('concurrent reports', () => {
    const left = feedId('left');
    const right = feedId('right');
    const values = ['100', '101', '102', '103'];

    before(async () => {
      await createFeeds(left, right);
    });

    /** Endorses every report before ordering any, so each was simulated against the same state. */
    async function endorseAllThenSubmit(reports: string[]) {
      const endorsed = await Promise.all(
        reports.map((r) =>
          org1User.feeds.newProposal('submitReport', { arguments: [r] }).endorse(),
        ),
      );
      const submittedTxs = await Promise.all(endorsed.map((t) => t.submit()));
      return Promise.all(submittedTxs.map((s) => s.getStatus()));
    }

    it('commits reports for two different feeds endorsed at the same time', async () => {
      const statuses = await endorseAllThenSubmit([
        report(left, 1, values),
        report(right, 1, values),
      ]);
      expect(statuses.map((s) => s.code)).to.deep.equal([StatusCode.VALID, StatusCode.VALID]);
      const last = statuses.reduce((a, s) => (s.blockNumber > a ? s.blockNumber : a), 0n);
      await committedOn(org2User.network, last);
      for (const id of [left, right]) {
        const latest = json(
          await org2User.feeds.evaluateTransaction('latestRoundData', id),
        ) as RoundData;
        expect(latest).to.include({ feedId: id, roundId: '1', answer: '102' });
      }
    });

    // The control for the test above: the same procedure does detect a conflict on a shared key.
    it('invalidates one of two reports for the same feed endorsed at the same time (MVCC)', async () => {
      const statuses = await endorseAllThenSubmit([
        report(left, 2, values),
        report(left, 3, values),
      ]);
      const codes = statuses.map((s) => s.code).sort((a, b) => a - b);
      expect(codes).to.deep.equal([StatusCode.VALID, StatusCode.MVCC_READ_CONFLICT]);
    });
  });

  describe('premium data', () => {
    const subscribed = feedId('prem-a');
    const unsubscribed = feedId('prem-b');
    const values = ['2000', '2001', '2002', '2003'];
    /** Unique strings inside each premium value, to look for on the peers' disks. */
    const markerA = `premium-marker-a-${randomBytes(16).toString('hex')}`;
    const markerB = `premium-marker-b-${randomBytes(16).toString('hex')}`;
    const premiumA = { observations: values, note: markerA };
    const premiumB = { observations: values, note: markerB };
    const saltA = randomBytes(32).toString('hex');
    const saltB = randomBytes(32).toString('hex');
    let blockA = 0n;
    let blockB = 0n;
    /** The data directories of every peer the description lists for the member. */
    const dirs = (member: 'Org1' | 'Org2'): string[] =>
      (describedMembers(descriptionFile).find((m) => m.name === member)?.peers ?? []).map((_, i) =>
        peerDataDir(descriptionFile, member, i),
      );

    before(async () => {
      await createFeeds(subscribed, unsubscribed);
      const granted = await submit(org1Admin.feeds, 'grantSubscription', [subscribed, ORG2]);
      // Org2's peers endorse the premium reports: they must hold the feed and the grant.
      await committedOn(org2User.network, granted.blockNumber);
      await committedOn(org2UserPeer2.network, granted.blockNumber);
    });

    it('commits a premium report for a feed Org2 subscribes to, endorsed by Org1 and Org2', async () => {
      const out = await submit(org1Admin.feeds, 'submitReport', [report(subscribed, 1, values)], {
        transientData: { premium: JSON.stringify(premiumA), salt: saltA },
        endorsingOrganizations: [ORG1, ORG2],
      });
      blockA = out.blockNumber;
      expect(JSON.parse(out.result)).to.include({
        feedId: subscribed,
        roundId: '1',
        answer: '2002',
      });
      await committedOn(org2User.network, blockA);
    });

    it('gives Org2 the premium value through its own peer', async () => {
      const record = json(
        await org2User.feeds.evaluateTransaction('getPremium', subscribed, '1'),
      ) as PremiumRecord;
      expect(record).to.deep.equal({
        feedId: subscribed,
        roundId: '1',
        salt: saltA,
        value: premiumA,
        premiumHash: premiumHash(saltA, premiumA),
      });
    });

    it('publishes only the salted hash, which verifyPremium matches to the value Org2 read', async () => {
      const record = json(
        await org2User.feeds.evaluateTransaction('getPremium', subscribed, '1'),
      ) as PremiumRecord;
      const history = json(
        await org2User.feeds.evaluateTransaction('getRoundHistory', subscribed, '10', ''),
      ) as Page<RoundRecord>;
      expect(history.records[0]?.premiumHash).to.equal(record.premiumHash);
      expect(JSON.stringify(history)).to.not.include(markerA);
      const verdict = json(
        await org2User.feeds.evaluateTransaction(
          'verifyPremium',
          subscribed,
          '1',
          JSON.stringify({ value: record.value, salt: record.salt }),
        ),
      ) as { valid: boolean; premiumHash: string };
      expect(verdict).to.deep.equal({ valid: true, premiumHash: record.premiumHash });
    });

    it('tells Org2 a tampered premium value does not match the hash', async () => {
      const verdict = json(
        await org2User.feeds.evaluateTransaction(
          'verifyPremium',
          subscribed,
          '1',
          JSON.stringify({ value: { ...premiumA, note: 'tampered' }, salt: saltA }),
        ),
      ) as { valid: boolean };
      expect(verdict.valid).to.equal(false);
    });

    it('stores the subscribed premium plaintext on an Org2 peer (control for the disk check)', () => {
      const hits = dirs('Org2').flatMap((d) => filesContaining(d, markerA));
      expect(hits, `no file under ${dirs('Org2').join(', ')} holds ${markerA}`).to.not.be.empty;
    });

    it('commits a premium report for a feed Org2 does not subscribe to, endorsed by Org1 alone', async () => {
      const out = await submit(org1Admin.feeds, 'submitReport', [report(unsubscribed, 1, values)], {
        transientData: { premium: JSON.stringify(premiumB), salt: saltB },
        endorsingOrganizations: [ORG1],
      });
      blockB = out.blockNumber;
      expect(JSON.parse(out.result)).to.include({ roundId: '1', answer: '2002' });
      await committedOn(org2User.network, blockB);
      await committedOn(org2UserPeer2.network, blockB);
    });

    it('refuses the unsubscribed premium value to Org2 with NOT_SUBSCRIBED', async () => {
      const f = await failure(GatewayError, () =>
        org2User.feeds.evaluateTransaction('getPremium', unsubscribed, '1'),
      );
      expect(f.codes).to.deep.equal(['NOT_SUBSCRIBED']);
      expect(f.messages[0]).to.include(`${ORG2} is not subscribed to ${unsubscribed}`);
    });

    it('still lets Org1 read the unsubscribed premium value through its own peer', async () => {
      const record = json(
        await org1User.feeds.evaluateTransaction('getPremium', unsubscribed, '1'),
      ) as PremiumRecord;
      expect(record.value).to.deep.equal(premiumB);
      expect(record.premiumHash).to.equal(premiumHash(saltB, premiumB));
    });

    it('finds the unsubscribed premium plaintext on an Org1 peer (control for the disk check)', () => {
      const hits = dirs('Org1').flatMap((d) => filesContaining(d, markerB));
      expect(hits, `no file under ${dirs('Org1').join(', ')} holds ${markerB}`).to.not.be.empty;
    });

    it('never writes the unsubscribed premium plaintext anywhere under either Org2 peer', () => {
      for (const dir of dirs('Org2')) {
        expect(filesContaining(dir, markerB), dir).to.deep.equal([]);
      }
    });

    it('has no premium value for that round in Org2 collection even once Org2 subscribes', async () => {
      const grant = await submit(org1Admin.feeds, 'grantSubscription', [unsubscribed, ORG2]);
      for (const c of [org2User, org2UserPeer2]) {
        await committedOn(c.network, grant.blockNumber);
        const f = await failure(GatewayError, () =>
          c.feeds.evaluateTransaction('getPremium', unsubscribed, '1'),
        );
        expect(f.codes).to.deep.equal(['NO_DATA']);
        expect(f.messages[0]).to.include(`no premium value of feed ${unsubscribed} round 1`);
      }
    });
  });
});
