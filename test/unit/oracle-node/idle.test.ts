/**
 * Quiet markets: a leader whose poll finds nothing due announces `idle` and polls again one poll
 * period later. With a poll period above `progressTimeout` (the README's example: 1 min against
 * 20 s), the followers must not take the wait between polls for a stalled leader.
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
const P2P_BASE = 23640;
const API_BASE = 23660;
const FEED = 'btc-usd';

describe('oracle-node idle polls longer than the progress timeout', function () {
  this.timeout(60_000);
  const ids = ['oracle-0', 'oracle-1', 'oracle-2', 'oracle-3'];
  const nodes: OracleNode[] = [];
  const adapters: FakeAdapter[] = [];
  let ledger: MemoryLedger;

  before(async () => {
    const files = await makeNodeFiles(mkdtempSync(join(tmpdir(), 'oracle-idle-')), ids);
    ledger = new MemoryLedger(
      memoryFeed(
        FEED,
        files.map((f) => ({ id: f.oracleId, publicKey: f.publicKey })),
        1,
      ),
    );
    for (let i = 0; i < ids.length; i++) adapters.push(await startFakeAdapter({ price: 100 }));
    files.forEach((_, i) =>
      writeNodeConfig({
        index: i,
        all: files,
        p2pBase: P2P_BASE,
        apiBase: API_BASE,
        adapters: [adapters[i]!.url],
        feedId: FEED,
        fabric:
          'networkDescription = "unused.json"\nmember = "Org1"\ncertificate = "unused.pem"\nkey = { type = "file", path = "oracle.pem" }',
        job: 'threshold = 1\nidleTimerPeriod = "1h"\npollTimerPeriod = "1500ms"',
        rounds:
          'progressTimeout = "700ms"\ngrace = "100ms"\nrequestTimeout = "1s"\ntransmitStagger = "300ms"',
        sourceTimeout: '300ms',
      }),
    );
    for (let i = 0; i < ids.length; i++) {
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

  const total = (name: string, labels: Record<string, string>): number =>
    nodes.reduce((sum, n) => sum + n.metrics.value(name, labels), 0);

  it('keeps the leader through quiet polls, and still moves the round on a change', async () => {
    const deadline = Date.now() + 20_000;
    while (ledger.rounds.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ledger.rounds).to.have.length(1);
    const changesAfterFirst = total('oracle_node_leader_changes_total', { feed: FEED });
    // About five poll periods of an unchanged price: several idle attempts, each followed by a
    // wait longer than the progress timeout.
    await new Promise((r) => setTimeout(r, 7_500));
    const idle = total('oracle_node_rounds_total', { feed: FEED, role: 'leader', outcome: 'idle' });
    expect(idle, 'idle attempts by the leader').to.be.at.least(3);
    expect(total('oracle_node_leader_changes_total', { feed: FEED })).to.equal(changesAfterFirst);
    expect(ledger.rounds).to.have.length(1);
    for (const a of adapters) a.set({ price: 105 });
    const end = Date.now() + 20_000;
    while (ledger.rounds.length === 1 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ledger.rounds.map((r) => r.answer)).to.deep.equal(['10000', '10500']);
  });
});
