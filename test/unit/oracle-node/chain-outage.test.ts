/**
 * Nodes started while their Fabric peers are down (a data centre restarting as a whole): they
 * start, say on `/health` that the chain is failing, and take part in rounds once it is back.
 */
import { expect } from 'chai';
import {
  roundWith,
  startMemoryCluster,
  type MemoryCluster,
} from '../../support/oracle-node/memory-cluster';

async function health(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${String(port)}/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('oracle-node started while the chain cannot be read', function () {
  this.timeout(60_000);
  let cluster: MemoryCluster;

  before(async () => {
    // Ports from the oracle-node test range (23000-23999), apart from the other unit tests'.
    cluster = await startMemoryCluster({
      feedId: 'xau-usd',
      p2pBase: 23700,
      apiBase: 23710,
      job: 'threshold = 1\nidleTimerPeriod = "1h"\npollTimerPeriod = "500ms"',
      rounds:
        'progressTimeout = "2s"\ngrace = "100ms"\nrequestTimeout = "1s"\ntransmitStagger = "300ms"',
      beforeStart: (ledger) => {
        ledger.unreachable = true;
      },
    });
  });

  after(async () => {
    await cluster.stop();
  });

  it('starts, reports the chain failing, and reports rounds once the chain is back', async () => {
    const { ledger, nodes } = cluster;
    await new Promise((r) => setTimeout(r, 500));
    const down = await health(nodes.get(0)!.apiPort);
    expect(down.status).to.equal(503);
    const checks = down.body.checks as Record<string, { status: string; output?: string }>;
    expect(checks.chain?.status).to.equal('failing');
    expect(checks.chain?.output).to.contain('getFeed').and.contain('UNAVAILABLE');
    expect(ledger.rounds).to.deep.equal([]);

    ledger.unreachable = false;
    await roundWith(ledger, '10000');
    expect(ledger.rounds.map((r) => r.answer)).to.deep.equal(['10000']);
    expect((await health(nodes.get(0)!.apiPort)).status).to.equal(200);
  });
});
