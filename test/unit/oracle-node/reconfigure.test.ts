/**
 * A feed reconfigured in the middle of a round attempt: the leader's report, signed under the old
 * configuration, is refused `CONFIG_MISMATCH`; the leader reads the feed again, and the followers
 * do when its next request names the new configuration, and the same attempt reports under it
 * (each node's signature is claimed per configuration, so the first claim does not bind the new
 * report). Nodes otherwise read the feed once a minute.
 */
import { expect } from 'chai';
import {
  roundWith,
  startMemoryCluster,
  type MemoryCluster,
} from '../../support/oracle-node/memory-cluster';

describe('oracle-node: a feed reconfigured in the middle of an attempt', function () {
  this.timeout(60_000);
  let cluster: MemoryCluster;

  before(async () => {
    // Ports from the oracle-node test range (23000-23999), apart from the other unit tests'.
    cluster = await startMemoryCluster({
      feedId: 'sol-usd',
      p2pBase: 23740,
      apiBase: 23750,
      job: 'threshold = 1\nidleTimerPeriod = "1h"\npollTimerPeriod = "500ms"',
      rounds:
        'progressTimeout = "3s"\ngrace = "100ms"\nrequestTimeout = "1s"\ntransmitStagger = "300ms"',
    });
  });

  after(async () => {
    await cluster.stop();
  });

  it('reports the round in the same attempt under the new configuration', async () => {
    const { ledger, adapters } = cluster;
    await roundWith(ledger, '10000');
    const before = ledger.feed.configDigest;
    // Past the shortest interval between two prompted reads of the feed (2 s), which every node
    // last read when it started.
    await new Promise((r) => setTimeout(r, 2_500));

    // Round 2 attempt 0 is led by oracle-2 ((2 + 0) mod 4); its first report reaches the contract
    // just after the feed changed.
    let reconfigured = false;
    ledger.beforeSubmit = (report) => {
      if (report.roundId === '2' && !reconfigured) {
        ledger.reconfigure({ heartbeatSeconds: 7200 });
        reconfigured = true;
      }
    };
    for (const a of adapters) a.set({ price: 110 });
    await roundWith(ledger, '11000');

    const after = ledger.feed.configDigest;
    expect(after).to.not.equal(before);
    const refused = ledger.refused.filter((r) => r.report.roundId === '2');
    expect(refused.length).to.be.at.least(1);
    for (const r of refused) {
      expect(r.error).to.match(/^\[CONFIG_MISMATCH\]/);
      expect(r.report.configDigest).to.equal(before);
    }
    const round2 = ledger.rounds.filter((r) => r.roundId === '2');
    expect(round2).to.have.length(1);
    expect(round2[0]!.report.configDigest).to.equal(after);
    // The same leader, so the same attempt: a lost attempt would have moved the round to oracle-3
    // after the 3 s progress timeout.
    expect(refused[0]!.by).to.equal('oracle-2');
    expect(round2[0]!.by).to.equal('oracle-2');
  });
});
