/**
 * Peers and members that come and go on a running local network (issue 13, "Joining", "Leaving",
 * "Peer nodes"): `network.sh node create/delete` (a peer joined from a ledger snapshot, in the
 * description and the library's failover set) and `network.sh member prepare/create/delete` (Org3
 * joins after an invitation both founders approved, bound to the definition `member definition`
 * prints). Until the members' governance agents exist, the channel change an approval calls for is
 * applied by the test-only test/support/apply-channel-change-for-test.sh. Real processes on a
 * network of its own on NETTEST_PORT_BASE, removed at the end.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  canonicalJson,
  canonicalMspDefinition,
  mspDefinitionHash,
  type MspDefinition,
} from '@oracle-consortium/protocol';
import {
  clients,
  connection,
  signers,
  type Connection,
  type MembershipClient,
  type NetworkConfig,
} from '@oracle-consortium/gateway';
import { selfSigned } from '../../scripts/lib/openssl-ca';
import { NETWORK_SH, type CommandResult } from '../../scripts/lib/run-command';
import {
  describedMembers,
  networkCommands,
  processAlive,
  REPO_DIR,
  softHsm2Installed,
  type NetworkEnv,
} from '../support/network';

const CHANGE_FOR_TEST = path.join(REPO_DIR, 'test', 'support', 'apply-channel-change-for-test.sh');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'fabric-netmembers-'));

// The peers' and orderers' signing keys in SoftHSM2 tokens (NODE_KEYS=hsm) where SoftHSM2 is
// installed, so `node create` and `member create` are shown to enroll new peers the same way.
const NODE_KEYS = softHsm2Installed() ? 'hsm' : 'file';
const env: NetworkEnv = {
  NETWORK_NAME: 'netmembers',
  NETWORK_HOME: path.join(scratch, 'net'),
  PORT_BASE: process.env.NETTEST_PORT_BASE ?? '24000',
  NODE_KEYS,
};

/**
 * A peer created on a running NODE_KEYS=hsm network signs with a key generated in its own token:
 * its MSP keystore is empty and its token directory exists (the node-key HSM suite of the
 * governance network checks the token's key against the certificate).
 */
function expectKeyInToken(this: Mocha.Context, member: string, node: string): void {
  if (NODE_KEYS !== 'hsm') {
    console.warn(`SKIPPED node-key HSM check of ${node}: SoftHSM2 is not installed`);
    this.skip();
  }
  const dir = path.join(env.NETWORK_HOME, 'crypto', member.toLowerCase(), node, 'msp');
  expect(existsSync(path.join(dir, 'signcerts', 'cert.pem')), dir).to.equal(true);
  expect(readdirSync(path.join(dir, 'keystore')), dir).to.deep.equal([]);
  const tokens = path.join(env.NETWORK_HOME, 'data', node, 'hsm', 'tokens');
  expect(readdirSync(tokens), tokens).to.have.length(1);
}
const DESCRIPTION = path.join(env.NETWORK_HOME, 'network.json');
const TOPOLOGY = path.join(env.NETWORK_HOME, 'topology');

const { run, ok, status, peersAtOneHeight } = networkCommands(env);

/** The running processes of the network, as "name pid" lines: what a refused command must not change. */
async function processes(): Promise<string[]> {
  return (await status()).filter((n) => n.pid !== null).map((n) => `${n.name} ${String(n.pid)}`);
}

/** Waits until every running peer reports the same height, and returns it. */
async function sameHeight(): Promise<number> {
  const h = (await peersAtOneHeight())[0]?.height;
  if (typeof h !== 'number') throw new Error('no running peer reports a height');
  return h;
}

/**
 * A library connection as one identity of a member, from the network's description as it is now.
 * With `ownPeersOnly` the connection knows only the member's own peers: the library would otherwise
 * fall back on another member's peer when all of them are down, and a failover test could not tell
 * which peer answered.
 */
