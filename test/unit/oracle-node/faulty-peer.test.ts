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
import { RefusalError, startP2p, type P2p } from '../../../oracle-node/src/rounds/p2p';
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
  let second: P2p;

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
          // The nodes it answers (an unlisted caller is refused before any handler runs).
          peers: [0, 2, 3].map((i) => ({
            oracleId: ids[i]!,
            url: `https://127.0.0.1:${String(P2P_BASE + i)}`,
          })),
        },
      } as unknown as NodeConfig,
      // Every request it gets, it refuses as if it were one attempt further on: were a leader to
      // move on such a claim mid-attempt, it would give up every attempt and no round would end.
      (_kind, _from, body) => {
        const m = body as { roundId: string; attempt: number };
        return Promise.reject(
          new RefusalError({
            refused: 'OLD_ATTEMPT',
            message: 'this node is further on',
            roundId: m.roundId,
            attempt: m.attempt + 1,
          }),
        );
      },
    );
    // oracle-3's identity, for a second voice (oracle-3 itself runs on its own port).
    const three = files[3]!;
    second = await startP2p(
      {
        p2p: {
          listen: { host: '127.0.0.1', port: P2P_BASE + 5 },
          tls: {
            cert: join(three.dir, 'tls.pem'),
            key: join(three.dir, 'tls.key'),
            ca: join(three.dir, 'ca.pem'),
          },
          peers: [],
        },
      } as unknown as NodeConfig,
      () => Promise.resolve({}),
    );
  });

  after(async () => {
    await faulty.close();
    await second.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(adapters.map((a) => a.close()));
  });

  async function observe(roundId: string, attempt: number, via = faulty): Promise<unknown> {
    try {
      return await via.send(
        { oracleId: 'oracle-0', url: `https://127.0.0.1:${String(P2P_BASE)}` },
        'observe',
        { feedId: FEED, roundId, attempt },
        2000,
      );
    } catch (err) {
      return err;
    }
  }

  async function round(answer: string): Promise<void> {
    const end = Date.now() + 20_000;
    while (!ledger.rounds.some((r) => r.answer === answer)) {
      if (Date.now() > end) throw new Error(`no round with answer ${answer}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('refuses an attempt more than one ahead, and one ahead only from its leader', async () => {
    // Round 1 (oracle-1's at attempt 0) goes to oracle-2 after a progress timeout.
    await round('10000');
    // Round 2 stays open (the price does not move): oracle-2 leads attempt 0 and polls idle.
    // Attempt 3 would be oracle-1's ((2 + 3) mod 4).
    const far = await observe('2', 3);
    expect(far).to.be.instanceOf(OracleNodeError);
    expect((far as OracleNodeError).cause).to.include({ refused: 'FAR_ATTEMPT', attempt: 0 });
    // One attempt ahead is within reach, but attempt 1 is oracle-3's: not the sender's to lead.
    const notLeader = await observe('2', 1);
    expect((notLeader as OracleNodeError).cause).to.include({ refused: 'NOT_LEADER' });
  });

  it('goes on with rounds while the faulty oracle refuses every leader with a later attempt', async () => {
    for (const a of adapters) a.set({ price: 108 });
    await round('10800');
    expect(ledger.rounds).to.have.length(2);
  });

  it('jumps to a later attempt once f+1 peers say they are there', async () => {
    // Round 3 is oracle-3's at attempt 0; attempt 2 would be oracle-1's ((3 + 2) mod 4).
    const alone = await observe('3', 2);
    expect((alone as OracleNodeError).cause).to.include({ refused: 'FAR_ATTEMPT' });
    // A second peer (f + 1 = 2) says it is at attempt 2; its own request is not its to lead.
    const vouching = await observe('3', 2, second);
    expect((vouching as OracleNodeError).cause).to.include({ refused: 'NOT_LEADER' });
    const taken = await observe('3', 2);
    expect(taken).to.include({ feedId: FEED, roundId: '3', attempt: 2, oracle: 0 });
  });
});
