/**
 * The AMB build of the chaincode on the amb profile of the local network (Fabric 2.2 as far as 2.5
 * binaries show it): the package carries its dependencies and loads under Node 12.22.12 with
 * nothing outside it to fall back on; the network's chaincode servers run it under that Node; the
 * peers have no Gateway service; and the contracts serve a feeds report, a membership vote and
 * their metadata through the peer CLI, which needs no Gateway. Runs on a network brought up with
 * NETWORK_PROFILE=amb (scripts/test.sh's second integration run, test/.mocharc.amb.json).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { reports } from '@oracle-consortium/gateway';
import { p256Encodings } from '../../support/key-encodings';
import { definitionFor, hashFor } from '../../support/msp-vectors';
import {
  REPO_DIR,
  connectAs,
  loadMember,
  networkSh,
  sharedDescriptionFile,
} from '../../support/network';
import { adminCli, harnessNetworkEnv, invoke, query, type AdminCli } from '../../support/peer-cli';

const execFileAsync = promisify(execFile);
const NODE12_VERSION = 'v12.22.12';
const NODE12 = path.join(
  process.env.TOOLKIT_CACHE ??
    path.join(
      process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'),
      'fabric-oracle-consortium',
    ),
  'node-12.22.12',
  'bin',
  'node',
);
const PACKAGE = path.join(REPO_DIR, 'dist', 'chaincode', 'oracle-consortium_0.1.0_amb.tar.gz');

/** Runs Node 12 on `script` in `cwd` with no NODE_PATH and no options from the test's Node. */
async function node12(cwd: string, script: string): Promise<string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: cwd,
    NODE_PATH: '',
    CORE_CHAINCODE_LOGGING_LEVEL: 'ERROR',
  };
  const { stdout } = await execFileAsync(NODE12, ['-e', script], { cwd, env });
  return stdout.trim();
}

/** The package's code archive unpacked into a fresh directory outside the repository. */
async function unpackPackage(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'amb-package-'));
  await execFileAsync('tar', ['-xzf', PACKAGE, '-C', dir]);
  await execFileAsync('tar', ['-xzf', path.join(dir, 'code.tar.gz'), '-C', dir]);
  return dir;
}

const LOAD_SCRIPT = `
  const path = require("path");
  const src = path.resolve("src");
  const { contracts } = require(src);
  require(path.join(src, "node_modules", "fabric-shim"));
  const outside = Object.keys(require.cache).filter((f) => !f.startsWith(src + path.sep));
  console.log(JSON.stringify({ contracts: contracts.map((c) => c.name), outside, node: process.version }));
`;