async function connectAs(
  member: string,
  identity: string,
  ownPeersOnly = false,
): Promise<Connection> {
  const described: NetworkConfig = await connection.loadNetworkDescription({
    path: DESCRIPTION,
    member,
  });
  const network = ownPeersOnly
    ? { ...described, peers: described.peers.filter((p) => p.mspId === described.mspId) }
    : described;
  const files = network.identities[identity];
  if (files === undefined) throw new Error(`no ${identity} identity for ${member}`);
  return connection.connect({
    network,
    identity: { certificate: readFileSync(files.certificatePath, 'utf8') },
    signer: await signers.newFileSigner({ path: files.privateKeyPath }),
    failover: { initialBackoffMs: 200, maxBackoffMs: 1000 },
  });
}

const open: Connection[] = [];
async function membershipAs(member: string): Promise<MembershipClient> {
  const c = await connectAs(member, 'admin');
  open.push(c);
  return clients.newMembershipClient({ connection: c });
}

/** Proposes inviting one definition, both founders vote YES, and returns the invitation id. */
async function approvedInvitation(
  org1: MembershipClient,
  org2: MembershipClient,
  definition: MspDefinition,
): Promise<string> {
  const { value: proposal } = await org1.createProposal({
    actions: { Invitations: [{ Principal: definition.mspId, MspDefinition: definition }] },
    description: `invite ${definition.mspId}`,
  });
  await org1.voteOnProposal(proposal.proposalId, 'YES');
  const { value: decided } = await org2.voteOnProposal(proposal.proposalId, 'YES');
  expect(decided.status).to.equal('APPROVED');
  const id = decided.invitationIds[0];
  if (id === undefined) throw new Error('an approved invitation proposal created no invitation');
  return id;
}

/** A definition for `mspId` that no CA of this network issues (fresh self-signed roots). */
function foreignDefinition(mspId: string): MspDefinition {
  return {
    mspId,
    rootCerts: [selfSigned(`ca.${mspId.toLowerCase()}.example.com`).certPem],
    tlsRootCerts: [selfSigned(`tlsca.${mspId.toLowerCase()}.example.com`).certPem],
    nodeOUs: true,
  };
}

