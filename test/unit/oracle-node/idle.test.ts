/**
 * Quiet markets: a leader whose poll finds nothing due announces `idle` and polls again one poll
 * period later. With a poll period above `progressTimeout` (the README's example: 1 min against
 * 20 s), the followers must not take the wait between polls for a stalled leader.
 */
import { expect } from 'chai';
import {
  roundWith,
  startMemoryCluster,
  type MemoryCluster,
} from '../../support/oracle-node/memory-cluster';

const FEED = 'btc-usd';

describe('oracle-node idle polls longer than the progress timeout', function () {
  this.timeout(60_000);
  let cluster: MemoryCluster;

  before(async () => {
    // Ports from the oracle-node test range (23000-23999), apart from the other unit tests'.
    cluster = await startMemoryCluster({
      feedId: FEED,
      p2pBase: 23640,
      apiBase: 23660,
      job: 'threshold = 1\nidleTimerPeriod = "1h"\npollTimerPeriod = "1500ms"',
      rounds:
        'progressTimeout = "700ms"\ngrace = "100ms"\nrequestTimeout = "1s"\ntransmitStagger = "300ms"',
    });
  });

  after(async () => {
    await cluster.stop();
  });

  const total = (name: string, labels: Record<string, string>): number =>
    [...cluster.nodes.values()].reduce((sum, n) => sum + n.metrics.value(name, labels), 0);

  it('keeps the leader through quiet polls, and still moves the round on a change', async () => {
    const { ledger, adapters } = cluster;
    await roundWith(ledger, '10000');
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
    await roundWith(ledger, '10500');
    expect(ledger.rounds.map((r) => r.answer)).to.deep.equal(['10000', '10500']);
  });
});
