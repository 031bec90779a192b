/**
 * Reading the nodes' operations endpoints: Prometheus samples by name and labels, and probes of a
 * real HTTP server that answers healthy, unhealthy or not at all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { metricValue, probeNode } from '../../../console/src/network/operations';

const METRICS = [
  '# HELP ledger_blockchain_height Height of the chain in blocks.',
  '# TYPE ledger_blockchain_height gauge',
  'ledger_blockchain_height{channel="other"} 3',
  'ledger_blockchain_height{channel="consortium"} 42',
  'ledger_blockchain_height_total{channel="consortium"} 7',
  'consensus_etcdraft_is_leader{channel="consortium"} 1',
].join('\n');

describe('console: operations endpoints', () => {
  it('reads the sample whose labels match', () => {
    expect(metricValue(METRICS, 'ledger_blockchain_height', { channel: 'consortium' })).to.equal(
      42,
    );
  });

  it('does not take a metric whose name only starts with the one asked for', () => {
    expect(metricValue('ledger_blockchain_height_total{channel="c"} 7', 'ledger_blockchain_height'))
      .to.be.undefined;
  });

  it('answers undefined when no sample has the labels', () => {
    expect(metricValue(METRICS, 'consensus_etcdraft_is_leader', { channel: 'nope' })).to.be
      .undefined;
  });

  describe('probes', () => {
    let server: Server;
    let address: string;
    let healthStatus = 200;

    before(async () => {
      server = createServer((req, res) => {
        if (req.url === '/healthz') {
          res.writeHead(healthStatus, { 'content-type': 'application/json' });
          res.end(healthStatus === 200 ? '{"status":"OK"}' : '{"status":"Service Unavailable"}');
        } else if (req.url === '/metrics') {
          res.end(METRICS);
        } else {
          res.writeHead(404).end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async () => {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    });

    it('reports a node that answers 200 as healthy, with its metrics', async () => {
      healthStatus = 200;
      const probe = await probeNode(address, { metrics: true, timeoutMs: 2000 });
      expect(probe.healthy).to.equal(true);
      expect(probe.metrics).to.equal(METRICS);
    });

    it('reports a node whose healthz fails as unhealthy, with its answer', async () => {
      healthStatus = 503;
      const probe = await probeNode(address, { metrics: true, timeoutMs: 2000 });
      expect(probe).to.deep.equal({
        healthy: false,
        reason: 'healthz answered 503: {"status":"Service Unavailable"}',
      });
    });

    it('reports a node nobody listens for as unhealthy, naming the refusal', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) =>
        closed.close(() => {
          resolve();
        }),
      );
      const probe = await probeNode(`127.0.0.1:${port}`, { metrics: false, timeoutMs: 2000 });
      expect(probe).to.deep.equal({ healthy: false, reason: 'ECONNREFUSED' });
    });
  });
});
