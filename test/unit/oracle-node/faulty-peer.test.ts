/**
 * One faulty oracle (within f) asking the others to jump to a later attempt of its own choosing,
 * one where it leads: attempts move one at a time, so it cannot take the round again and again.
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type NodeConfig } from '../../../oracle-node/src/config/config';
import { OracleNodeError } from '../../../oracle-node/src/errors';
import { newLogger } from '../../../oracle-node/src/ops/logger';
import { startOracleNode, type OracleNode } from '../../../oracle-node/src/node';
import { startP2p, type P2p } from '../../../oracle-node/src/rounds/p2p';
import { makeNodeFiles, writeNodeConfig, type NodeFiles } from '../../support/oracle-node/cluster';
import { startFakeAdapter, type FakeAdapter } from '../../support/oracle-node/fake-adapter';
import { MemoryLedger, memoryFeed } from '../../support/oracle-node/memory-chain';

// Ports from the oracle-node test range (23000-23999), apart from the other unit tests'.
const P2P_BASE = 23720;
const API_BASE = 23730;
const FEED = 'ada-usd';

describe('oracle-node attempts pushed by a faulty peer', function () {
  this.timeout(60_000);
  const ids = ['oracle-0', 'oracle-1', 'oracle-2', 'oracle-3'];
  const nodes: OracleNode[] = [];
  const adapters: FakeAdapter[] = [];
  let files: NodeFiles[];
  let ledger: MemoryLedger;
  let faulty: P2p;

  before(async () => {
    files = await makeNodeFiles(mkdtempSync(join(tmpdir(), 'oracle-faulty-')), ids);
    ledger = new MemoryLedger(
      memoryFeed(
        FEED,
        files.map((f) => ({ id: f.oracleId, publicKey: f.publicKey })),
        1,
      ),
    );
    // oracle-1 is the faulty one: this test speaks for it; the other three run.
    for (const i of [0, 2, 3]) {
      adapters.push(await startFakeAdapter({ price: 100 }));
      writeNodeConfig({
        index: i,
        all: files,
        p2pBase: P2P_BASE,
        apiBase: API_BASE,
        adapters: [adapters.at(-1)!.url],
        feedId: FEED,
        fabric:
          'networkDescription = "unused.json"\nmember = "Org1"\ncertificate = "unused.pem"\nkey = { type = "file", path = "oracle.pem" }',
        job: 'threshold = 1\nidleTimerPeriod = "1h"\npollTimerPeriod = "500ms"',
        rounds:
          'progressTimeout = "1500ms"\ngrace = "100ms"\nrequestTimeout = "1s"\ntransmitStagger = "300ms"',
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
    const me = files[1]!;
    faulty = await startP2p(
      {
        p2p: {
          listen: { host: '127.0.0.1', port: P2P_BASE + 1 },
          tls: {
            cert: join(me.dir, 'tls.pem'),
            key: join(me.dir, 'tls.key'),
            ca: join(me.dir, 'ca.pem'),
          },
          peers: [],
        },
      } as unknown as NodeConfig,
      () => Promise.reject(new Error('the faulty oracle answers nothing')),
    );
  });

  after(async () => {
    await faulty.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(adapters.map((a) => a.close()));
  });

  async function observe(roundId: string, attempt: number): Promise<unknown> {
    try {
      return await faulty.send(
        { oracleId: 'oracle-0', url: `https://127.0.0.1:${String(P2P_BASE)}` },
        'observe',
        { feedId: FEED, roundId, attempt },
        2000,
      );
    } catch (err) {
      return err;
    }
  }

  it('refuses an attempt more than one ahead, and one ahead only from its leader', async () => {
    // Round 1 (oracle-1's at attempt 0) goes to oracle-2 after a progress timeout.
    const end = Date.now() + 20_000;
    while (ledger.rounds.length === 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ledger.rounds).to.have.length(1);
    // Round 2 stays open (the price does not move): oracle-2 leads attempt 0 and polls idle.
    // Attempt 3 would be oracle-1's ((2 + 3) mod 4).
    const far = await observe('2', 3);
    expect(far).to.be.instanceOf(OracleNodeError);
    expect((far as OracleNodeError).cause).to.include({ refused: 'FAR_ATTEMPT', attempt: 0 });
    // One attempt ahead is within reach, but attempt 1 is oracle-3's: not the sender's to lead.
    const notLeader = await observe('2', 1);
    expect((notLeader as OracleNodeError).cause).to.include({ refused: 'NOT_LEADER' });
  });
});
