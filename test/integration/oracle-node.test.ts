/**
 * The oracle node on the live network: four `oracle-node start` processes (f = 1), each with its
 * own oracle key, its own Fabric identity enrolled with Org1's CA, a TLS certificate from a node
 * CA made for the test (openssl; CN = oracle id) and two fake adapters on 127.0.0.1. The feed is
 * created by Org1's admin; everything after that is the nodes' work, checked on the chain:
 * rounds on the first report, on the heartbeat and on a deviation, each observation equal to its
 * node's adapters' median and each answer the median of the observations; a lying adapter
 * outvoted; a timing-out source skipped and recorded (database through the REST API, /metrics);
 * the feed reconfigured twice and each next round reported under the new digest; a node down and
 * rounds going on; a restart resuming from the database; the leader killed in the middle of a
 * round and the round committed through another node. Processes are ended by PID.
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Connection,
  type FeedsClient,
  type Round,
  type SignedReport,
} from '@oracle-consortium/gateway';
import {
  enrollNodeIdentities,
  makeNodeFiles,
  writeNodeConfig,
  type NodeFiles,
} from '../support/oracle-node/cluster';
import { connectAdmin } from '../support/oracle-node/admin';
import { startFakeAdapter, type FakeAdapter } from '../support/oracle-node/fake-adapter';
import {
  startNodeProcess,
  stopNodeProcess,
  type NodeProcess,
} from '../support/oracle-node/process';

const description = process.env.NETWORK_DESCRIPTION;
// The oracle-node test range is 23000-23999; this file takes 23000-23099, or 100 ports from
// ORACLE_NODE_TEST_PORT_BASE (an engineer sharing the machine runs it in their own range).
const PORT_BASE = Number(process.env.ORACLE_NODE_TEST_PORT_BASE ?? 23000);
const P2P_BASE = PORT_BASE + 1;
const API_BASE = PORT_BASE + 11;
const DECIMALS = 8;
const HEARTBEAT_S = 20;

/** Scales a price with two decimals to the feed's 8. */
const scaled = (price: number): bigint => BigInt(Math.round(price * 100)) * 1_000_000n;
/** A 3% move, kept to two decimals so the adapters' JSON numbers are exact decimals. */
const bump = (price: number): number => Math.round(price * 103) / 100;
const upperMedian = (xs: readonly bigint[]): bigint => {
  const s = [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return s[Math.floor(s.length / 2)]!;
};

async function until<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('oracle-node: four node processes report a feed (live network)', function () {
  this.timeout(600_000);
  const run = Date.now().toString(36);
  const feedId = `on-${run}`;
  const ids = [0, 1, 2, 3].map((i) => `node-${run}-${i}`);
  const nodes: (NodeProcess | undefined)[] = [];
  let files: NodeFiles[];
  let adapters: FakeAdapter[][] = [];
  /** Each adapter's price (before its multiplier). */
  let prices: number[][] = [];
  let multipliers: number[][] = [];
  let conn: Connection | undefined;
  let feeds: FeedsClient;
  let configs: string[] = [];

  function setPrices(next: number[][]): void {
    prices = next;
    next.forEach((pair, i) => {
      pair.forEach((p, j) => {
        adapters[i]![j]!.set({ price: p });
      });
    });
  }
  /** What node i observes: the upper median of its two adapters, as the node computes it. */
  function nodeObservation(i: number): bigint {
    return upperMedian(prices[i]!.map((p, j) => scaled(p * multipliers[i]![j]!)));
  }

  function startNode(i: number): void {
    nodes[i] = startNodeProcess(configs[i]!, join(files[i]!.dir, 'node.log'));
  }

  async function stopNode(i: number, signal: NodeJS.Signals): Promise<void> {
    const n = nodes[i];
    nodes[i] = undefined;
    await stopNodeProcess(n, signal);
  }

  async function api(i: number, path: string): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${API_BASE + i}${path}`);
    return res.text();
  }

  async function history(): Promise<Round[]> {
    const out: Round[] = [];
    let bookmark = '';
    for (;;) {
      const page = await feeds.getRoundHistory(feedId, {
        pageSize: 100,
        ...(bookmark ? { bookmark } : {}),
      });
      out.push(...page.records);
      if (page.bookmark === '' || page.records.length < 100) return out;
      bookmark = page.bookmark;
    }
  }

  /** A round with the observations of its report, which state keeps only as a digest. */
  type ReportedRound = Round & Pick<SignedReport, 'observations'>;

  /** The rounds after `afterRound`, each with its report's observations read from its transaction. */
  async function reportedRoundsAfter(afterRound: bigint): Promise<ReportedRound[]> {
    const rounds = (await history()).filter((r) => BigInt(r.roundId) > afterRound);
    return Promise.all(
      rounds.map(async (r) => ({
        ...r,
        observations: (await feeds.getRoundReport(feedId, r.roundId)).observations,
      })),
    );
  }

  /** The first round after `afterRound` whose observations all equal their nodes' adapters' medians now. */
  async function roundMatchingAdapters(
    afterRound: bigint,
    timeoutMs: number,
  ): Promise<ReportedRound> {
    return until(
      `a round after ${afterRound} matching the adapters`,
      async () =>
        (await reportedRoundsAfter(afterRound)).find((r) =>
          r.observations.every((o) => BigInt(o.value) === nodeObservation(o.oracle)),
        ),
      timeoutMs,
    );
  }

  async function latestRoundId(): Promise<bigint> {
    const h = await history();
    return h.length === 0 ? 0n : BigInt(h.at(-1)!.roundId);
  }

  function expectMedianOfObservations(r: ReportedRound): void {
    expect(r.observations.length).to.be.at.least(3);
    expect(BigInt(r.answer)).to.equal(upperMedian(r.observations.map((o) => BigInt(o.value))));
    expect(r.signers.length).to.be.at.least(2);
  }

  before(async function () {
    if (description === undefined || description === '') {
      console.warn(
        '      SKIPPED oracle-node: NETWORK_DESCRIPTION is not set (run through scripts/with-network.sh)',
      );
      this.skip();
    }
    const admin = await connectAdmin(description);
    conn = admin.connection;
    feeds = admin.feeds;

    const root = mkdtempSync(join(tmpdir(), 'oracle-node-it-'));
    files = await makeNodeFiles(root, ids);
    // Each node's Fabric identity: registered and enrolled with Org1's CA (a file key here; the
    // node takes a KMS or HSM key the same way).
    await enrollNodeIdentities(admin.network, files, root);

    await feeds.createFeed({
      feedId,
      description: 'ETH / USD (oracle-node test)',
      decimals: DECIMALS,
      oracles: files.map((f) => ({ id: f.oracleId, publicKey: f.publicKey })),
      f: 1,
      heartbeatSeconds: HEARTBEAT_S,
      deviationThresholdPpb: 10_000_000,
    });

    adapters = await Promise.all(
      ids.map(() => Promise.all([startFakeAdapter(), startFakeAdapter()])),
    );
    multipliers = ids.map(() => [1, 1]);
    // A spread per node, so each node's observation is its own and the median is meaningful.
    setPrices(ids.map((_, i) => [3150 + i, 3150 + i + 0.5]));
    configs = files.map((_, i) =>
      writeNodeConfig({
        index: i,
        all: files,
        p2pBase: P2P_BASE,
        apiBase: API_BASE,
        adapters: adapters[i]!.map((a) => a.url),
        feedId,
        fabric: `networkDescription = ${JSON.stringify(description)}\nmember = "Org1"\ncertificate = "fabric-cert.pem"\nkey = { type = "file", path = "fabric.pem" }`,
        job: `threshold = 1\nidleTimerPeriod = "${HEARTBEAT_S}s"\npollTimerPeriod = "2s"`,
        rounds:
          'progressTimeout = "8s"\ngrace = "1500ms"\nrequestTimeout = "3s"\ntransmitStagger = "4s"',
        sourceTimeout: '1500ms',
      }),
    );
    for (let i = 0; i < ids.length; i++) startNode(i);
    for (let i = 0; i < ids.length; i++) {
      await until(
        `node ${i} ready`,
        async () => {
          try {
            return (JSON.parse(await api(i, '/readyz')) as { ready?: unknown }).ready === true
              ? true
              : undefined;
          } catch {
            return undefined;
          }
        },
        60_000,
      );
    }
  });

  after(async () => {
    await Promise.all(nodes.map((_, i) => stopNode(i, 'SIGTERM')));
    await Promise.all(adapters.flat().map((a) => a.close()));
    conn?.close();
  });

  it('reports the first round: each observation its node adapters median, the answer their median', async () => {
    const r = await roundMatchingAdapters(0n, 90_000);
    expect(r.roundId).to.equal('1');
    expectMedianOfObservations(r);
  });

  it('reports again on the heartbeat when the price does not move', async () => {
    const h = await history();
    const last = h.at(-1)!;
    const next = await until(
      'a heartbeat round',
      async () => (await history()).find((r) => BigInt(r.roundId) === BigInt(last.roundId) + 1n),
      (HEARTBEAT_S + 30) * 1000,
    );
    expect(next.updatedAt - last.updatedAt).to.be.at.least(HEARTBEAT_S - 1);
    expect(next.answer).to.equal(last.answer);
    const reasons = await Promise.all(
      ids.map(async (_, i) => api(i, `/v1/feeds/${feedId}/rounds?limit=20`)),
    );
    expect(reasons.join('')).to.include('"reason":"heartbeat"');
  });

  it('reports on a deviation beyond the threshold, well before the heartbeat', async () => {
    const before = (await history()).at(-1)!;
    const unmoved = ids.map((_, i) => nodeObservation(i));
    const changedAt = Date.now();
    setPrices(prices.map((pair) => pair.map(bump)));
    // The first round after the change. A node may have been observing for the next round's due
    // check at that very moment, so an observation may carry its adapters' median from just before
    // the change; each must be one of the two, and the answer must have moved past the threshold.
    const r = await until(
      `a round after ${before.roundId}`,
      async () => (await reportedRoundsAfter(BigInt(before.roundId)))[0],
      30_000,
    );
    expect(Date.now() - changedAt).to.be.below(HEARTBEAT_S * 1000);
    for (const o of r.observations) {
      expect([unmoved[o.oracle], nodeObservation(o.oracle)]).to.include(BigInt(o.value));
    }
    expectMedianOfObservations(r);
    const moved = BigInt(r.answer) - BigInt(before.answer);
    // deviationThresholdPpb 10,000,000: 1% of the previous answer.
    expect(
      moved * 100n > BigInt(before.answer),
      `answer ${r.answer} after ${before.answer}`,
    ).to.equal(true);
    const logs = await Promise.all(
      ids.map(async (_, i) => api(i, `/v1/feeds/${feedId}/rounds?limit=20`)),
    );
    expect(logs.join('')).to.include('"reason":"deviation"');
  });

  it('one adapter lying 10x leaves the median on chain among the honest values', async () => {
    multipliers[2]![1] = 10;
    adapters[2]![1]!.set({ multiplier: 10 });
    const before = await latestRoundId();
    setPrices(prices.map((pair) => pair.map(bump)));
    const r = await roundMatchingAdapters(before, 45_000);
    expectMedianOfObservations(r);
    const honest = [0, 1, 3].map(nodeObservation);
    const answer = BigInt(r.answer);
    expect(honest.some((h) => h <= answer) && honest.some((h) => h >= answer)).to.equal(true);
    multipliers[2]![1] = 1;
    adapters[2]![1]!.set({ multiplier: 1 });
  });

  it('a source timing out is skipped: the error is in the database and in /metrics', async () => {
    adapters[1]![0]!.set({ delayMs: 5000 });
    const before = await latestRoundId();
    setPrices(prices.map((pair) => pair.map(bump)));
    // Node 1 observes from its other adapter alone meanwhile.
    prices[1] = [prices[1]![1]!, prices[1]![1]!];
    const r = await roundMatchingAdapters(before, 45_000);
    expectMedianOfObservations(r);
    const metrics = await until(
      'the timeout in /metrics',
      async () => {
        const text = await api(1, '/metrics');
        return /oracle_node_source_errors_total\{bridge="adapter-0",code="SOURCE_TIMEOUT",job="[^"]+"\} [1-9]/.test(
          text,
        )
          ? text
          : undefined;
      },
      30_000,
    );
    expect(metrics).to.include('oracle_node_source_latency_seconds_bucket');
    const errors = JSON.parse(await api(1, '/v1/errors?limit=200')) as {
      errors: { code: string; source?: string }[];
    };
    expect(
      errors.errors.some((e) => e.code === 'SOURCE_TIMEOUT' && e.source === 'adapter-0'),
    ).to.equal(true);
    const runs = JSON.parse(await api(1, `/v1/jobs/${feedId}-job/runs?limit=50`)) as {
      runs: { id: string; status: string }[];
    };
    const sources = await Promise.all(
      runs.runs.map(
        async (x) =>
          JSON.parse(await api(1, `/v1/runs/${x.id}/sources`)) as {
            sources: { bridge: string; errorCode?: string }[];
          },
      ),
    );
    expect(
      sources.some((s) =>
        s.sources.some((x) => x.bridge === 'adapter-0' && x.errorCode === 'SOURCE_TIMEOUT'),
      ),
    ).to.equal(true);
    adapters[1]![0]!.set({ delayMs: 0 });
    setPrices(prices.map((pair) => [...pair]));
  });

  it('the feed reconfigured while the nodes run: each next round reports under the new configuration', async () => {
    const old = await feeds.getFeed(feedId);
    let digest = old.configDigest;
    // A third signature required, then two again: each change moves the config digest, and the
    // nodes send exactly the feed's minSignatures.
    for (const minSignatures of [old.minSignatures + 1, old.minSignatures]) {
      const changed = await feeds.setThresholds(feedId, {
        f: old.f,
        minSignatures,
        minObservations: old.minObservations,
      });
      expect(changed.value.configDigest).to.not.equal(digest);
      digest = changed.value.configDigest;
      // Every round from here on can only be under the new digest (the contract refuses the old).
      const before = await latestRoundId();
      const changedAt = Date.now();
      setPrices(prices.map((pair) => pair.map(bump)));
      // The nodes read the feed once a minute on their own; a report refused under the old
      // digest, or a leader naming the new one, has them read it at once. The first round after
      // the change (the deviation's, or a heartbeat's if one was due) comes before the heartbeat.
      const r = await until(
        `a round after ${before}`,
        async () => (await reportedRoundsAfter(before))[0],
        45_000,
      );
      expect(Date.now() - changedAt).to.be.below(HEARTBEAT_S * 1000);
      expectMedianOfObservations(r);
      expect(r.signers).to.have.length(minSignatures);
      expect((await feeds.getRoundReport(feedId, r.roundId)).configDigest).to.equal(digest);
    }
  });

  it('one node down: rounds go on, including the round it would have led', async () => {
    await stopNode(3, 'SIGTERM');
    // Until a round whose first leader (index round mod 4) was the stopped node has committed.
    let ledByDown = false;
    for (let k = 0; k < 6 && !ledByDown; k++) {
      const before = await latestRoundId();
      setPrices(prices.map((pair) => pair.map(bump)));
      const r = await roundMatchingAdapters(before, 60_000);
      expectMedianOfObservations(r);
      expect(r.observations.map((o) => o.oracle)).to.not.include(3);
      ledByDown = BigInt(r.roundId) % 4n === 3n;
    }
    expect(ledByDown).to.equal(true);
  });

  it('a restarted node resumes from its database', async () => {
    startNode(3);
    const started = await until(
      'node 3 started',
      () => nodes[3]!.events.find((e) => e.msg === 'job.started'),
      60_000,
    );
    expect(started.resumedFrom).to.not.equal(null);
    await until(
      'node 3 ready',
      async () => {
        try {
          return (JSON.parse(await api(3, '/readyz')) as { ready?: unknown }).ready === true
            ? true
            : undefined;
        } catch {
          return undefined;
        }
      },
      30_000,
    );
  });

  it('the leader killed in the middle of a round: the round commits through another node', async () => {
    const next = (await latestRoundId()) + 1n;
    // The leader as the nodes see it (the attempt may have moved on while a node was down).
    const status = await until(
      `the nodes at round ${next}`,
      async () => {
        const jobs = (
          JSON.parse(await api(1, '/v1/jobs')) as {
            jobs: { status: { roundId: string; leader: string } }[];
          }
        ).jobs;
        const st = jobs[0]?.status;
        return st?.roundId === next.toString() ? st : undefined;
      },
      30_000,
    );
    const leader = ids.indexOf(status.leader);
    expect(leader).to.be.at.least(0);
    // A slow node (answers within its source timeout) keeps the leader in its grace period.
    const slow = (leader + 2) % 4;
    adapters[slow]!.forEach((a) => {
      a.set({ delayMs: 1200 });
    });
    const mark = nodes[leader]!.events.length;
    setPrices(prices.map((pair) => pair.map(bump)));
    await until(
      `leader ${leader} at quorum in round ${next}`,
      () =>
        nodes[leader]!.events.slice(mark).find(
          (e) => e.msg === 'round.quorum' && String(e.roundId) === next.toString(),
        ),
      30_000,
    );
    await stopNode(leader, 'SIGKILL');
    const r = await roundMatchingAdapters(next - 1n, 90_000);
    expect(r.roundId).to.equal(next.toString());
    expectMedianOfObservations(r);
    const transmissions = await Promise.all(
      [0, 1, 2, 3]
        .filter((i) => i !== leader)
        .map(
          async (i) =>
            JSON.parse(await api(i, `/v1/feeds/${feedId}/transmissions?limit=20`)) as {
              transmissions: { roundId: string; status: string }[];
            },
        ),
    );
    expect(
      transmissions
        .flatMap((t) => t.transmissions)
        .some((t) => t.roundId === next.toString() && t.status === 'committed'),
    ).to.equal(true);
    adapters[slow]!.forEach((a) => {
      a.set({ delayMs: 0 });
    });
  });
});
