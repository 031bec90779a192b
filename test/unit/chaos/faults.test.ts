/** The chaos suite's fault schedule and injector, against a recorded fake of network.sh. */
import { expect } from 'chai';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildSchedule,
  inject,
  NodeControl,
  isLeaderGauge,
  parseFaultKinds,
  withNewLeaders,
  type FaultKind,
  type InjectedFault,
  type Nodes,
} from '../../../scripts/chaos/faults';

/** network.sh as the injector sees it: records each command; `fail` makes one command fail. */
class RecordedNodes implements Nodes {
  readonly calls: string[] = [];
  constructor(
    readonly currentLeader: string | null,
    readonly fail?: string,
  ) {}
  run(command: string, ...args: string[]): Promise<string> {
    const call = [command, ...args].join(' ');
    this.calls.push(call);
    if (call === this.fail)
      return Promise.reject(new Error(`network.sh ${call} failed: no such node`));
    return Promise.resolve('');
  }
  leader(): Promise<string | null> {
    return Promise.resolve(this.currentLeader);
  }
}

function context(nodes: Nodes) {
  const t0 = Date.now();
  return {
    control: nodes,
    channel: 'consortium',
    peer: () => 'peer1-org1',
    chaincode: 'kv',
    nowS: () => (Date.now() - t0) / 1000,
    log: () => undefined,
  };
}

async function run(kind: FaultKind, nodes: RecordedNodes): Promise<InjectedFault> {
  return inject({ kind, holdS: 0.01 }, context(nodes));
}

const METRICS = `# HELP consensus_etcdraft_is_leader The leadership status of the current node: 1 if it is the leader else 0.
# TYPE consensus_etcdraft_is_leader gauge
consensus_etcdraft_is_leader{channel="other"} 1
consensus_etcdraft_is_leader{channel="consortium"} 0
`;