describe('network.sh: peers and members that come and go', function () {
  this.timeout(600_000);
  let org1: MembershipClient;
  let org2: MembershipClient;

  before(async () => {
    await ok(['up']);
    await ok([], ['bash', path.join(REPO_DIR, 'scripts', 'deploy-local.sh')]);
    org1 = await membershipAs('Org1');
    org2 = await membershipAs('Org2');
    const policy = {
      ProposalDurationInHours: 24,
      ThresholdComparator: 'GREATER_THAN',
      ThresholdPercentage: 50,
    } as const;
    await org1.initialize(policy, ['Org1MSP', 'Org2MSP']);
    await org2.initialize(policy, ['Org1MSP', 'Org2MSP']);
  });

  after(async () => {
    for (const c of open) c.close();
    await run(['down']);
    rmSync(scratch, { recursive: true, force: true });
  });

  describe('node create and delete', () => {
    let nodeId = '';

    it('creates a peer for Org1 that joins from a snapshot and prints its node id', async () => {
      const r = await ok(['node', 'create', 'Org1']);
      nodeId = r.out.trim();
      expect(nodeId).to.match(/^nd-[A-Z0-9]{26}$/);
      expect(r.err).to.match(/joining peer3-org1 to consortium from the snapshot at block \d+/);
      const org1Members = describedMembers(DESCRIPTION).find((m) => m.name === 'Org1');
      expect(org1Members?.peers).to.deep.equal(['peer1-org1', 'peer2-org1', 'peer3-org1']);
      expect((await ok(['topology'])).out).to.contain(
        'Org1 Org1MSP peer1-org1 peer2-org1 peer3-org1',
      );
    });

    it('enrolls the new peer with its signing key in its own HSM token, as the network was brought up (NODE_KEYS=hsm)', function () {
      expectKeyInToken.call(this, 'Org1', 'peer3-org1');
    });

    it('serves the same height as the other peers, and has no blocks before its snapshot', async () => {
      await sameHeight();
      // A peer joined from a snapshot holds no block below it; one joined from the genesis block does.
      const fetch = (p: string): Promise<CommandResult> =>
        run(
          [
            '-c',
            `eval "$(bash '${NETWORK_SH}' env Org1 ${p})" && peer channel fetch 0 '${scratch}/b${p}.block' -c consortium --tls`,
          ],
          ['bash'],
        );
      expect((await fetch('1')).code).to.equal(0);
      const fromNew = await fetch('3');
      expect(fromNew.code).to.not.equal(0);
    });

    it('runs the chaincodes on the new peer', async () => {
      const nodes = (await status()).filter((n) => n.name.endsWith('-peer3-org1'));
      expect(nodes.map((n) => n.name).sort()).to.deep.equal([
        'cc-consortium-peer3-org1',
        'cc-kv-peer3-org1',
        'cc-membership-peer3-org1',
      ]);
      expect(nodes.every((n) => n.state === 'running')).to.equal(true);
    });

    it('is in the failover set of a client built from the new description', async () => {
      const c = await connectAs('Org1', 'user1', true);
      open.push(c);
      expect(c.peers().map((p) => p.name)).to.include(nodeId);
      await ok(['stop', 'peer1-org1']);
      await ok(['stop', 'peer2-org1']);
      try {
        const put = await c.submit({
          chaincode: 'kv',
          transaction: 'put',
          arguments: ['failover', 'peer3'],
        });
        expect(put.blockNumber > 0n).to.equal(true);
        const value = await c.evaluate({
          chaincode: 'kv',
          transaction: 'get',
          arguments: ['failover'],
        });
        expect(Buffer.from(value).toString('utf8')).to.equal('peer3');
        // peers() lists the pool in preference order: the peer that answered comes first.
        expect(
          c.peers().map((p) => `${p.name === nodeId ? 'new' : 'old'} ${p.state}`),
        ).to.deep.equal(['new healthy', 'old suspect', 'old suspect']);
      } finally {
        await ok(['start', 'peer1-org1']);
        await ok(['start', 'peer2-org1']);
      }
    });

    it('deletes the peer by its node id: stopped, gone from topology and description', async () => {
      const pid = (await status()).find((n) => n.name === 'peer3-org1')?.pid;
      expect(pid).to.be.a('number');
      await ok(['node', 'delete', 'Org1', nodeId]);
      expect(describedMembers(DESCRIPTION).find((m) => m.name === 'Org1')?.peers).to.deep.equal([
        'peer1-org1',
        'peer2-org1',
      ]);
      expect(
        (await status()).map((n) => n.name).filter((n) => n.includes('peer3-org1')),
      ).to.deep.equal([]);
      expect(processAlive(pid as number)).to.equal(false);
    });

    it('refuses node create while the member CA is down, changing nothing', async () => {
      await ok(['stop', 'ca-org2']);
      try {
        const before = await processes();
        const topology = readFileSync(TOPOLOGY, 'utf8');
        const r = await run(['node', 'create', 'Org2']);
        expect(r.code).to.equal(1);
        expect(r.err).to.contain('ca-org2 is not running');
        expect(await processes()).to.deep.equal(before);
        expect(readFileSync(TOPOLOGY, 'utf8')).to.equal(topology);
      } finally {
        await ok(['start', 'ca-org2']);
      }
    });

    it("refuses an unknown node with an error naming the member's nodes", async () => {
      const r = await run(['node', 'delete', 'Org1', 'peer9']);
      expect(r.code).to.equal(1);
      expect(r.err).to.contain("Org1 has no node 'peer9'; its nodes: peer1-org1");
    });
  });

  describe('member prepare, create and delete', () => {
    let definition: MspDefinition;
    let invitation = '';

    it('prepares Org3: its CA runs, and it prints the canonical definition the vote must carry', async () => {
      const r = await ok(['member', 'prepare', 'Org3']);
      const printed = r.out.trim();
      definition = JSON.parse(printed) as MspDefinition;
      expect(printed).to.equal(canonicalJson(canonicalMspDefinition(definition)));
      expect(definition.mspId).to.equal('Org3MSP');
      expect((await ok(['member', 'definition', 'Org3'])).out.trim()).to.equal(printed);
      expect((await ok(['member', 'definition', 'Org3', '--hash'])).out.trim()).to.equal(
        mspDefinitionHash(definition),
      );
      expect((await status()).find((n) => n.name === 'ca-org3')?.state).to.equal('running');
      expect(describedMembers(DESCRIPTION).map((m) => m.name)).to.deep.equal(['Org1', 'Org2']);
    });

    it('names what is wrong in a member command line, exiting 2', async () => {
      const noInvitation = await run(['member', 'create', 'Org3']);
      expect(noInvitation.code).to.equal(2);
      expect(noInvitation.err).to.contain('--invitation <id> is required');
      const badPeers = await run(['member', 'create', 'Org3', '--invitation', 'x', '--peers', '9']);
      expect(badPeers.code).to.equal(2);
      expect(badPeers.err).to.contain("--peers must be a number of peers from 1 to 4, got '9'");
      const badName = await run(['member', 'prepare', 'org-5']);
      expect(badName.code).to.equal(2);
      expect(badName.err).to.contain("member name 'org-5' must start with a capital letter");
    });

    it('refuses to prepare a member twice or under a member name', async () => {
      const again = await run(['member', 'prepare', 'Org3']);
      expect(again.code).to.equal(1);
      expect(again.err).to.contain('Org3 is already prepared');
      const founder = await run(['member', 'prepare', 'ORG1']);
      expect(founder.code).to.equal(1);
      expect(founder.err).to.contain('Org1 is already a member of this network');
    });

    /** Runs member create with a bad invitation and checks nothing started or changed. */
    async function refused(id: string, message: RegExp): Promise<void> {
      const before = await processes();
      const topology = readFileSync(TOPOLOGY, 'utf8');
      const r = await run(['member', 'create', 'Org3', '--invitation', id]);
      expect(r.code, r.out + r.err).to.equal(1);
      expect(r.err).to.match(message);
      expect(await processes()).to.deep.equal(before);
      expect(readFileSync(TOPOLOGY, 'utf8')).to.equal(topology);
    }

    it('refuses an unknown invitation, starting nothing', async () => {
      await refused(
        'in-doesnotexist',
        /cannot be read from consortium: \[(INVITATION_NOT_FOUND|MALFORMED_INPUT)\]/,
      );
    });

    it('refuses an invitation for another MSP id, starting nothing', async () => {
      const id = await approvedInvitation(org1, org2, foreignDefinition('Org4MSP'));
      await refused(id, new RegExp(`invitation ${id} is for Org4MSP, not Org3MSP`));
    });

    it('refuses an invitation voted for another Org3MSP definition, starting nothing', async () => {
      const id = await approvedInvitation(org1, org2, foreignDefinition('Org3MSP'));
      await refused(
        id,
        /was voted for the MSP definition with hash [0-9a-f]{64}, but this Org3MSP has/,
      );
    });

    it('undoes a create that gives up waiting for the channel: peers stopped, identities and topology as before', async () => {
      invitation = await approvedInvitation(org1, org2, definition);
      const before = await processes();
      const topology = readFileSync(TOPOLOGY, 'utf8');
      const description = readFileSync(DESCRIPTION, 'utf8');
      const r = await run([
        'member',
        'create',
        'Org3',
        '--invitation',
        invitation,
        '--timeout',
        '3',
      ]);
      expect(r.code, r.out + r.err).to.equal(1);
      expect(r.err).to.contain('the channel configuration still has no Org3MSP after 3s');
      expect(r.err).to.contain('stopping the 2 process(es) started here');
      expect(await processes()).to.deep.equal(before);
      expect(readFileSync(TOPOLOGY, 'utf8')).to.equal(topology);
      expect(readFileSync(DESCRIPTION, 'utf8')).to.equal(description);
      expect(existsSync(path.join(env.NETWORK_HOME, 'crypto', 'org3', 'admin'))).to.equal(false);
    });

    it('joins Org3 once the channel has its MSP: genesis-block join, same height, invitation accepted', async () => {
      // The invitation the undone create left pending; the identities it registered are free again.
      // member create waits for the channel change the approval calls for; apply it meanwhile.
      const create = spawn(
        'bash',
        [NETWORK_SH, 'member', 'create', 'Org3', '--invitation', invitation, '--peers', '1'],
        {
          env: { ...process.env, ...env },
        },
      );
      let out = '';
      let err = '';
      create.stdout.on('data', (d: Buffer) => (out += d.toString()));
      create.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const done = new Promise<number | null>((resolve) => create.on('exit', resolve));
      const waitFor = async (text: string): Promise<void> => {
        const deadline = Date.now() + 120_000;
        while (!err.includes(text)) {
          if (Date.now() > deadline || create.exitCode !== null)
            throw new Error(`no "${text}" in:\n${err}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      };
      await waitFor('waiting (at most 600s) until the channel configuration has Org3MSP');
      await ok(['add', 'Org3'], ['bash', CHANGE_FOR_TEST]);
      expect(await done, err).to.equal(0);
      expect(out.trim()).to.match(/^m-[A-Z0-9]{26}$/);
      expect(err).to.contain("joining Org3's peers to consortium from the genesis block");
      expect(
        describedMembers(DESCRIPTION).map((m) => `${m.name} ${m.peers.join(',')}`),
      ).to.deep.equal([
        'Org1 peer1-org1,peer2-org1',
        'Org2 peer1-org2,peer2-org2',
        'Org3 peer1-org3',
      ]);
      await sameHeight();
      const record = await org1.getInvitation(invitation);
      expect(record.status).to.equal('ACCEPTED');
      expect((await org1.listMembers()).map((m) => m.mspId)).to.include('Org3MSP');
    });

    it("lets Org3's client submit through its own peer", async () => {
      const c = await connectAs('Org3', 'user1');
      open.push(c);
      expect(c.peers().filter((p) => p.mspId === 'Org3MSP')).to.have.length(1);
      const put = await c.submit({
        chaincode: 'kv',
        transaction: 'put',
        arguments: ['org3', 'joined'],
      });
      expect(put.blockNumber > 0n).to.equal(true);
      const admin = await connectAs('Org3', 'admin');
      open.push(admin);
      const org3 = clients.newMembershipClient({ connection: admin });
      expect((await org3.getInvitation(invitation)).status).to.equal('ACCEPTED');
    });

    it("enrolls Org3's peer with its signing key in its own HSM token, as the network was brought up (NODE_KEYS=hsm)", function () {
      expectKeyInToken.call(this, 'Org3', 'peer1-org3');
    });

    it('refuses to delete the last peer of Org3', async () => {
      const r = await run(['node', 'delete', 'Org3', 'peer1-org3']);
      expect(r.code).to.equal(1);
      expect(r.err).to.contain('peer1-org3 is the last peer of Org3');
    });

    it('refuses to delete Org3 while the channel still lists its MSP', async () => {
      const before = await processes();
      const r = await run(['member', 'delete', 'Org3']);
      expect(r.code).to.equal(1);
      expect(r.err).to.contain('Org3MSP is still in the channel configuration');
      expect(await processes()).to.deep.equal(before);
    });

    it('deletes Org3 after its removal from the channel: processes stopped, description without it', async () => {
      await ok(['remove', 'Org3'], ['bash', CHANGE_FOR_TEST]);
      const pids = (await status()).filter((n) => n.name.endsWith('org3')).map((n) => n.pid);
      expect(pids.length).to.equal(5);
      await ok(['member', 'delete', 'Org3']);
      expect(describedMembers(DESCRIPTION).map((m) => m.name)).to.deep.equal(['Org1', 'Org2']);
      expect((await status()).filter((n) => n.name.endsWith('org3'))).to.deep.equal([]);
      for (const pid of pids) expect(processAlive(pid as number)).to.equal(false);
    });

    it('refuses an invitation already used, starting nothing', async () => {
      await ok(['member', 'prepare', 'Org3']);
      await refused(
        invitation,
        new RegExp(`invitation ${invitation} is ACCEPTED, not PENDING \\(already used\\)`),
      );
      await ok(['member', 'delete', 'Org3']);
    });
  });
});
