/**
 * The local network itself, brought up from nothing on its own ports with a topology other than
 * the default (MEMBERS=3 PEERS=2; test/integration/network-cli.test.ts runs the default two
 * members): the topology is recorded in the network's state and every later command reads it from
 * there, every node is healthy and every peer at the same height, a chaincode deployed as a service
 * under a policy over all three members takes a write from Org3 that Org1 reads, and the value
 * survives a full stop and start.
 */
import { expect } from 'chai';
import * as os from 'node:os';
import * as path from 'node:path';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes, X509Certificate } from 'node:crypto';
import type { NetworkConfig } from '@oracle-consortium/gateway';
import {
  connectAs,
  describedMembers,
  loadMember,
  networkSh,
  REPO_DIR,
  type DescribedMember,
  type NetworkEnv,
} from '../support/network';
import { FABRIC_CA_BIN } from '../support/gateway/processes';
import { nodeMsps, privateKeysOf } from '../support/private-keys';
import { committedOn } from '../support/live-ledger';
import { networkShCommand, runCommand, type CommandResult } from '../../scripts/lib/run-command';

const execFileAsync = promisify(execFile);

/**
 * The fields of network.json this test checks, as the file's writer must produce them (the test of
 * the format; tools read the file through the library's reader).
 */
interface DescriptionFormat {
  Network: { Id: string };
  Members: {
    Id: string;
    Name: string;
    MspId: string;
    Nodes: {
      Id: string;
      Name: string;
      FrameworkAttributes: { Fabric: { PeerEndpoint: string } };
    }[];
  }[];
  Hosts: Record<string, string>;
  Hsm: { SoftHsm2Conf: string } | null;
}

/** Only `up` is given the topology; every other command runs without it. */
const env: NetworkEnv = {
  NETWORK_NAME: 'nettest',
  NETWORK_HOME: path.join(mkdtempSync(path.join(os.tmpdir(), 'fabric-nettest-')), 'net'),
  PORT_BASE: process.env.NETTEST_PORT_BASE ?? '24000',
};
const UP_ENV: NetworkEnv = { ...env, MEMBERS: '3', PEERS: '2' };

/** The nodes a 3-member, 2-peer network has before any chaincode is deployed. */
const EXPECTED_NODES = [
  'kms',
  'ca-orderer',
  'ca-org1',
  'ca-org2',
  'ca-org3',
  'orderer1',
  'orderer2',
  'orderer3',
  'peer1-org1',
  'peer2-org1',
  'peer1-org2',
  'peer2-org2',
  'peer1-org3',
  'peer2-org3',
];

interface NodeStatus {
  name: string;
  kind: string;
  state: string;
  healthy: boolean;
  port: number;
  height?: number | null;
}

/** network.sh with MEMBERS and PEERS removed from the environment, so only the state can tell. */
function runWithoutTopologyEnv(
  args: string[],
  extra: Record<string, string> = {},
): Promise<CommandResult> {
  // An undefined value removes the variable from the command's environment.
  return runCommand(networkShCommand(...args), {
    env: { ...env, MEMBERS: undefined, PEERS: undefined, ...extra },
  });
}

async function statusJson(): Promise<NodeStatus[]> {
  const r = await runWithoutTopologyEnv(['status', '--json']);
  expect(r.code, r.err).to.equal(0);
  return JSON.parse(r.out) as NodeStatus[];
}

/** Polls until every peer reports the same height (a block reaches peers a moment apart). */
async function waitForEqualHeights(): Promise<NodeStatus[]> {
  let nodes: NodeStatus[] = [];
  for (let i = 0; i < 50; i++) {
    nodes = await statusJson();
    const heights = new Set(nodes.filter((n) => n.kind === 'peer').map((n) => n.height));
    if (heights.size === 1) return nodes;
    await new Promise((r) => setTimeout(r, 200));
  }
  return nodes;
}

