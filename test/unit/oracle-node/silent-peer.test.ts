/**
 * A peer that takes connections and never answers (a host that drops packets behind a load
 * balancer, a process stopped with SIGSTOP): the leader needs only the feed's minObservations and
 * minSignatures, so such a peer must not hold a round for requestTimeout.
 */
import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import {
  roundWith,
  startMemoryCluster,
  type MemoryCluster,
} from '../../support/oracle-node/memory-cluster';

// Ports from the oracle-node test range (23000-23999), apart from the other unit tests'.
const P2P_BASE = 23680;

describe('oracle-node rounds with a peer that never answers', function () {
  // Far below the nodes' requestTimeout: a leader that waited for the silent peer could not
  // finish a round within it.
  this.timeout(30_000);
  const held: Socket[] = [];
  let silent: Server;
  let cluster: MemoryCluster;

  before(async () => {
    // oracle-3's address takes the TCP connection and then says nothing, not even TLS.
    silent = createServer((socket) => {
      held.push(socket);
    });
    await new Promise<void>((resolve) => silent.listen(P2P_BASE + 3, '127.0.0.1', resolve));
    cluster = await startMemoryCluster({
      feedId: 'sol-usd',
      p2pBase: P2P_BASE,
      apiBase: 23690,
      job: 'threshold = 1\nidleTimerPeriod = "1h"\npollTimerPeriod = "500ms"',
      rounds:
        'progressTimeout = "3s"\ngrace = "100ms"\nrequestTimeout = "60s"\ntransmitStagger = "300ms"',
      running: [0, 1, 2],
    });
  });

  after(async () => {
    // Let the held requests fail at once, so the nodes stop without waiting for them.
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) =>
      silent.close(() => {
        resolve();
      }),
    );
    await cluster.stop();
  });

  it('reports rounds led by live nodes while the silent peer holds every request', async () => {
    const { ledger, adapters } = cluster;
    // Round 1 is led by oracle-1 and round 2 by oracle-2 (index (round + attempt) mod 4).
    await roundWith(ledger, '10000', 12_000);
    for (const a of adapters) a.set({ price: 108 });
    await roundWith(ledger, '10800', 12_000);
    expect(held.length, 'requests the silent peer held').to.be.at.least(2);
    const [first, second] = ledger.rounds;
    expect(first?.report.signatures.map((s) => s.oracle)).not.to.include(3);
    expect(second?.report.signatures).to.have.length(2);
  });
});
