/**
 * Nodes started while their Fabric peers are down (a data centre restarting as a whole): they
 * start, say on `/health` that the chain is failing, and take part in rounds once it is back.
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../oracle-node/src/config/config';
import { newLogger } from '../../../oracle-node/src/ops/logger';
import { startOracleNode, type OracleNode } from '../../../oracle-node/src/node';
import { makeNodeFiles, writeNodeConfig } from '../../support/oracle-node/cluster';
import { startFakeAdapter, type FakeAdapter } from '../../support/oracle-node/fake-adapter';
import { MemoryLedger, memoryFeed } from '../../support/oracle-node/memory-chain';

// Ports from the oracle-node test range (23000-23999), apart from the other unit tests'.
const P2P_BASE = 23700;
const API_BASE = 23710;
const FEED = 'xau-usd';

async function health(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${String(port)}/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('oracle-node started while the chain cannot be read', function () {
  this.timeout(60_000);
  const ids = ['oracle-0', 'oracle-1', 'oracle-2', 'oracle-3'];
  const nodes: OracleNode[] = [];
  const adapters: FakeAdapter[] = [];
  let ledger: MemoryLedger;

  before(async () => {
    const files = await makeNodeFiles(mkdtempSync(join(tmpdir(), 'oracle-outage-')), ids);
    ledger = new MemoryLedger(
      memoryFeed(
        FEED,
        files.map((f) => ({ id: f.oracleId, publicKey: f.publicKey })),
        1,
      ),
    );
    ledger.unreachable = true;
    for (let i = 0; i < ids.length; i++) adapters.push(await startFakeAdapter({ price: 100 }));
    for (let i = 0; i < ids.length; i++) {
      writeNodeConfig({
        index: i,
        all: files,
        p2pBase: P2P_BASE,
        apiBase: API_BASE,
        adapters: [adapters[i]!.url],
        feedId: FEED,
        fabric:
          'networkDescription = "unused.json"\nmember = "Org1"\ncertificate = "unused.pem"\nkey = { type = "file", path = "oracle.pem" }',
        job: 'threshold = 1\nidleTimerPeriod = "1h"\npollTimerPeriod = "500ms"',
        rounds:
          'progressTimeout = "2s"\ngrace = "100ms"\nrequestTimeout = "1s"\ntransmitStagger = "300ms"',
        sourceTimeout: '300ms',
      });
      nodes.push(
        await startOracleNode({
          config: await loadConfig(join(files[i]!.dir, 'node.toml')),
          logger: newLogger({ write: () => undefined }),
          chain: ledger.view(ids[i]!),
          tickMs: 50,
        }),
      );
    }
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(adapters.map((a) => a.close()));
  });

  it('starts, reports the chain failing, and reports rounds once the chain is back', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const down = await health(nodes[0]!.apiPort);
    expect(down.status).to.equal(503);
    const checks = down.body.checks as Record<string, { status: string; output?: string }>;
    expect(checks.chain?.status).to.equal('failing');
    expect(checks.chain?.output).to.contain('getFeed').and.contain('UNAVAILABLE');
    expect(ledger.rounds).to.deep.equal([]);

    ledger.unreachable = false;
    const end = Date.now() + 20_000;
    while (ledger.rounds.length === 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ledger.rounds.map((r) => r.answer)).to.deep.equal(['10000']);
    expect((await health(nodes[0]!.apiPort)).status).to.equal(200);
  });
});
