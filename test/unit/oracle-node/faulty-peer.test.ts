/**
 * One faulty oracle (within f) asking the others to jump to a later attempt of its own choosing,
 * one where it leads: attempts move one at a time, so it cannot take the round again and again.
 * Naming made-up feed configurations costs the chain at most one read of the feed per 2 s.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { NodeConfig } from '../../../oracle-node/src/config/config';
import { OracleNodeError } from '../../../oracle-node/src/errors';
import {
  RefusalError,
  startP2p,
  type P2p,
  type P2pHandler,
} from '../../../oracle-node/src/rounds/p2p';
import {
  CLUSTER_IDS,
  roundWith,
  startMemoryCluster,
  type MemoryCluster,
} from '../../support/oracle-node/memory-cluster';

// Ports from the oracle-node test range (23000-23999), apart from the other unit tests'.
const P2P_BASE = 23720;
const FEED = 'ada-usd';

describe('oracle-node attempts pushed by a faulty peer', function () {
  this.timeout(60_000);
  let cluster: MemoryCluster;
  let faulty: P2p;
  let second: P2p;

  /** A p2p channel speaking with oracle `index`'s identity, listening on `port`. */
  function speakAs(
    index: number,
    port: number,
    peers: readonly number[],
    handler: P2pHandler,
  ): Promise<P2p> {
    const dir = cluster.files[index]!.dir;
    return startP2p(
      {
        p2p: {
          listen: { host: '127.0.0.1', port },
          tls: { cert: join(dir, 'tls.pem'), key: join(dir, 'tls.key'), ca: join(dir, 'ca.pem') },
          // The nodes it answers (an unlisted caller is refused before any handler runs).
          peers: peers.map((i) => ({
            oracleId: CLUSTER_IDS[i]!,
            url: `https://127.0.0.1:${String(P2P_BASE + i)}`,
          })),
        },
      } as unknown as NodeConfig,
      handler,
    );
  }

  before(async () => {
    // oracle-1 is the faulty one: this test speaks for it; the other three run.
    cluster = await startMemoryCluster({
      feedId: FEED,
      p2pBase: P2P_BASE,
      apiBase: 23730,
      job: 'threshold = 1\nidleTimerPeriod = "1h"\npollTimerPeriod = "500ms"',
      rounds:
        'progressTimeout = "1500ms"\ngrace = "100ms"\nrequestTimeout = "1s"\ntransmitStagger = "300ms"',
      running: [0, 2, 3],
    });
    // Every request it gets, it refuses as if it were one attempt further on: were a leader to
    // move on such a claim mid-attempt, it would give up every attempt and no round would end.
    faulty = await speakAs(1, P2P_BASE + 1, [0, 2, 3], (_kind, _from, body) => {
      const m = body as { roundId: string; attempt: number };
      return Promise.reject(
        new RefusalError({
          refused: 'OLD_ATTEMPT',
          message: 'this node is further on',
          roundId: m.roundId,
          attempt: m.attempt + 1,
        }),
      );
    });
    // oracle-3's identity, for a second voice (oracle-3 itself runs on its own port).
    second = await speakAs(3, P2P_BASE + 5, [], () => Promise.resolve({}));
  });

  after(async () => {
    await faulty.close();
    await second.close();
    await cluster.stop();
  });

  async function observe(
    roundId: string,
    attempt: number,
    via = faulty,
    configDigest?: string,
  ): Promise<unknown> {
    try {
      return await via.send(
        { oracleId: 'oracle-0', url: `https://127.0.0.1:${String(P2P_BASE)}` },
        'observe',
        { feedId: FEED, roundId, attempt, ...(configDigest === undefined ? {} : { configDigest }) },
        2000,
      );
    } catch (err) {
      return err;
    }
  }

  it('refuses an attempt more than one ahead, and one ahead only from its leader', async () => {
    // Round 1 (oracle-1's at attempt 0) goes to oracle-2 after a progress timeout.
    await roundWith(cluster.ledger, '10000');
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
    for (const a of cluster.adapters) a.set({ price: 108 });
    await roundWith(cluster.ledger, '10800');
    expect(cluster.ledger.rounds).to.have.length(2);
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

  it('refuses made-up configurations, reading the feed at most once per 2 s for them', async () => {
    const mine = cluster.ledger.feed.configDigest;
    // Past the 2 s since the node's last prompted read (none so far) or its start.
    await new Promise((r) => setTimeout(r, 2_100));
    const readsBefore = cluster.ledger.feedReads;
    const started = Date.now();
    const answers: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      answers.push(await observe('4', 0, faulty, i.toString(16).padStart(64, 'f')));
    }
    const elapsed = Date.now() - started;
    for (const a of answers) {
      expect((a as OracleNodeError).cause).to.include({
        refused: 'CONFIG_MISMATCH',
        configDigest: mine,
      });
    }
    // Each of the three running nodes reads the feed once a minute on its own; oracle-0 read it
    // once for the twenty messages (one more only if they took over 2 s).
    const prompted = cluster.ledger.feedReads - readsBefore;
    expect(prompted).to.be.at.least(1);
    expect(prompted).to.be.at.most(1 + Math.floor(elapsed / 2_000));
  });
});
