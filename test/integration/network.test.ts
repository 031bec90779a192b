/**
 * The local network itself: brought up from nothing on its own ports, every node healthy and every
 * peer at the same height, a chaincode deployed as a service, a write from Org1 read back from
 * Org2 through @hyperledger/fabric-gateway, and the value surviving a full stop and start.
 */
import { expect } from 'chai';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import type { NetworkConfig } from '@oracle-consortium/gateway';
import { connectAs, loadMember, networkSh, REPO_DIR, type NetworkEnv } from '../support/network';

/**
 * The fields of network.json this test checks, as the file's writer must produce them (the test of
 * the format; tools read the file through the library's reader).
 */
interface DescriptionFormat {
  Network: { Id: string };
  Members: {
    Id: string;
    MspId: string;
    Nodes: { Id: string; FrameworkAttributes: { Fabric: { PeerEndpoint: string } } }[];
  }[];
  Hosts: Record<string, string>;
}

const env: NetworkEnv = {
  NETWORK_NAME: 'nettest',
  NETWORK_HOME: path.join(mkdtempSync(path.join(os.tmpdir(), 'fabric-nettest-')), 'net'),
  PORT_BASE: process.env.NETTEST_PORT_BASE ?? '32000',
};

interface StatusRow {
  node: string;
  pid: string;
  state: string;
  height: string;
}

function parseStatus(text: string): StatusRow[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('NODE') && !l.startsWith('['))
    .map((l) => {
      const [node = '', pid = '', state = '', height = ''] = l.trim().split(/\s+/);
      return { node, pid, state, height };
    });
}

async function waitForEqualHeights(): Promise<StatusRow[]> {
  let rows: StatusRow[] = [];
  for (let i = 0; i < 50; i++) {
    rows = parseStatus(await networkSh(env, 'status'));
    const heights = new Set(rows.filter((r) => r.node.startsWith('peer')).map((r) => r.height));
    if (heights.size === 1) return rows;
    await new Promise((r) => setTimeout(r, 200));
  }
  return rows;
}

describe('local test network', function () {
  this.timeout(600_000);
  let desc: DescriptionFormat;
  let org1: NetworkConfig;
  let org2: NetworkConfig;

  before(async () => {
    await networkSh(env, 'up');
    const file = path.join(env.NETWORK_HOME, 'network.json');
    desc = JSON.parse(readFileSync(file, 'utf8')) as DescriptionFormat;
    org1 = await loadMember(file, 'Org1');
    org2 = await loadMember(file, 'Org2');
  });

  after(async () => {
    await networkSh(env, 'down');
  });

  it('starts every node healthy with every peer at the same height', async () => {
    const rows = await waitForEqualHeights();
    const names = rows.map((r) => r.node);
    expect(names).to.include.members([
      'kms',
      'ca-orderer',
      'ca-org1',
      'ca-org2',
      'orderer1',
      'orderer2',
      'orderer3',
      'peer1-org1',
      'peer2-org1',
      'peer1-org2',
      'peer2-org2',
    ]);
    for (const row of rows) {
      expect(row.state, `${row.node} state`).to.equal('healthy');
    }
    const peerHeights = rows.filter((r) => r.node.startsWith('peer')).map((r) => r.height);
    expect(new Set(peerHeights).size, `peer heights ${peerHeights.join(',')}`).to.equal(1);
    expect(Number(peerHeights[0])).to.be.at.least(1);
  });

  it('describes itself like the managed service: two members, two peers each, managed-style hostnames', () => {
    expect(desc.Network.Id).to.match(/^n-[A-Z0-9]+$/);
    expect(desc.Members.map((m) => m.MspId)).to.deep.equal(['Org1MSP', 'Org2MSP']);
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

  it('deploys a chaincode service, commits a write from Org1 and reads it from Org2, before and after a restart', async () => {
    await networkSh(
      env,
      'deploy',
      path.join(REPO_DIR, 'test', 'fixtures', 'kv-chaincode'),
      '--name',
      'kv',
      '--policy',
      "OR('Org1MSP.peer','Org2MSP.peer')",
    );
    const org1User = connectAs(org1, 'user1');
    const value = `value-${String(process.pid)}`;
    try {
      const contract = org1User.gateway.getNetwork(org1.channelName).getContract('kv');
      const result = await contract.submitTransaction('put', 'greeting', value);
      expect(Buffer.from(result).toString()).to.equal(value);
    } finally {
      org1User.close();
    }
    // The second Org2 peer: the write reached it through the ordering service and gossip.
    const org2User = connectAs(org2, 'user1', 1);
    try {
      const contract = org2User.gateway.getNetwork(org2.channelName).getContract('kv');
      expect(
        Buffer.from(await contract.evaluateTransaction('get', 'greeting')).toString(),
      ).to.equal(value);
    } finally {
      org2User.close();
    }

    await networkSh(env, 'stop');
    const stopped = parseStatus(await networkSh(env, 'status'));
    for (const row of stopped) expect(row.state, `${row.node} after stop`).to.equal('stopped');
    await networkSh(env, 'start');

    const again = connectAs(org2, 'user1', 0);
    try {
      const contract = again.gateway.getNetwork(org2.channelName).getContract('kv');
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
});