describe('local test network of three members with two peers each', function () {
  this.timeout(600_000);
  let file: string;
  let desc: DescriptionFormat;
  let members: DescribedMember[];
  let org1: NetworkConfig;
  let org3: NetworkConfig;

  before(async () => {
    await networkSh(UP_ENV, 'up');
    file = path.join(env.NETWORK_HOME, 'network.json');
    desc = JSON.parse(readFileSync(file, 'utf8')) as DescriptionFormat;
    members = describedMembers(file);
    org1 = await loadMember(file, 'Org1');
    org3 = await loadMember(file, 'Org3');
  });

  after(async () => {
    await networkSh(env, 'down');
  });

  it('records the topology in its state: status --json lists exactly its nodes without MEMBERS or PEERS set', async () => {
    const nodes = await statusJson();
    expect(nodes.map((n) => n.name)).to.have.members(EXPECTED_NODES);
    const recorded = readFileSync(path.join(env.NETWORK_HOME, 'topology'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(recorded).to.deep.equal(['Org1 1 1,2', 'Org2 2 1,2', 'Org3 3 1,2']);
  });

  it('starts every node healthy with every peer at the same height', async () => {
    const nodes = await waitForEqualHeights();
    for (const n of nodes) {
      expect(n.state, `${n.name} state`).to.equal('running');
      expect(n.healthy, `${n.name} healthy`).to.be.true;
    }
    const heights = nodes.filter((n) => n.kind === 'peer').map((n) => n.height);
    expect(heights).to.have.length(6);
    expect(new Set(heights).size, `peer heights ${heights.join(',')}`).to.equal(1);
    expect(heights[0]).to.be.a('number').and.at.least(1);
  });

  it('gives every node its own port within PORT_BASE+1 to PORT_BASE+979', async () => {
    const ports = (await statusJson()).map((n) => n.port);
    expect(new Set(ports).size).to.equal(ports.length);
    for (const port of ports) {
      expect(port).to.be.within(Number(env.PORT_BASE) + 1, Number(env.PORT_BASE) + 979);
    }
  });

  it('describes itself like the managed service: three members, two peers each, managed-style hostnames', () => {
    expect(desc.Network.Id).to.match(/^n-[A-Z0-9]+$/);
    expect(desc.Members.map((m) => m.MspId)).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    expect(members.map((m) => m.peers)).to.deep.equal([
      ['peer1-org1', 'peer2-org1'],
      ['peer1-org2', 'peer2-org2'],
      ['peer1-org3', 'peer2-org3'],
    ]);
    for (const m of desc.Members) {
      expect(m.Nodes).to.have.length(2);
      for (const n of m.Nodes) {
        expect(n.FrameworkAttributes.Fabric.PeerEndpoint).to.match(
          new RegExp(
            `^${n.Id.toLowerCase()}\\.${m.Id.toLowerCase()}\\.${desc.Network.Id.toLowerCase()}\\.managedblockchain\\.local:\\d+$`,
          ),
        );
      }
    }
    for (const ip of Object.values(desc.Hosts)) expect(ip).to.equal('127.0.0.1');
  });

  it('lists its members and their peers with `topology`', async () => {
    const r = await runWithoutTopologyEnv(['topology']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.equal(
      'Org1 Org1MSP peer1-org1 peer2-org1\nOrg2 Org2MSP peer1-org2 peer2-org2\nOrg3 Org3MSP peer1-org3 peer2-org3\n',
    );
  });

  it('refuses `up` asking for another topology and leaves the network as it was', async () => {
    const before = await statusJson();
    const r = await runWithoutTopologyEnv(['up'], { MEMBERS: '2' });
    expect(r.code).to.equal(1);
    expect(r.err).to.include(
      'already has the members Org1 (2 peer(s)), Org2 (2 peer(s)), Org3 (2 peer(s))',
    );
    expect(r.err).to.include('MEMBERS=2 asks for another topology');
    const after = await statusJson();
    expect(after.map((n) => [n.name, n.state])).to.deep.equal(before.map((n) => [n.name, n.state]));
    expect(existsSync(path.join(env.NETWORK_HOME, '.initialised'))).to.be.true;
  });

  it('deploys a chaincode service under a policy of all three members, commits a write from Org3 and reads it from Org1, before and after a restart', async () => {
    const policy = `AND(${members.map((m) => `'${m.mspId}.peer'`).join(',')})`;
    await networkSh(
      env,
      'deploy',
      path.join(REPO_DIR, 'test', 'fixtures', 'kv-chaincode'),
      '--name',
      'kv',
      '--policy',
      policy,
    );
    const nodes = await statusJson();
    expect(nodes.filter((n) => n.kind === 'chaincode').map((n) => n.name)).to.have.members(
      members.flatMap((m) => m.peers.map((p) => `cc-kv-${p}`)),
    );
    const org3User = connectAs(org3, 'user1', 1);
    const value = `value-${String(process.pid)}`;
    let written: bigint;
    try {
      const contract = org3User.gateway.getNetwork(org3.channelName).getContract('kv');
      // deploy returned once discovery at every peer finds endorsers under the AND policy, so the
      // first submit needs no retry.
      const submitted = await contract.submitAsync('put', { arguments: ['greeting', value] });
      expect(Buffer.from(submitted.getResult()).toString()).to.equal(value);
      const status = await submitted.getStatus();
      expect(status.successful).to.equal(true);
      written = status.blockNumber;
    } finally {
      org3User.close();
    }
    // The second Org1 peer: the write reached it through the ordering service (it commits the
    // block on its own time, so the read waits for that block first).
    const org1User = connectAs(org1, 'user1', 1);
    try {
      const network = org1User.gateway.getNetwork(org1.channelName);
      await committedOn(network, written);
      const contract = network.getContract('kv');
      expect(
        Buffer.from(await contract.evaluateTransaction('get', 'greeting')).toString(),
      ).to.equal(value);
    } finally {
      org1User.close();
    }

    await networkSh(env, 'stop');
    for (const n of await statusJson()) expect(n.state, `${n.name} after stop`).to.equal('stopped');
    await networkSh(env, 'start');
    expect((await statusJson()).map((n) => n.name)).to.have.members([
      ...EXPECTED_NODES,
      ...members.flatMap((m) => m.peers.map((p) => `cc-kv-${p}`)),
    ]);

    const again = connectAs(org1, 'user1', 0);
    try {
      const contract = again.gateway.getNetwork(org1.channelName).getContract('kv');
      let read: string | undefined;
      let lastError: unknown;
      // Right after a restart the gateway may need a moment to rediscover its peers.
      for (let i = 0; i < 30 && read === undefined; i++) {
        try {
          read = Buffer.from(await contract.evaluateTransaction('get', 'greeting')).toString();
        } catch (err) {
          lastError = err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      expect(read, `read after restart failed: ${String(lastError)}`).to.equal(value);
    } finally {
      again.close();
    }
  });
  describe('CA keys under the HSM', () => {
    /** Every CA of the network: the ordering service's and each member's. */
    const who = (): string[] => ['orderer', ...members.map((m) => m.name.toLowerCase())];
    const caHome = (w: string): string => path.join(env.NETWORK_HOME, 'data', `ca-${w}`);

    before(function () {
      if (desc.Hsm === null) {
        console.warn('SKIPPED CA HSM tests: the network has no SoftHSM2 token (install softhsm2)');
        this.skip();
      }
    });

    it('finds a key that is on disk, a peer TLS key, with the same search (control)', () => {
      const tls = path.join(env.NETWORK_HOME, 'crypto', 'org1', 'peer1-org1', 'tls');
      expect(
        privateKeysOf([path.join(env.NETWORK_HOME, 'crypto')], [path.join(tls, 'server.crt')]),
      ).to.deep.equal([
        { certificate: path.join(tls, 'server.crt'), files: [path.join(tls, 'server.key')] },
      ]);
    });

    it("finds every peer's and orderer's MSP signing key in its own keystore, the node keys being files here (NODE_KEYS=file; the HSM network's search covers the same folders)", () => {
      const crypto = path.join(env.NETWORK_HOME, 'crypto');
      const nodes = nodeMsps(crypto);
      expect(nodes.map((n) => n.node)).to.deep.equal(
        [...members.flatMap((m) => m.peers), 'orderer1', 'orderer2', 'orderer3'].sort(),
      );
      expect(
        privateKeysOf(
          [crypto],
          nodes.map((n) => n.certificate),
        ).sort((a, b) => a.certificate.localeCompare(b.certificate)),
      ).to.deep.equal(
        nodes
          .map((n) => ({ certificate: n.certificate, files: [path.join(n.keystore, 'key.pem')] }))
          .sort((a, b) => a.certificate.localeCompare(b.certificate)),
      );
    });

    it('keeps no private key of any CA certificate or CA TLS certificate, in PEM, DER or raw form, in any CA home, MSP folder or the description', () => {
      const certificates = who().flatMap((w) => [
        path.join(caHome(w), 'ca-cert.pem'),
        path.join(caHome(w), 'tls-cert.pem'),
      ]);
      for (const c of certificates) expect(existsSync(c), c).to.be.true;
      const searched = [
        ...who().map(caHome),
        path.join(env.NETWORK_HOME, 'crypto'),
        path.join(env.NETWORK_HOME, 'config'),
        path.join(env.NETWORK_HOME, 'artifacts'),
      ];
      expect(privateKeysOf(searched, certificates)).to.deep.equal([]);
      expect(readFileSync(file, 'utf8')).not.to.include('PRIVATE KEY');
      // Fabric CA's own BCCSP keystore in each home holds only its Idemix issuer keys.
      for (const w of who()) {
        expect(readdirSync(path.join(caHome(w), 'msp', 'keystore')).sort(), w).to.deep.equal([
          'IssuerRevocationPrivateKey',
          'IssuerSecretKey',
        ]);
      }
    });

    it('has every CA issue a certificate it signed and revoke it in a CRL it signed', async () => {
      const nodes = await statusJson();
      for (const w of who()) {
        const port = nodes.find((n) => n.name === `ca-${w}`)?.port;
        expect(port, `ca-${w} port`).to.be.a('number');
        const caCert = path.join(caHome(w), 'ca-cert.pem');
        const common = ['--caname', `ca-${w}`, '--tls.certfiles', caCert];
        const registrar = path.join(env.NETWORK_HOME, 'crypto', w, 'registrar');
        // fabric-ca-client takes its command from its first argument, before any flag.
        const client = (command: string, clientHome: string, ...args: string[]) =>
          execFileAsync(path.join(FABRIC_CA_BIN, 'fabric-ca-client'), [
            command,
            '-H',
            clientHome,
            ...args,
            ...common,
          ]);
        const name = `hsm-check-${randomBytes(4).toString('hex')}`;
        const secret = `Aa1${randomBytes(8).toString('hex')}`;
        const home = mkdtempSync(path.join(os.tmpdir(), 'fabric-nettest-enroll-'));
        try {
          await client(
            'register',
            registrar,
            '--id.name',
            name,
            '--id.secret',
            secret,
            '--id.type',
            'client',
          );
          await client(
            'enroll',
            home,
            '-u',
            `https://${name}:${secret}@127.0.0.1:${String(port)}`,
            '-M',
            path.join(home, 'msp'),
          );
          const issued = new X509Certificate(
            readFileSync(path.join(home, 'msp', 'signcerts', 'cert.pem')),
          );
          const ca = new X509Certificate(readFileSync(caCert));
          expect(issued.verify(ca.publicKey), `certificate issued by ca-${w}`).to.be.true;
          expect(issued.checkIssued(ca), `issuer of the ca-${w} certificate`).to.be.true;

          await client('revoke', registrar, '-e', name, '--gencrl');
          const crl = path.join(
            env.NETWORK_HOME,
            'crypto',
            w,
            'registrar',
            'msp',
            'crls',
            'crl.pem',
          );
          const { stdout, stderr } = await execFileAsync('openssl', [
            'crl',
            '-in',
            crl,
            '-CAfile',
            caCert,
            '-noout',
            '-text',
          ]);
          expect(stderr, `CRL of ca-${w} verifies against its certificate`).to.match(/verify OK/);
          const revoked = [...stdout.matchAll(/Serial Number: ([0-9A-Fa-f]+)/g)].map((m) =>
            BigInt(`0x${m[1]!}`),
          );
          expect(revoked, `serials the CRL of ca-${w} lists`).to.include(
            BigInt(`0x${issued.serialNumber}`),
          );
        } finally {
          rmSync(home, { recursive: true, force: true });
        }
      }
    });
  });
});
