/**
 * The console's view of the network: nodes read from a description in the local network's shape,
 * and the monitor's snapshots of nodes served by real HTTP servers that go away.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { newNetworkMonitor, type NetworkSnapshot } from '../../../console/src/network/monitor';
import { topologyFromDescription } from '../../../console/src/network/topology';

function description(ops: { ca: string; peer: string; orderer: string }): unknown {
  return {
    Network: { Id: 'n-1', Name: 'it', ChannelName: 'consortium' },
    Members: [
      {
        Id: 'm-1',
        Name: 'Org1',
        MspId: 'Org1MSP',
        FrameworkAttributes: { Fabric: { CaEndpoint: 'ca.m-1:7054' } },
        CaOperationsEndpoint: ops.ca,
        Nodes: [
          {
            Id: 'nd-1',
            Name: 'peer1',
            FrameworkAttributes: { Fabric: { PeerEndpoint: 'nd-1.m-1:7051' } },
            OperationsEndpoint: ops.peer,
          },
        ],
      },
    ],
    Orderers: [{ Id: 'orderer1', Endpoint: 'orderer1:7050', OperationsEndpoint: ops.orderer }],
    OrderingServiceCa: { OperationsEndpoint: ops.ca },
  };
}

describe('console: network view', () => {
  it('names nodes as network.sh does and keeps their operations endpoints', () => {
    const t = topologyFromDescription(description({ ca: 'a:1', peer: 'b:2', orderer: 'c:3' }));
    expect(t.members[0]?.ca).to.deep.equal({
      name: 'ca-org1',
      kind: 'ca',
      mspId: 'Org1MSP',
      endpoint: 'ca.m-1:7054',
      operations: 'a:1',
    });
    expect(t.members[0]?.peers[0]).to.include({ name: 'peer1-org1', operations: 'b:2' });
    expect(t.orderers[0]).to.include({ name: 'orderer1', operations: 'c:3' });
    expect(t.orderingCa).to.deep.equal({ name: 'ca-orderer', kind: 'ca', operations: 'a:1' });
  });

  it('refuses a description without members, naming the field', () => {
    expect(() =>
      topologyFromDescription({ Network: { Id: 'n', ChannelName: 'c' }, Members: {} }),
    ).to.throw(Error, 'Members must be an array');
  });

  describe('monitor', () => {
    const servers: Server[] = [];
    const heights = { peer: 5 };

    async function serve(metrics: () => string): Promise<string> {
      const server = createServer((req, res) => {
        if (req.url === '/healthz') res.end('{"status":"OK"}');
        else res.end(metrics());
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    after(async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) =>
              s.close(() => {
                resolve();
              }),
            ),
        ),
      );
    });

    it('reports heights and the leader, then a node that stops as down, and tells listeners', async () => {
      const ca = await serve(() => '');
      const peer = await serve(
        () => `ledger_blockchain_height{channel="consortium"} ${heights.peer}\n`,
      );
      const orderer = await serve(
        () =>
          'ledger_blockchain_height{channel="consortium"} 5\nconsensus_etcdraft_is_leader{channel="consortium"} 1\n',
      );
      const monitor = newNetworkMonitor({
        topology: topologyFromDescription(description({ ca, peer, orderer })),
        intervalMs: 60000,
        timeoutMs: 1000,
      });
      const seen: NetworkSnapshot[] = [];
      monitor.onChange((s) => seen.push(s));
      const first = await monitor.snapshot();
      expect(first.members[0]?.peers[0]).to.include({ healthy: true, height: 5 });
      expect(first.orderers[0]).to.include({ healthy: true, leader: true, height: 5 });
      expect(first.leader).to.equal('orderer1');

      const peerServer = servers[1];
      await new Promise<void>((resolve) =>
        peerServer?.close(() => {
          resolve();
        }),
      );
      peerServer?.closeAllConnections();
      monitor.start();
      // start() probes at once; wait for that round's listener call.
      for (let i = 0; i < 50 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      monitor.stop();
      const down = seen[1]?.members[0]?.peers[0];
      expect(down?.healthy).to.equal(false);
      expect(down?.reason).to.equal('ECONNREFUSED');
      expect(down?.height).to.be.undefined;
    });
  });
});
