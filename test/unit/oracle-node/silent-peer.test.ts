/**
 * A peer that takes connections and never answers (a host that drops packets behind a load
 * balancer, a process stopped with SIGSTOP): the leader needs only the feed's minObservations and
 * minSignatures, so such a peer must not hold a round for requestTimeout.
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../oracle-node/src/config/config';
import { newLogger } from '../../../oracle-node/src/ops/logger';
import { startOracleNode, type OracleNode } from '../../../oracle-node/src/node';
import { makeNodeFiles, writeNodeConfig } from '../../support/oracle-node/cluster';
import { startFakeAdapter, type FakeAdapter } from '../../support/oracle-node/fake-adapter';
import { MemoryLedger, memoryFeed } from '../../support/oracle-node/memory-chain';

// Ports from the oracle-node test range (23000-23999), apart from the other unit tests'.
const P2P_BASE = 23680;
const API_BASE = 23690;
const FEED = 'sol-usd';

describe('oracle-node rounds with a peer that never answers', function () {
  // Far below the nodes' requestTimeout: a leader that waited for the silent peer could not
  // finish a round within it.
  this.timeout(30_000);
  const ids = ['oracle-0', 'oracle-1', 'oracle-2', 'oracle-3'];
  const nodes: OracleNode[] = [];
  const adapters: FakeAdapter[] = [];
  const held: Socket[] = [];
  let silent: Server;
  let ledger: MemoryLedger;

  before(async () => {
    const files = await makeNodeFiles(mkdtempSync(join(tmpdir(), 'oracle-silent-')), ids);
    ledger = new MemoryLedger(
      memoryFeed(
        FEED,
        files.map((f) => ({ id: f.oracleId, publicKey: f.publicKey })),
        1,
      ),
    );
    // oracle-3's address takes the TCP connection and then says nothing, not even TLS.
    silent = createServer((socket) => {
      held.push(socket);
    });
    await new Promise<void>((resolve) => silent.listen(P2P_BASE + 3, '127.0.0.1', resolve));
    for (let i = 0; i < 3; i++) adapters.push(await startFakeAdapter({ price: 100 }));
    for (let i = 0; i < 3; i++) {
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
          'progressTimeout = "3s"\ngrace = "100ms"\nrequestTimeout = "60s"\ntransmitStagger = "300ms"',
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
    // Let the held requests fail at once, so the nodes stop without waiting for them.
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) =>
      silent.close(() => {
        resolve();
      }),
    );
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(adapters.map((a) => a.close()));
  });

  async function round(answer: string): Promise<void> {
    const end = Date.now() + 12_000;
    while (!ledger.rounds.some((r) => r.answer === answer)) {
      if (Date.now() > end) throw new Error(`no round with answer ${answer}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('reports rounds led by live nodes while the silent peer holds every request', async () => {
    // Round 1 is led by oracle-1 and round 2 by oracle-2 (index (round + attempt) mod 4).
    await round('10000');
    for (const a of adapters) a.set({ price: 108 });
    await round('10800');
    expect(held.length, 'requests the silent peer held').to.be.at.least(2);
    const [first, second] = ledger.rounds;
    expect(first?.report.signatures.map((s) => s.oracle)).not.to.include(3);
    expect(second?.report.signatures).to.have.length(2);
  });
});
