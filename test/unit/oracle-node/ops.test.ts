/**
 * Operations: the Prometheus text the registry writes, the health, readiness and REST endpoints
 * over a real SQLite store, JSON log lines, and the CLI's exit codes for a bad configuration.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { newLogger } from '../../../oracle-node/src/ops/logger';
import { NODE_METRICS, newMetrics } from '../../../oracle-node/src/ops/metrics';
import { startOpsServer, type OpsServer } from '../../../oracle-node/src/ops/server';
import { newSqliteStore } from '../../../oracle-node/src/store/sqlite-store';

const ROOT = resolve(__dirname, '..', '..', '..');

describe('oracle-node operations', () => {
  it('writes counters and histograms in the Prometheus text format', () => {
    const m = newMetrics(NODE_METRICS);
    m.inc('oracle_node_source_errors_total', { job: 'eth', bridge: 'a', code: 'SOURCE_TIMEOUT' });
    m.inc('oracle_node_source_errors_total', { job: 'eth', bridge: 'a', code: 'SOURCE_TIMEOUT' });
    m.observe('oracle_node_source_latency_seconds', { bridge: 'a' }, 0.3);
    const text = m.render();
    expect(text).to.include('# TYPE oracle_node_source_errors_total counter');
    expect(text).to.include(
      'oracle_node_source_errors_total{bridge="a",code="SOURCE_TIMEOUT",job="eth"} 2',
    );
    expect(text).to.include('oracle_node_source_latency_seconds_bucket{bridge="a",le="0.25"} 0');
    expect(text).to.include('oracle_node_source_latency_seconds_bucket{bridge="a",le="0.5"} 1');
    expect(text).to.include('oracle_node_source_latency_seconds_count{bridge="a"} 1');
  });

  it('refuses a metric that was never declared', () => {
    expect(() => {
      newMetrics(NODE_METRICS).inc('oracle_node_typo_total');
    }).to.throw('not declared');
  });

  it('logs one JSON object a line, bigints as decimal text', () => {
    const lines: string[] = [];
    newLogger({ write: (l) => lines.push(l) })
      .child({ job: 'eth' })
      .log('info', 'round.sign', { answer: 12n });
    newLogger({ write: (l) => lines.push(l) }).log('debug', 'hidden');
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0]!)).to.include({
      level: 'info',
      msg: 'round.sign',
      job: 'eth',
      answer: '12',
    });
  });

  describe('the operations listener', () => {
    let server: OpsServer;
    let ready = false;
    const store = newSqliteStore({ path: ':memory:', maxSuccessfulRuns: 5 });
    const get = async (path: string, method = 'GET') => {
      const res = await fetch(`http://127.0.0.1:${server.port}${path}`, { method });
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    };
    before(async () => {
      await store.recordError({
        component: 'source',
        job: 'eth',
        source: 'a',
        code: 'SOURCE_TIMEOUT',
        message: 'slow',
      });
      server = await startOpsServer(
        { host: '127.0.0.1', port: 0 },
        {
          store,
          metrics: newMetrics(NODE_METRICS),
          runners: () => [],
          bridges: () => [{ name: 'a', url: 'http://127.0.0.1:1/' }],
          ready: () => ready,
          p2pListening: () => true,
        },
      );
    });
    after(async () => {
      await server.close();
      await store.close();
    });

    it('answers /health with one passing check per component', async () => {
      const r = await get('/health');
      expect(r.status).to.equal(200);
      expect(JSON.parse(r.text)).to.deep.include({
        status: 'passing',
        lease: { store: 'sqlite', role: 'single', holder: null, epoch: null, expiresAt: null },
        checks: {
          store: { status: 'passing' },
          lease: { status: 'passing', output: 'single process (SQLite)' },
          p2p: { status: 'passing' },
          chain: { status: 'passing' },
        },
      });
    });

    it('answers /v1/lease with the store, role, holder, epoch and expiry', async () => {
      const r = await get('/v1/lease');
      expect(r.status).to.equal(200);
      expect(r.type).to.equal('application/json');
      expect(JSON.parse(r.text)).to.deep.equal({
        store: 'sqlite',
        role: 'single',
        holder: null,
        epoch: null,
        expiresAt: null,
      });
    });

    it('answers /readyz 503 until start-up finished, then 200', async () => {
      expect((await get('/readyz')).status).to.equal(503);
      ready = true;
      expect((await get('/readyz')).status).to.equal(200);
    });

    it('serves /metrics as Prometheus text', async () => {
      const r = await get('/metrics');
      expect(r.type).to.equal('text/plain; version=0.0.4');
      expect(r.text).to.include('# TYPE oracle_node_rounds_total counter');
    });

    it('lists errors and bridges from the REST API and refuses writes', async () => {
      const errors = JSON.parse((await get('/v1/errors')).text) as { errors: unknown[] };
      expect(errors.errors[0]).to.include({
        code: 'SOURCE_TIMEOUT',
        source: 'a',
      });
      expect(JSON.parse((await get('/v1/bridges')).text)).to.deep.equal({
        bridges: [{ name: 'a', url: 'http://127.0.0.1:1/' }],
      });
      expect((await get('/v1/jobs/none')).status).to.equal(404);
      expect((await get('/v1/errors', 'POST')).status).to.equal(405);
    });
  });

  describe('the CLI', function () {
    // ts-node compiles the CLI in the child process: seconds on a busy machine.
    this.timeout(60_000);
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', join(ROOT, 'oracle-node/src/cli.ts'), ...args],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );

    it('exits 2 with usage for an unknown command', () => {
      const r = cli('run');
      expect(r.status).to.equal(2);
      expect(r.stderr).to.include('usage: oracle-node start --config <file>');
    });

    it('exits 2 naming the field of a bad configuration', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'oracle-cli-')), 'node.toml');
      writeFileSync(file, 'oracleId = "bad id with spaces"\n');
      const r = cli('check', '--config', file);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.include('INVALID_CONFIG: oracleId:');
    });
  });
});