describe('chaos faults', () => {
  it('lays out the faults in order with the longest time the schedule can take', () => {
    const s = buildSchedule({
      kinds: ['peer-kill', 'orderer-leader-kill'],
      warmupS: 10,
      holdS: 5,
      gapS: 10,
      maxWaitS: 60,
    });
    expect(s.faults).to.deep.equal([
      { kind: 'peer-kill', holdS: 5 },
      { kind: 'orderer-leader-kill', holdS: 5 },
    ]);
    expect(s.longestS).to.equal(10 + 2 * 75);
  });

  it('refuses a schedule time that is not positive, naming the option', () => {
    expect(() =>
      buildSchedule({ kinds: [], warmupS: 10, holdS: 0, gapS: 10, maxWaitS: 60 }),
    ).to.throw(Error, 'holdS must be a positive number of seconds, got 0');
  });

  it('parses a list of fault kinds and names an unknown one', () => {
    expect(parseFaultKinds('peer-kill, orderer-pause,')).to.deep.equal([
      'peer-kill',
      'orderer-pause',
    ]);
    expect(parseFaultKinds('')).to.deep.equal([]);
    expect(() => parseFaultKinds('peer-kill,peer-melt')).to.throw(
      Error,
      "unknown fault kind 'peer-melt'",
    );
  });

  it("reads the Raft leader gauge of the run's channel only", () => {
    expect(isLeaderGauge(METRICS, 'consortium')).to.equal(false);
    expect(isLeaderGauge(METRICS, 'other')).to.equal(true);
    expect(isLeaderGauge('', 'consortium')).to.equal(false);
  });

  it('kills the Raft leader and starts it again for orderer-leader-kill', async () => {
    const nodes = new RecordedNodes('orderer2');
    const f = await run('orderer-leader-kill', nodes);
    expect(nodes.calls).to.deep.equal(['kill orderer2', 'start orderer2']);
    expect(f).to.deep.include({
      kind: 'orderer-leader-kill',
      targets: ['orderer2'],
      leaderBefore: 'orderer2',
    });
    expect(f.repairedAtS).to.be.a('number').and.at.least(f.injectedAtS);
    expect(f.error).to.equal(undefined);
  });

  it('kills an orderer that is not the leader for orderer-follower-kill', async () => {
    const nodes = new RecordedNodes('orderer1');
    await run('orderer-follower-kill', nodes);
    expect(nodes.calls).to.deep.equal(['kill orderer2', 'start orderer2']);
  });

  it('pauses and resumes the leader for orderer-pause, and the peer for peer-pause', async () => {
    const nodes = new RecordedNodes('orderer3');
    await run('orderer-pause', nodes);
    await run('peer-pause', nodes);
    expect(nodes.calls).to.deep.equal([
      'pause orderer3',
      'resume orderer3',
      'pause peer1-org1',
      'resume peer1-org1',
    ]);
  });

  it("kills the peer's chaincode server for chaincode-kill, and two orderers for orderer-quorum-loss", async () => {
    const nodes = new RecordedNodes('orderer1');
    await run('chaincode-kill', nodes);
    await run('orderer-quorum-loss', nodes);
    expect(nodes.calls).to.deep.equal([
      'kill cc-kv-peer1-org1',
      'start cc-kv-peer1-org1',
      'kill orderer1',
      'kill orderer2',
      'start orderer1',
      'start orderer2',
    ]);
  });

  it('records a fault that could not be injected, and does not try to repair it', async () => {
    const nodes = new RecordedNodes('orderer1', 'kill peer1-org1');
    const f = await run('peer-kill', nodes);
    expect(nodes.calls).to.deep.equal(['kill peer1-org1']);
    expect(f.repairedAtS).to.equal(null);
    expect(f.error).to.match(/^network.sh kill peer1-org1 failed: no such node/);
  });

  it('gives each fault the first other leader seen after it and before the next fault', () => {
    const base = { holdS: 5, targets: ['orderer1'], repairedAtS: 15 };
    const faults: InjectedFault[] = [
      { ...base, kind: 'orderer-leader-kill', injectedAtS: 10, leaderBefore: 'orderer1' },
      { ...base, kind: 'peer-kill', injectedAtS: 40, leaderBefore: 'orderer2' },
    ];
    const out = withNewLeaders(faults, [
      { atS: 0, leader: 'orderer1' },
      { atS: 11, leader: null },
      { atS: 16.5, leader: 'orderer2' },
      { atS: 50, leader: 'orderer2' },
    ]);
    expect(out[0]?.newLeader).to.deep.equal({ name: 'orderer2', atS: 16.5 });
    expect(out[1]?.newLeader).to.equal(undefined);
  });

  it('finds the leader from the metrics endpoints even when one orderer accepts and never answers', async () => {
    // A paused orderer's operations port accepts connections and then says nothing.
    const hung = http.createServer(() => undefined);
    const leader = http.createServer((_req, res) => {
      res.end(METRICS.replace('{channel="consortium"} 0', '{channel="consortium"} 1'));
    });
    const listen = (server: http.Server, port: number) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          resolve((server.address() as AddressInfo).port);
        });
      });
    // Orderer n answers on PORT_BASE+93+10n: the hung one as orderer1, the leader as orderer2,
    // nothing on orderer3's port. The hung one takes a free port; the leader needs the port 10
    // above it, so a few tries may be needed on a busy machine.
    let base = 0;
    for (let attempt = 0; base === 0; attempt++) {
      const hungPort = await listen(hung, 0);
      try {
        await listen(leader, hungPort + 10);
        base = hungPort - 103;
      } catch (err) {
        hung.close();
        if (attempt >= 9) throw err;
      }
    }
    try {
      const control = new NodeControl('/repo', { PORT_BASE: String(base) });
      const started = Date.now();
      expect(await control.leader('consortium')).to.equal('orderer2');
      expect(Date.now() - started).to.be.below(5000);
    } finally {
      hung.closeAllConnections();
      hung.close();
      leader.close();
    }
  });
});
