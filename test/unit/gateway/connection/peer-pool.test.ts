/**
 * The peer pool's health state: one state per peer, one backoff step per failure epoch, one probe
 * at a time, own member's peers before other members'. Driven by a fake clock.
 */
import { expect } from 'chai';
import { PeerPool, type PoolPeer } from '../../../../gateway/src/connection/peer-pool';
import type { Transport } from '../../../../gateway/src/connection/transport';

function transport(endpoint: string): Transport {
  const never = () => Promise.reject(new Error('not called in pool tests'));
  return {
    endpoint,
    kind: 'gateway',
    evaluate: never,
    endorse: never,
    submit: never,
    commitStatus: never,
    chaincodeEvents: never,
    close: () => undefined,
  };
}

function pool(
  clock: { now: number },
  names: [string, string][] = [
    ['p1', 'Org1MSP'],
    ['p2', 'Org1MSP'],
  ],
) {
  return new PeerPool(
    names.map(([name, mspId]) => ({
      config: {
        name,
        mspId,
        endpoint: { hostname: `${name}.local`, port: 7051 },
        tlsRootCerts: '',
      },
      transport: transport(`${name}.local:7051`),
    })),
    'Org1MSP',
    { initialBackoffMs: 1000, maxBackoffMs: 30000, now: () => clock.now },
  );
}

const named = (p: PoolPeer | undefined) => p?.config.name;

describe('gateway peer pool', () => {
  it('counts 32 concurrent failures of one epoch as one backoff step', () => {
    const clock = { now: 10_000 };
    const peers = pool(clock);
    const p1 = peers.all[0]!;
    const started = clock.now;
    for (let i = 0; i < 32; i++) {
      clock.now += 1;
      peers.failed(p1, started);
    }
    const status = peers.status().find((s) => s.name === 'p1')!;
    expect(status).to.include({ state: 'suspect', failures: 1, backingOff: true });
    clock.now = started + 1 + 1000;
    expect(named(peers.pick())).to.equal('p1');
  });

  it('adds one step when the probe after a backoff fails, doubling the backoff', () => {
    const clock = { now: 0 };
    const peers = pool(clock);
    const p1 = peers.all[0]!;
    peers.failed(p1, 0);
    clock.now = 1000;
    expect(named(peers.pick())).to.equal('p1');
    peers.failed(p1, 1000);
    expect(peers.status().find((s) => s.name === 'p1')).to.include({ failures: 2 });
    clock.now = 2999;
    expect(named(peers.pick())).to.equal('p2');
    clock.now = 3000;
    expect(named(peers.pick())).to.equal('p1');
  });

  it('lets one probe at a time through a suspect peer whose backoff ran out', () => {
    const clock = { now: 0 };
    const peers = pool(clock);
    const p1 = peers.all[0]!;
    peers.failed(p1, 0);
    clock.now = 5000;
    expect(named(peers.pick())).to.equal('p1');
    expect(named(peers.pick())).to.equal('p2');
    peers.succeeded(p1);
    expect(peers.status()[0]).to.include({ name: 'p1', state: 'healthy', failures: 0 });
    expect(named(peers.pick())).to.equal('p1');
  });

  it('keeps the probe slot when an older call on the peer ends without evidence', () => {
    const clock = { now: 0 };
    const peers = pool(clock);
    const p1 = peers.all[0]!;
    peers.failed(p1, 0);
    clock.now = 1500;
    expect(named(peers.pick())).to.equal('p1');
    peers.released(p1, 200);
    expect(named(peers.pick())).to.equal('p2');
    peers.released(p1, 1500);
    expect(named(peers.pick())).to.equal('p1');
  });

  it('returns a healthy peer to service on any answer, even during its epoch', () => {
    const clock = { now: 0 };
    const peers = pool(clock);
    const p1 = peers.all[0]!;
    peers.failed(p1, 0);
    peers.succeeded(p1);
    expect(peers.status()[0]).to.include({ name: 'p1', state: 'healthy', backingOff: false });
  });

  it("uses other members' peers only when none of the member's own is usable", () => {
    const clock = { now: 0 };
    const peers = pool(clock, [
      ['o2', 'Org2MSP'],
      ['p1', 'Org1MSP'],
      ['p2', 'Org1MSP'],
    ]);
    expect(named(peers.pick())).to.equal('p1');
    peers.failed(peers.all[1]!, 0);
    peers.failed(peers.all[2]!, 0);
    expect(named(peers.pick())).to.equal('o2');
    expect(peers.status().map((s) => s.name)).to.deep.equal(['o2', 'p1', 'p2']);
  });

  it("never picks another member's peer when the call forbids it", () => {
    const clock = { now: 0 };
    const peers = pool(clock, [
      ['p1', 'Org1MSP'],
      ['o2', 'Org2MSP'],
    ]);
    const tried = new Set([peers.all[0]!]);
    expect(peers.pick({ exclude: tried, foreign: false })).to.equal(undefined);
    expect(named(peers.pick({ exclude: tried }))).to.equal('o2');
  });

  it('keeps suspect peers as a last resort, the soonest due first', () => {
    const clock = { now: 0 };
    const peers = pool(clock);
    const [p1, p2] = [peers.all[0]!, peers.all[1]!];
    peers.failed(p1, 0);
    clock.now = 10;
    peers.failed(p2, 10);
    clock.now = 20;
    expect(named(peers.pick())).to.equal('p1');
  });

  it('prefers another peer than the one to avoid, and falls back to it when alone', () => {
    const clock = { now: 0 };
    const peers = pool(clock);
    const [p1, p2] = [peers.all[0]!, peers.all[1]!];
    expect(named(peers.pick({ avoid: p1 }))).to.equal('p2');
    expect(named(peers.pick({ avoid: p1, exclude: new Set([p2]) }))).to.equal('p1');
  });
});