describe('amb profile: the AMB build on gateway-less peers (live network)', function () {
  this.timeout(300_000);
  const description = sharedDescriptionFile();
  let org1: AdminCli;
  let org2: AdminCli;

  before(async function () {
    if (description === undefined) {
      console.warn(
        '      SKIPPED amb profile: run through scripts/with-network.sh with NETWORK_PROFILE=amb',
      );
      this.skip();
    }
    const net = harnessNetworkEnv();
    const [profile] = (await networkSh(net, 'profile')).trim().split(' ');
    if (profile !== 'amb')
      throw new Error(`this suite needs an amb-profile network, not ${profile ?? '?'}`);
    org1 = await adminCli(net, 'Org1');
    org2 = await adminCli(net, 'Org2');
  });

  describe('the package', () => {
    it('is a node package whose src/ carries a lockfile and fabric-contract-api and fabric-shim 2.2.3', async () => {
      const dir = await unpackPackage();
      try {
        expect(JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8'))).to.include({
          type: 'node',
        });
        expect(existsSync(path.join(dir, 'src', 'package-lock.json'))).to.equal(true);
        for (const dep of ['fabric-contract-api', 'fabric-shim']) {
          const manifest = path.join(dir, 'src', 'node_modules', dep, 'package.json');
          expect(JSON.parse(readFileSync(manifest, 'utf8'))).to.include({ version: '2.2.3' });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('loads under Node 12.22.12 from outside the repository, requiring nothing outside itself', async () => {
      const dir = await unpackPackage();
      try {
        const out = JSON.parse(await node12(dir, LOAD_SCRIPT)) as {
          contracts: string[];
          outside: string[];
          node: string;
        };
        expect(out).to.deep.equal({
          contracts: ['FeedsContract', 'MembershipContract'],
          outside: [],
          node: NODE12_VERSION,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('fails to load once a bundled dependency is taken out (nothing outside stands in for it)', async () => {
      const dir = await unpackPackage();
      try {
        const modules = path.join(dir, 'src', 'node_modules');
        renameSync(path.join(modules, 'fabric-contract-api'), path.join(dir, 'elsewhere'));
        const err = await node12(dir, LOAD_SCRIPT).then(
          () => undefined,
          (e: unknown) => e as { stderr: string },
        );
        expect(err?.stderr).to.match(/Cannot find module 'fabric-contract-api'/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('runs every chaincode server of consortium and membership under Node 12.22.12', async () => {
    const home = harnessNetworkEnv().NETWORK_HOME;
    const servers = readdirSync(path.join(home, 'pids')).filter((f) =>
      /^cc-(consortium|membership)-peer\d-org\d\.pid$/.test(f),
    );
    expect(servers).to.have.length(8);
    for (const file of servers) {
      const [group] = readFileSync(path.join(home, 'pids', file), 'utf8')
        .trim()
        .split(' ');
      const nodes = readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
            return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2] === group;
          } catch {
            return false;
          }
        })
        .map((p) => {
          try {
            return realpathSync(`/proc/${p}/exe`);
          } catch {
            return '';
          }
        })
        .filter((exe) => path.basename(exe) === 'node');
      expect(nodes, file).to.deep.equal([realpathSync(NODE12)]);
    }
    expect((await execFileAsync(NODE12, ['--version'])).stdout.trim()).to.equal(NODE12_VERSION);
  });

  it('has peers without the Gateway service: a Gateway client is answered UNIMPLEMENTED', async () => {
    const { gateway, close } = connectAs(await loadMember(description ?? '', 'Org1'), 'user1');
    try {
      const contract = gateway.getNetwork(org1.channel).getContract('consortium', 'feeds');
      const err = await contract.evaluateTransaction('listFeeds', '10', '').then(
        () => undefined,
        (e: unknown) => e as { code?: number; message: string },
      );
      expect(err?.code, err?.message).to.equal(12); // grpc status UNIMPLEMENTED
      expect(err?.message).to.match(/unknown service gateway\.Gateway/);
    } finally {
      close();
    }
  });

  for (const chaincode of ['consortium', 'membership']) {
    it(`returns both contracts' metadata on ${chaincode} from the AMB build`, async () => {
      const metadata = JSON.parse(
        await query(org1, chaincode, 'org.hyperledger.fabric:GetMetadata'),
      ) as {
        info: { title: string };
        contracts: Record<string, { transactions: { name: string }[] }>;
      };
      expect(metadata.info.title).to.equal('oracle-consortium-chaincode');
      expect(Object.keys(metadata.contracts).sort()).to.deep.equal([
        'feeds',
        'membership',
        'org.hyperledger.fabric',
      ]);
      const names = (c: string) => (metadata.contracts[c]?.transactions ?? []).map((t) => t.name);
      expect(names('feeds')).to.include.members(['createFeed', 'submitReport', 'latestRoundData']);
      expect(names('membership')).to.include.members(['initialize', 'voteOnProposal']);
    });
  }

  it('records a signed feeds report submitted through the peer CLI, with the oracle key in canonical form', async () => {
    const oracle = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const encodings = p256Encodings(oracle.publicKey);
    const feedId = `amb-${String(Date.now())}`;
    const feed = await invoke<{ configDigest: string; oracles: { publicKey: string }[] }>(
      org1,
      [org1],
      'consortium',
      'feeds:createFeed',
      [
        JSON.stringify({
          feedId,
          description: 'EUR / USD on Fabric 2.2',
          decimals: 6,
          // The compressed encoding: the chaincode canonicalises it without JWK on Node 12.
          oracles: [{ id: 'provider-a', publicKey: encodings.compressed }],
          f: 0,
          heartbeatSeconds: 60,
          deviationThresholdPpb: 1_000_000,
        }),
      ],
    );
    expect(feed.oracles.map((o) => o.publicKey)).to.deep.equal([encodings.canonical]);
    const report = await reports.buildReport(
      {
        feedId,
        roundId: '1',
        observationsTimestamp: Math.floor(Date.now() / 1000) - 1,
        configDigest: feed.configDigest,
        observations: [{ oracle: 0, value: '1084250' }],
      },
      [{ oracle: 0, key: oracle.privateKey }],
    );
    const round = await invoke<{ roundId: string; answer: string }>(
      org1,
      [org1],
      'consortium',
      'feeds:submitReport',
      [
        JSON.stringify({
          feedId: report.feedId,
          roundId: report.roundId,
          observationsTimestamp: report.observationsTimestamp,
          configDigest: report.configDigest,
          observations: report.observations,
          signatures: report.signatures,
        }),
      ],
    );
    expect(round).to.include({ roundId: '1', answer: '1084250' });
    // The invoke waited for Org1's peer, which endorsed it; Org2's commits the blocks on its own
    // time, and answers FEED_NOT_FOUND or NO_DATA until then.
    const deadline = Date.now() + 30_000;
    let text: string;
    for (;;) {
      try {
        text = await query(org2, 'consortium', 'feeds:latestRoundData', [feedId]);
        break;
      } catch (err) {
        const behind = /FEED_NOT_FOUND|NO_DATA/.test(String(err));
        if (!behind || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const latest = JSON.parse(text) as { roundId: string; answer: string };
    expect(latest).to.include({ roundId: '1', answer: '1084250' });
  });

  describe('membership through the peer CLI, endorsed by both members', () => {
    const policy = JSON.stringify({
      ThresholdPercentage: 50,
      ThresholdComparator: 'GREATER_THAN',
      ProposalDurationInHours: 24,
    });
    const founders = JSON.stringify(['Org1MSP', 'Org2MSP']);

    before(async () => {
      await invoke(org1, [org1, org2], 'membership', 'membership:initialize', [policy, founders]);
      await invoke(org2, [org1, org2], 'membership', 'membership:initialize', [policy, founders]);
    });

    it('records a YES and a NO vote on a removal, which the NO rejects', async () => {
      const both = [org1, org2];
      const proposal = await invoke<{ proposalId: string; status: string }>(
        org1,
        both,
        'membership',
        'membership:createProposal',
        [
          JSON.stringify({ Removals: [{ MemberId: 'Org2MSP' }] }),
          'Remove Org2MSP',
          `amb-rm-${String(Date.now())}`,
        ],
      );
      expect(proposal.status).to.equal('IN_PROGRESS');
      const yes = await invoke<Record<string, unknown>>(
        org1,
        both,
        'membership',
        'membership:voteOnProposal',
        [proposal.proposalId, 'YES'],
      );
      expect(yes).to.include({ status: 'IN_PROGRESS', yesVoteCount: 1, noVoteCount: 0 });
      const no = await invoke<Record<string, unknown>>(
        org2,
        both,
        'membership',
        'membership:voteOnProposal',
        [proposal.proposalId, 'NO'],
      );
      expect(no).to.include({ status: 'REJECTED', yesVoteCount: 1, noVoteCount: 1 });
      const votes = JSON.parse(
        await query(org2, 'membership', 'membership:listProposalVotes', [proposal.proposalId]),
      ) as { memberId: string; vote: string }[];
      expect(votes.map((v) => [v.memberId, v.vote]).sort()).to.deep.equal([
        ['Org1MSP', 'YES'],
        ['Org2MSP', 'NO'],
      ]);
    });

    it('approves an invitation whose MSP definition the chaincode reads without X509Certificate', async () => {
      const both = [org1, org2];
      const mspId = `Amb${String(Date.now() % 100000)}MSP`;
      const proposal = await invoke<{ proposalId: string; actions: unknown }>(
        org1,
        both,
        'membership',
        'membership:createProposal',
        [
          JSON.stringify({
            Invitations: [{ Principal: mspId, MspDefinition: definitionFor(mspId) }],
          }),
          `Invite ${mspId}`,
          `amb-inv-${String(Date.now())}`,
        ],
      );
      // The canonical definition (certificates re-encoded as base64 DER) and its hash: what the
      // gateway and the 2.5 build compute for the same input.
      expect(JSON.stringify(proposal.actions)).to.include(hashFor(mspId));
      await invoke(org1, both, 'membership', 'membership:voteOnProposal', [
        proposal.proposalId,
        'YES',
      ]);
      const approved = await invoke<{ status: string; invitationIds: string[] }>(
        org2,
        both,
        'membership',
        'membership:voteOnProposal',
        [proposal.proposalId, 'YES'],
      );
      expect(approved.status).to.equal('APPROVED');
      expect(approved.invitationIds).to.have.length(1);
    });
  });
});
