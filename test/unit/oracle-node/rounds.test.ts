/**
 * Rounds between four oracle nodes (f = 1) in this process: real mutual TLS on 127.0.0.1, real
 * oracle keys, fake adapters, SQLite state, and an in-memory ledger that accepts reports with the
 * chaincode's own rules. The live-network version is test/integration/oracle-node.test.ts.
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../oracle-node/src/config/config';
import { newLogger } from '../../../oracle-node/src/ops/logger';
import { startOracleNode, type OracleNode } from '../../../oracle-node/src/node';
import { makeNodeFiles, writeNodeConfig, type NodeFiles } from '../../support/oracle-node/cluster';
import { startFakeAdapter, type FakeAdapter } from '../../support/oracle-node/fake-adapter';
import { MemoryLedger, memoryFeed } from '../../support/oracle-node/memory-chain';

// Ports from the oracle-node test range (23000-23999); the integration test uses 23000-23099.
const P2P_BASE = 23600;
const API_BASE = 23620;
const FEED = 'eth-usd';

async function until<T>(what: string, f: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('oracle-node rounds (four nodes in process, in-memory ledger)', function () {
  this.timeout(60_000);
  const ids = ['oracle-0', 'oracle-1', 'oracle-2', 'oracle-3'];
  let files: NodeFiles[];
  let adapters: FakeAdapter[][];
  let ledger: MemoryLedger;
  const nodes: (OracleNode | undefined)[] = [];
  const logs: string[] = [];

  async function start(i: number): Promise<void> {
    const config = await loadConfig(join(files[i]!.dir, 'node.toml'));
    nodes[i] = await startOracleNode({
      config,
      logger: newLogger({ write: (l) => logs.push(l) }).child({ oracleId: ids[i] }),
      chain: ledger.view(ids[i]!),
      tickMs: 100,
    });
  }

  before(async () => {
    const root = mkdtempSync(join(tmpdir(), 'oracle-rounds-'));
    files = await makeNodeFiles(root, ids);
    ledger = new MemoryLedger(
      memoryFeed(
        FEED,
        files.map((f) => ({ id: f.oracleId, publicKey: f.publicKey })),
        1,
      ),
    );
    adapters = await Promise.all(
      ids.map(() =>
        Promise.all([startFakeAdapter({ price: 100 }), startFakeAdapter({ price: 100 })]),
      ),
    );
    files.forEach((_, i) =>
      writeNodeConfig({
        index: i,
        all: files,
        p2pBase: P2P_BASE,
        apiBase: API_BASE,
        adapters: adapters[i]!.map((a) => a.url),
        feedId: FEED,
        fabric:
          'networkDescription = "unused.json"\nmember = "Org1"\ncertificate = "unused.pem"\nkey = { type = "file", path = "oracle.pem" }',
        job: 'threshold = 1\nidleTimerPeriod = "1h"\npollTimerPeriod = "500ms"',
        rounds:
          'progressTimeout = "1500ms"\ngrace = "200ms"\nrequestTimeout = "1s"\ntransmitStagger = "400ms"',
        sourceTimeout: '300ms',
      }),
    );
    for (let i = 0; i < ids.length; i++) await start(i);
  });

  after(async () => {
    await Promise.all(nodes.map(async (n) => n?.stop()));
    await Promise.all(adapters.flat().map((a) => a.close()));
  });

  function setPrice(price: number): void {
    for (const pair of adapters) for (const a of pair) a.set({ price });
  }

  it('reports the first round with the median of the nodes observations, with f+1 signatures', async () => {
    const first = await until('round 1', () => ledger.rounds[0]);
    expect(first).to.include({ roundId: '1', answer: '10000' });
    // f = 1 of 4: exactly f+1 signatures, by distinct oracles in index order.
    const signers = first.report.signatures.map((x) => x.oracle);
    expect(signers).to.have.length(2);
    expect(signers[0]).to.be.below(signers[1]!);
    expect(first.report.observations.length).to.be.at.least(3);
  });

  it('reports on a deviation, and a lying adapter leaves the median among the honest values', async () => {
    adapters[3]![1]!.set({ multiplier: 10 });
    setPrice(103);
    const r = await until('a round at 103', () => ledger.rounds.find((x) => x.answer === '10300'));
    // The liar's observation (10x, at the old or the new price) is in the report, outvoted.
    const values = r.report.observations.map((o) => BigInt(o.value));
    expect(values.some((v) => v >= 100000n)).to.equal(true);
    expect(r.answer).to.equal('10300');
    adapters[3]![1]!.set({ multiplier: 1 });
  });

  it('skips a source that times out, records it, and still observes from the other', async () => {
    adapters[1]![0]!.set({ delayMs: 2000 });
    setPrice(110);
    await until('a round at 110', () => ledger.rounds.find((x) => x.answer === '11000'));
    const labels = { bridge: 'adapter-0', code: 'SOURCE_TIMEOUT', job: `${FEED}-job` };
    // The round may commit before the slow source's retries run out: wait for the count.
    await until('the timeout counted', () =>
      nodes[1]!.metrics.value('oracle_node_source_errors_total', labels) > 0 ? true : undefined,
    );
    adapters[1]![0]!.set({ delayMs: 0 });
  });

  it('leaves out an observation a report cannot carry, and the rounds go on without it', async () => {
    setPrice(140);
    // Node 3's sources answer in the wrong units: 10^57 at 2 decimals is a 60-digit integer,
    // above int192's 3.1 * 10^57, which no report can encode.
    for (const a of adapters[3]!) a.set({ price: 1e57 });
    const labels = { job: `${FEED}-job`, outcome: 'errored' };
    const r = await until('a round at 140', () => ledger.rounds.find((x) => x.answer === '14000'));
    expect(r.report.observations.map((o) => o.oracle)).not.to.include(3);
    setPrice(147);
    for (const a of adapters[3]!) a.set({ price: 1e57 });
    await until('a round at 147', () => ledger.rounds.find((x) => x.answer === '14700'));
    expect(nodes[3]!.metrics.value('oracle_node_observations_total', labels)).to.be.above(0);
    for (const a of adapters[3]!) a.set({ price: 147 });
  });

  it('counts a copy the contract refuses as a stale round, and the ledger keeps one round per id', async () => {
    const before = ledger.stale.length;
    // Reads one round behind: nodes see the last round as missing and transmit it again.
    ledger.readLag = 1;
    setPrice(115);
    await until('a stale refusal', () => (ledger.stale.length > before ? true : undefined));
    ledger.readLag = 0;
    const stale = nodes.reduce(
      (sum, n) =>
        sum +
        (n?.metrics.value('oracle_node_transmissions_total', { feed: FEED, outcome: 'stale' }) ??
          0),
      0,
    );
    expect(stale).to.be.greaterThan(0);
    const ids = ledger.rounds.map((r) => r.roundId);
    expect(new Set(ids).size).to.equal(ids.length);
    await until('a round at 115', () => ledger.rounds.find((x) => x.answer === '11500'));
  });

  it('goes on with a node down: the next leader takes the round after the progress timeout', async () => {
    const next = BigInt(ledger.rounds.at(-1)!.roundId) + 1n;
    const down = Number(next % 4n);
    await nodes[down]!.stop();
    nodes[down] = undefined;
    setPrice(120);
    const r = await until('a round at 120', () => ledger.rounds.find((x) => x.answer === '12000'));
    expect(r.roundId).to.equal(next.toString());
    expect(r.by).to.not.equal(ids[down]);
    const changes = nodes.reduce(
      (sum, n) => sum + (n?.metrics.value('oracle_node_leader_changes_total', { feed: FEED }) ?? 0),
      0,
    );
    expect(changes).to.be.greaterThan(0);
    await start(down);
  });
});
