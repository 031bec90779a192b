/**
 * The console's reader of oracle nodes' operations listeners, against a fake listener on
 * 127.0.0.1 that answers like oracle-node/src/ops/server.ts (with or without `/v1/lease`): the
 * snapshot's fields, a node that is down or failing a check, the lease's "n/a", change
 * notifications, the `--oracle-nodes` setting and the server's `/api/oracle-nodes`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ConsoleBackend } from '../../../console/src/backend';
import {
  newOracleNodesMonitor,
  parseOracleNodes,
  toLease,
  type OracleNodesMonitor,
  type OracleNodesSnapshot,
} from '../../../console/src/oracle/nodes';
import { parseSettings } from '../../../console/src/options';
import { startConsoleServer } from '../../../console/src/server';

interface FakeNode {
  url: string;
  /** What `/v1/lease` answers: a body, or a status without one. */
  lease: unknown;
  healthStatus: number;
  runs: unknown[];
  close(): Promise<void>;
}

async function startFakeNode(): Promise<FakeNode> {
  const node = {
    lease: 404 as unknown,
    healthStatus: 200,
    runs: [
      {
        id: '2',
        job: 'eth-job',
        trigger: 'poll',
        startedAt: 2000,
        status: 'completed',
        result: '5',
      },
      { id: '1', job: 'eth-job', trigger: 'idle', startedAt: 1000, status: 'errored', error: 'x' },
    ] as unknown[],
  };
  const server: Server = createServer((req, res) => {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/health' || path === '/readyz') {
      const passing = node.healthStatus === 200;
      json(node.healthStatus, {
        status: passing ? 'passing' : 'failing',
        ready: true,
        checks: {
          store: { status: 'passing' },
          chain: passing ? { status: 'passing' } : { status: 'failing', output: 'peer gone' },
        },
      });
    } else if (path === '/v1/jobs') {
      json(200, {
        jobs: [
          {
            spec: { type: 'fluxmonitor', name: 'eth-job', feedId: 'eth-usd' },
            status: {
              job: 'eth-job',
              feedId: 'eth-usd',
              roundId: '7',
              attempt: 1,
              leader: 'node-b',
              latest: { roundId: '6', answer: '1' },
            },
          },
        ],
      });
    } else if (path === '/v1/jobs/eth-job/runs') {
      json(200, { runs: node.runs });
    } else if (path === '/v1/bridges') {
      json(200, { bridges: [{ name: 'adapter-0', url: 'http://127.0.0.1:1/' }] });
    } else if (path === '/v1/errors') {
      json(200, {
        errors: [{ at: 3000, component: 'source', job: 'eth-job', code: 'TIMEOUT', message: 't' }],
      });
    } else if (path === '/v1/lease' && typeof node.lease === 'number') {
      json(node.lease, { error: `no route ${path}` });
    } else if (path === '/v1/lease') {
      json(200, node.lease);
    } else {
      json(404, { error: `no route ${path}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(node, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  });
}

/** A port nothing listens on: one the system handed out and took back. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) =>
    s.close(() => {
      resolve();
    }),
  );
  return port;
}

describe('console: oracle nodes', () => {
  let fake: FakeNode;
  let monitor: OracleNodesMonitor;

  beforeEach(async () => {
    fake = await startFakeNode();
    monitor = newOracleNodesMonitor({
      nodes: [{ name: 'node-a', url: fake.url }],
      intervalMs: 60000,
      timeoutMs: 1000,
    });
  });

  afterEach(async () => {
    monitor.stop();
    await fake.close();
  });

  it('reads health, checks, jobs with their runs, bridges and errors of a node', async () => {
    const [node] = (await monitor.snapshot()).nodes;
    expect(node).to.deep.include({ name: 'node-a', url: fake.url, healthy: true, ready: true });
    expect(node?.checks).to.deep.equal({
      store: { status: 'passing' },
      chain: { status: 'passing' },
    });
    expect(node?.jobs).to.deep.equal([
      {
        name: 'eth-job',
        type: 'fluxmonitor',
        feedId: 'eth-usd',
        roundId: '7',
        attempt: 1,
        leader: 'node-b',
        latestRoundId: '6',
        runs: [
          { id: '2', trigger: 'poll', startedAt: 2000, status: 'completed', result: '5' },
          { id: '1', trigger: 'idle', startedAt: 1000, status: 'errored', error: 'x' },
        ],
      },
    ]);
    expect(node?.bridges).to.deep.equal([{ name: 'adapter-0', url: 'http://127.0.0.1:1/' }]);
    expect(node?.errors).to.deep.equal([
      { at: 3000, component: 'source', job: 'eth-job', code: 'TIMEOUT', message: 't' },
    ]);
  });

  it('shows the lease as n/a (null) when the node answers /v1/lease with 404', async () => {
    const [node] = (await monitor.snapshot()).nodes;
    expect(node).to.have.property('lease', null);
    expect(node).to.not.have.property('leaseError');
  });

  it('reads the lease when the node serves /v1/lease', async () => {
    fake.lease = {
      store: 'postgres',
      role: 'standby',
      holder: 'node-b',
      epoch: 4,
      expiresAt: '2026-12-02T12:00:00.000Z',
    };
    const [node] = (await monitor.snapshot()).nodes;
    expect(node?.lease).to.deep.equal(fake.lease);
  });

  it('names a lease answer of an unknown shape rather than showing it', async () => {
    fake.lease = { store: 'mysql', role: 'active', holder: null, epoch: null, expiresAt: null };
    const [node] = (await monitor.snapshot()).nodes;
    expect(node).to.not.have.property('lease');
    expect(node).to.have.property('leaseError', 'lease answer of an unknown shape');
  });

  it('reports a failing check as unhealthy, naming the check, and still reads the jobs', async () => {
    fake.healthStatus = 503;
    const [node] = (await monitor.snapshot()).nodes;
    expect(node).to.deep.include({ healthy: false, reason: 'chain: peer gone' });
    expect(node?.jobs.map((j) => j.name)).to.deep.equal(['eth-job']);
  });

  it('reports a node that refuses connections as down, with the reason and nothing else', async () => {
    const port = await closedPort();
    const down = newOracleNodesMonitor({
      nodes: [{ name: 'gone', url: `http://127.0.0.1:${port}` }],
      intervalMs: 60000,
      timeoutMs: 1000,
    });
    const [node] = (await down.snapshot()).nodes;
    expect(node).to.deep.equal({
      name: 'gone',
      url: `http://127.0.0.1:${port}`,
      healthy: false,
      ready: null,
      reason: 'ECONNREFUSED',
      checks: {},
      jobs: [],
      bridges: [],
      errors: [],
    });
  });

  it('tells listeners of a changed snapshot once, and not of an unchanged one', async () => {
    const heard: OracleNodesSnapshot[] = [];
    const fast = newOracleNodesMonitor({
      nodes: [{ name: 'node-a', url: fake.url }],
      intervalMs: 200,
      timeoutMs: 1000,
    });
    fast.onChange((s) => heard.push(s));
    fast.start();
    try {
      const until = async (n: number): Promise<void> => {
        for (let i = 0; i < 100 && heard.length < n; i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await until(1);
      // Several more rounds of reads over an unchanged node: no new notification.
      await new Promise((r) => setTimeout(r, 700));
      expect(heard).to.have.length(1);
      fake.runs = [
        { id: '3', job: 'eth-job', trigger: 'poll', startedAt: 3000, status: 'completed' },
      ];
      await until(2);
      expect(heard).to.have.length(2);
      expect(heard[1]?.nodes[0]?.jobs[0]?.runs.map((r) => r.id)).to.deep.equal(['3']);
    } finally {
      fast.stop();
    }
  });

  describe('the --oracle-nodes setting', () => {
    it('takes named and unnamed URLs, naming an unnamed one by host:port', () => {
      expect(parseOracleNodes('a=http://127.0.0.1:6688, http://10.0.0.2:6689')).to.deep.equal([
        { name: 'a', url: 'http://127.0.0.1:6688' },
        { name: '10.0.0.2:6689', url: 'http://10.0.0.2:6689' },
      ]);
    });

    it('refuses a URL that is not plain http://host:port, naming the entry', () => {
      expect(() => parseOracleNodes('https://127.0.0.1:6688')).to.throw(
        Error,
        "oracle node 'https://127.0.0.1:6688' must be an operations URL of the form http://host:port",
      );
      expect(() => parseOracleNodes('http://127.0.0.1:6688/v1/jobs')).to.throw(
        Error,
        'must be an operations URL',
      );
      expect(() => parseOracleNodes('n=127.0.0.1')).to.throw(
        Error,
        "oracle node 'n=127.0.0.1' is not a URL",
      );
    });

    it('refuses a name given twice', () => {
      expect(() => parseOracleNodes('a=http://127.0.0.1:1,a=http://127.0.0.1:2')).to.throw(
        Error,
        "oracle node name 'a' is given twice",
      );
    });

    it('is read from CONSOLE_ORACLE_NODES, and is empty when not given', () => {
      expect(
        parseSettings([], { CONSOLE_ORACLE_NODES: 'a=http://127.0.0.1:6688' }),
      ).to.have.deep.property('oracleNodes', [{ name: 'a', url: 'http://127.0.0.1:6688' }]);
      expect(parseSettings([], {})).to.have.deep.property('oracleNodes', []);
    });
  });

  it('checks each field of a lease answer', () => {
    const ok = { store: 'sqlite', role: 'single', holder: null, epoch: null, expiresAt: null };
    expect(toLease(ok)).to.deep.equal(ok);
    expect(toLease({ ...ok, role: 'leader' })).to.equal(undefined);
    expect(toLease({ ...ok, epoch: '3' })).to.equal(undefined);
    expect(toLease({ ...ok, holder: 5 })).to.equal(undefined);
    expect(toLease([])).to.equal(undefined);
  });

  describe('the server', () => {
    const backend = {
      member: { name: 'Org1', mspId: 'Org1MSP' },
      channelName: 'consortium',
      close: () => undefined,
    } as unknown as ConsoleBackend;
    const web = mkdtempSync(join(tmpdir(), 'console-web-'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>console</title>');

    it('serves the nodes snapshot on /api/oracle-nodes and counts the nodes in the session', async () => {
      const server = await startConsoleServer({
        backend,
        webRoot: web,
        live: false,
        oracleNodes: monitor,
      });
      try {
        const host = new URL(server.url).host;
        const nodes = await server.app.inject({ url: '/api/oracle-nodes', headers: { host } });
        expect(nodes.statusCode).to.equal(200);
        const body = nodes.json<OracleNodesSnapshot>();
        expect(body.nodes.map((n) => [n.name, n.healthy, n.lease])).to.deep.equal([
          ['node-a', true, null],
        ]);
        const session = await server.app.inject({ url: '/api/session', headers: { host } });
        expect(session.json()).to.have.property('oracleNodes', 1);
      } finally {
        await server.close();
      }
    });

    it('answers /api/oracle-nodes 404 ORACLE_NODES_NOT_CONFIGURED without nodes', async () => {
      const server = await startConsoleServer({ backend, webRoot: web, live: false });
      try {
        const host = new URL(server.url).host;
        const res = await server.app.inject({ url: '/api/oracle-nodes', headers: { host } });
        expect(res.statusCode).to.equal(404);
        expect(res.json()).to.deep.equal({
          error: {
            code: 'ORACLE_NODES_NOT_CONFIGURED',
            message:
              'this console has no oracle nodes: start it with --oracle-nodes (or CONSOLE_ORACLE_NODES)',
            source: 'console',
          },
        });
        const session = await server.app.inject({ url: '/api/session', headers: { host } });
        expect(session.json()).to.have.property('oracleNodes', 0);
      } finally {
        await server.close();
      }
    });
  });
});
