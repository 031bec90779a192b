/**
 * `npm run bench:cost`: what a report, a vote, a read and a page of a list call cost as the state
 * they live in grows (issue 16). One dimension per run, on a fresh network (scripts/bench-cost.sh
 * starts one per dimension), its state seeded through the real contracts (createFeed,
 * submitReport, createProposal, voteOnProposal; nothing test-only), measured at each size:
 *
 * - rounds: 1, 1,000 and 100,000 stored rounds, spread over 256 feeds (so seeding runs at the
 *   network's pace, each feed taking one round per block) and a paged feed, which takes its
 *   rounds one after another alongside (`pagedFeedRounds`: 1, 201 and 500 of them, so its history
 *   pages are full from 1,000 on); reports go to 8 of the 256 feeds, reads are latestRoundData
 *   and getRoundData of the paged feed's round 1, the page is getRoundHistory of the paged feed;
 * - feeds: 10, 1,000 and 10,000 feeds; the page is listFeeds;
 * - members: 2 and 50 members' worth of proposals and votes. The network has two members and only
 *   members vote, so a member's worth is BENCH_COST_PROPOSALS_PER_MEMBER proposals (default 100),
 *   each voted on by both members (YES, then NO, which rejects it); the read is getProposal and
 *   the page listProposals. The tally of one proposal with 50 voters is not measured here.
 *
 * Each operation runs closed-loop at BENCH_COST_INFLIGHT (8) for BENCH_COST_DURATION_MS after a
 * warm-up run; the CPU every component spent is read from /proc around the measured run. A list
 * call is measured at its first page and at the page halfway through the collection (reached by
 * following bookmarks), so a page that costs more deeper in a larger collection shows; a page's
 * growth is read only between sizes where it is equally full (`comparablePoints` in cost-curve.ts).
 *
 * Environment: NETWORK_DESCRIPTION (set by scripts/bench-cost.sh), BENCH_COST_DIMENSION
 * (rounds | feeds | members), BENCH_COST_ROUNDS (comma-separated sizes, default 1,1000,100000),
 * BENCH_COST_FEEDS (10,1000,10000), BENCH_COST_MEMBERS (2,50), BENCH_COST_PROPOSALS_PER_MEMBER (100),
 * BENCH_COST_ORACLES (oracles per feed, 4), BENCH_COST_DURATION_MS (10000), BENCH_COST_WARMUP_MS
 * (2000), BENCH_COST_INFLIGHT (8), BENCH_COST_SEED_INFLIGHT (128), BENCH_COST_VOTE_PROPOSALS
 * (fresh proposals for each vote measurement, 600), BENCH_COST_RUN_ID (joins the dimensions of
 * one `npm run bench:cost` in one file), BENCH_OUT (default bench/results).
 * `cost.ts --print` prints the curves of bench/results/cost.json without measuring.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Contract } from '@hyperledger/fabric-gateway';
import { connection } from '@oracle-consortium/gateway';
import { connectBare } from './fabric-client';
import { perOperation, sampleCpu } from './cpu';
import { runClosedLoop, Sequence, type Operation } from './load';
import {
  curveText,
  DIMENSIONS,
  type CostDimension,
  type CostPoint,
  type CostReport,
  type Dimension,
  type OpCost,
} from './cost-curve';
import { envNumber } from './settings';
import {
  createFeeds,
  createProposals,
  errorText,
  FeedPool,
  firstPeerTlsRoot,
  initializeMembership,
  newOracles,
  reportSigner,
  submitFreshVote,
  type BenchFeed,
} from './workloads';

const REPO_DIR = path.resolve(__dirname, '..', '..');
const outDir = process.env.BENCH_OUT ?? path.join(REPO_DIR, 'bench', 'results');
const COST_FILE = path.join(outDir, 'cost.json');

function sizes(name: string, fallback: string): number[] {
  const list = (process.env[name] ?? fallback)
    .split(',')
    .filter((s) => s !== '')
    .map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(
      `${name} must be comma-separated positive integers, got '${String(process.env[name])}'`,
    );
  return [...list].sort((a, b) => a - b);
}

/** A whole-number setting ≥ 1 (≥ 0 for a warm-up), checked as `npm run bench`'s are. */
const num = (name: string, fallback: number, min = 1): number =>
  envNumber(process.env, name, fallback, { min, integer: true, unit: 'a count or milliseconds' });
const durationMs = num('BENCH_COST_DURATION_MS', 10_000);
const warmupMs = num('BENCH_COST_WARMUP_MS', 2000, 0);
const inFlight = num('BENCH_COST_INFLIGHT', 8);
const seedInFlight = num('BENCH_COST_SEED_INFLIGHT', 128);
const oracleCount = num('BENCH_COST_ORACLES', 4);
const perMember = num('BENCH_COST_PROPOSALS_PER_MEMBER', 100);
const voteProposals = num('BENCH_COST_VOTE_PROPOSALS', 600);
const ROUND_FEEDS = 256;
const PAGE_SIZE = 100;

function log(msg: string): void {
  process.stderr.write(`[bench:cost ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** Runs `op` closed-loop after a warm-up; CPU per operation from /proc around the measured run. */
async function measureOp(name: string, networkHome: string, op: Operation): Promise<OpCost> {
  const seq = new Sequence();
  if (warmupMs > 0) await runClosedLoop(op, seq, inFlight, warmupMs, 0);
  const before = sampleCpu(networkHome);
  const r = await runClosedLoop(op, seq, inFlight, durationMs, 0);
  const cpuMsPerOp = perOperation(before, sampleCpu(networkHome), r.completed);
  log(
    `  ${name}: ${r.throughput.toFixed(1)}/s at ${String(inFlight)} in flight, p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms, CPU ${String(cpuMsPerOp.total)} ms/op (peers ${String(cpuMsPerOp.peers)}, chaincode ${String(cpuMsPerOp.chaincode)}), ${String(r.failed)} failed${r.firstError === undefined ? '' : ` (${r.firstError})`}`,
  );
  return {
    throughput: r.throughput,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    completed: r.completed,
    failed: r.failed,
    ...(r.firstError === undefined ? {} : { firstError: r.firstError }),
    cpuMsPerOp,
  };
}

/**
 * Submits through a bare client, asking again when the transaction could not take effect because
 * another had just changed what it read: a vote right after the other member's vote committed on
 * its own peer may reach peers that have not committed that block yet. When the two endorsers
 * disagree the gateway refuses it (EndorseError, gRPC ABORTED) and nothing is ordered; when both
 * are behind, it is ordered and marked invalid at commit (CommitError, MVCC_READ_CONFLICT or
 * PHANTOM_READ_CONFLICT), which leaves the ledger's state as it was. Either way a new attempt is
 * safe and is what the gateway library does itself; the bare client used for seeding does not.
 *
 * @param submit - the submit to make
 * @param pauseMs - the pause before attempt n + 1 is n times this
 * @throws the last error after 10 attempts, or any other error at once
 */
export async function submitAgreed(submit: () => Promise<unknown>, pauseMs = 100): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await submit();
      return;
    } catch (err) {
      if (!isRetriableConflict(err) || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, pauseMs * attempt));
    }
  }
}

/** fabric-gateway's TxValidationCode values for a read another transaction invalidated. */
const MVCC_READ_CONFLICT = 11;
const PHANTOM_READ_CONFLICT = 12;
/** gRPC's ABORTED: the gateway's answer when endorsers returned different results. */
const ABORTED = 10;

function isRetriableConflict(err: unknown): boolean {
  const { name, code } = err as { name?: unknown; code?: unknown };
  if (name === 'EndorseError') return code === ABORTED;
  if (name === 'CommitError') return code === MVCC_READ_CONFLICT || code === PHANTOM_READ_CONFLICT;
  return false;
}

/** Runs `work` with `workers` concurrent loops, each calling it until it returns false. */
async function inParallel(workers: number, work: () => Promise<boolean>): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (await work());
    }),
  );
}

/** The bookmark of the page halfway through a paged collection, following bookmarks from the start. */
async function middleBookmark(page: (bookmark: string) => Promise<Buffer | Uint8Array>): Promise<{
  bookmark: string;
  pages: number;
  firstPageRecords: number;
  middlePageRecords: number;
}> {
  const bookmarks: string[] = [''];
  const counts: number[] = [];
  for (;;) {
    const last = bookmarks[bookmarks.length - 1] ?? '';
    const p = JSON.parse(Buffer.from(await page(last)).toString()) as {
      bookmark?: string;
      records?: unknown[];
      proposals?: unknown[];
      fetchedRecordsCount?: number;
    };
    // Feeds and rounds come as `records`, proposals as `proposals`.
    const n = p.records?.length ?? p.proposals?.length ?? p.fetchedRecordsCount ?? 0;
    counts.push(n);
    if (n < PAGE_SIZE || p.bookmark === undefined || p.bookmark === '') break;
    bookmarks.push(p.bookmark);
  }
  const middle = Math.floor((bookmarks.length - 1) / 2);
  return {
    bookmark: bookmarks[middle] ?? '',
    pages: bookmarks.length,
    firstPageRecords: counts[0] ?? 0,
    middlePageRecords: counts[middle] ?? 0,
  };
}

/** Report submits over a pool of feeds, each feed's next round, signed on demand. */
function reportOp(
  feeds: Contract,
  pool: FeedPool,
  sign: (f: BenchFeed, r: number) => string,
): Operation {
  return async () => {
    const feed = pool.take();
    try {
      await feeds.submitTransaction('submitReport', sign(feed, feed.round + 1));
      feed.round += 1;
    } finally {
      pool.give(feed);
    }
  };
}

/** Org1 votes YES on each of `ids` in turn (one vote per proposal), as the library votes. */
function voteOp(membership: Contract, ids: string[]): Operation {
  let next = 0;
  return async () => {
    const id = ids[next++];
    if (id === undefined) throw new Error('out of fresh proposals for the vote measurement');
    await submitFreshVote(membership, id);
  };
}

/**
 * The submits every dimension measures in its state: a report to each of `measured` in turn and
 * a vote on each of `proposalIds`.
 */
async function measureSubmits(
  c: Contracts,
  measured: readonly BenchFeed[],
  sign: (f: BenchFeed, r: number) => string,
  proposalIds: string[],
): Promise<Record<string, OpCost>> {
  return {
    report: await measureOp(
      'report',
      c.networkHome,
      reportOp(c.feeds, new FeedPool([...measured]), sign),
    ),
    vote: await measureOp('vote', c.networkHome, voteOp(c.membership, proposalIds)),
  };
}

/** A latest-round read of each of `measured` in turn (the rounds and feeds dimensions). */
function measureLatestRead(c: Contracts, measured: readonly BenchFeed[]): Promise<OpCost> {
  let k = 0;
  return measureOp('read latestRoundData', c.networkHome, () =>
    c.feeds.evaluateTransaction('latestRoundData', measured[k++ % measured.length]?.feedId ?? ''),
  );
}

interface Contracts {
  feeds: Contract;
  membership: Contract;
  org2Membership: Contract;
  caPem: string;
  networkHome: string;
}

/**
 * How many of `size` stored rounds the rounds dimension gives its paged feed, whose history pages
 * are measured: all of them at size 1, else at least two full pages and a record (so the first and
 * the middle page are full at every larger size) and a two-hundredth of the rest. A feed's rounds
 * are reported one after another, so this is what one feed can gather while the others seed.
 *
 * @param size - the rounds stored at this point of the dimension
 * @returns the paged feed's rounds
 */
export function pagedFeedRounds(size: number): number {
  if (size <= 1) return size;
  return Math.min(size, Math.max(2 * PAGE_SIZE + 1, Math.round(size / 200)));
}

async function roundsDimension(c: Contracts): Promise<CostDimension> {
  const oracles = newOracles(oracleCount);
  const sign = reportSigner(oracles);
  const ids = Array.from({ length: ROUND_FEEDS }, (_, i) => `cost-rounds-${String(i)}`);
  log(`creating ${String(ROUND_FEEDS)} feeds of ${String(oracleCount)} oracles and a paged one`);
  const all = await createFeeds(c.feeds, oracles, ids);
  const [paged] = await createFeeds(c.feeds, oracles, ['cost-rounds-paged']);
  if (paged === undefined) throw new Error('the paged feed was not created');
  const measured = all.slice(0, inFlight);
  const seedPool = new FeedPool(all);
  await initializeMembership(c.membership, c.org2Membership);
  let stored = 0;
  const points: CostPoint[] = [];
  for (const size of sizes('BENCH_COST_ROUNDS', '1,1000,100000')) {
    const t0 = performance.now();
    let failures = 0;
    const failed = (err: unknown) => {
      if (++failures > 100) throw new Error(`seeding rounds keeps failing: ${errorText(err)}`);
    };
    const pagedTarget = pagedFeedRounds(size);
    const poolTarget = size - pagedTarget;
    // The pool's feeds take reports in parallel; the paged feed's rounds go one after another.
    await Promise.all([
      inParallel(Math.min(seedInFlight, ROUND_FEEDS, Math.max(poolTarget, 1)), async () => {
        if (stored >= poolTarget) return false;
        stored++;
        const feed = seedPool.take();
        try {
          await c.feeds.submitTransaction('submitReport', sign(feed, feed.round + 1));
          feed.round += 1;
        } catch (err) {
          stored--;
          failed(err);
        } finally {
          seedPool.give(feed);
        }
        return true;
      }),
      (async () => {
        while (paged.round < pagedTarget) {
          try {
            await c.feeds.submitTransaction('submitReport', sign(paged, paged.round + 1));
            paged.round += 1;
          } catch (err) {
            failed(err);
          }
        }
      })(),
    ]);
    const seedSeconds = (performance.now() - t0) / 1000;
    // The state the operations are measured in, before they add rounds of their own.
    const storedRounds = all.reduce((a, f) => a + f.round, paged.round);
    log(
      `rounds: ${String(storedRounds)} stored, ${String(paged.round)} of them on the paged feed (seeding took ${seedSeconds.toFixed(0)} s)`,
    );
    const roundsOfPagedFeed = paged.round;
    const proposalIds = await createProposals(c.membership, voteProposals, c.caPem);
    const page = (bookmark: string): Promise<Uint8Array> =>
      c.feeds.evaluateTransaction('getRoundHistory', paged.feedId, String(PAGE_SIZE), bookmark);
    const middle = await middleBookmark(page);
    const ops = await measureSubmits(c, measured, sign, proposalIds);
    ops['read latestRoundData'] = await measureLatestRead(c, measured);
    ops['read getRoundData (round 1)'] = await measureOp('read getRoundData', c.networkHome, () =>
      c.feeds.evaluateTransaction('getRoundData', paged.feedId, '1'),
    );
    ops['page getRoundHistory: first'] = await measureOp('page first', c.networkHome, () =>
      page(''),
    );
    ops['page getRoundHistory: middle'] = await measureOp('page middle', c.networkHome, () =>
      page(middle.bookmark),
    );
    points.push({
      size,
      state: {
        storedRounds,
        feeds: ROUND_FEEDS,
        roundsOfPagedFeed,
        pagesOfPagedFeed: middle.pages,
        recordsPerPage: middle.firstPageRecords,
        middlePageRecords: middle.middlePageRecords,
      },
      seedSeconds,
      ops,
    });
  }
  return {
    dimension: 'rounds',
    description: `stored rounds spread over ${String(ROUND_FEEDS)} feeds of ${String(oracleCount)} oracles and a paged feed (pagedFeedRounds: its history pages and round 1 are read); reports to ${String(inFlight)} of the others`,
    measuredAt: new Date().toISOString(),
    points,
  };
}

async function feedsDimension(c: Contracts): Promise<CostDimension> {
  const oracles = newOracles(oracleCount);
  const sign = reportSigner(oracles);
  const all: BenchFeed[] = [];
  await initializeMembership(c.membership, c.org2Membership);
  const points: CostPoint[] = [];
  for (const size of sizes('BENCH_COST_FEEDS', '10,1000,10000')) {
    const t0 = performance.now();
    const ids = Array.from(
      { length: size - all.length },
      (_, i) => `cost-feeds-${String(all.length + i).padStart(6, '0')}`,
    );
    all.push(...(await createFeeds(c.feeds, oracles, ids, seedInFlight)));
    const seedSeconds = (performance.now() - t0) / 1000;
    log(`feeds: ${String(all.length)} (seeding took ${seedSeconds.toFixed(0)} s)`);
    const measured = all.slice(0, Math.min(inFlight, all.length));
    const proposalIds = await createProposals(c.membership, voteProposals, c.caPem);
    const page = (bookmark: string): Promise<Uint8Array> =>
      c.feeds.evaluateTransaction('listFeeds', String(PAGE_SIZE), bookmark);
    const middle = await middleBookmark(page);
    const ops = await measureSubmits(c, measured, sign, proposalIds);
    ops['read latestRoundData'] = await measureLatestRead(c, measured);
    ops['page listFeeds: first'] = await measureOp('page first', c.networkHome, () => page(''));
    ops['page listFeeds: middle'] = await measureOp('page middle', c.networkHome, () =>
      page(middle.bookmark),
    );
    points.push({
      size,
      state: {
        feeds: all.length,
        pages: middle.pages,
        recordsPerPage: middle.firstPageRecords,
        middlePageRecords: middle.middlePageRecords,
      },
      seedSeconds,
      ops,
    });
  }
  return {
    dimension: 'feeds',
    description: `feeds of ${String(oracleCount)} oracles; reports to ${String(inFlight)} of them`,
    measuredAt: new Date().toISOString(),
    points,
  };
}

async function membersDimension(c: Contracts): Promise<CostDimension> {
  const oracles = newOracles(oracleCount);
  const sign = reportSigner(oracles);
  const measured = await createFeeds(
    c.feeds,
    oracles,
    Array.from({ length: inFlight }, (_, i) => `cost-members-${String(i)}`),
  );
  await initializeMembership(c.membership, c.org2Membership);
  let decided = 0;
  const points: CostPoint[] = [];
  for (const members of sizes('BENCH_COST_MEMBERS', '2,50')) {
    const t0 = performance.now();
    const want = members * perMember - decided;
    if (want > 0) {
      const ids = await createProposals(c.membership, want, c.caPem, seedInFlight);
      // Org1's vote leaves each open; Org2's NO then decides it (rejected). One proposal's two
      // votes go one after the other: a vote reads the votes cast so far.
      let next = 0;
      await inParallel(Math.min(seedInFlight, ids.length), async () => {
        const id = ids[next++];
        if (id === undefined) return false;
        await submitAgreed(() => c.membership.submitTransaction('voteOnProposal', id, 'YES'));
        await submitAgreed(() => c.org2Membership.submitTransaction('voteOnProposal', id, 'NO'));
        return true;
      });
      decided += want;
    }
    const seedSeconds = (performance.now() - t0) / 1000;
    log(
      `members: ${String(members)} members' worth, ${String(decided)} decided proposals (seeding took ${seedSeconds.toFixed(0)} s)`,
    );
    const proposalIds = await createProposals(c.membership, voteProposals, c.caPem);
    const page = (bookmark: string): Promise<Uint8Array> =>
      c.membership.evaluateTransaction('listProposals', '', String(PAGE_SIZE), bookmark);
    const middle = await middleBookmark(page);
    const ops = await measureSubmits(c, measured, sign, proposalIds);
    let k = 0;
    ops['read getProposal'] = await measureOp('read getProposal', c.networkHome, () =>
      c.membership.evaluateTransaction('getProposal', proposalIds[k++ % proposalIds.length] ?? ''),
    );
    ops['page listProposals: first'] = await measureOp('page first', c.networkHome, () => page(''));
    ops['page listProposals: middle'] = await measureOp('page middle', c.networkHome, () =>
      page(middle.bookmark),
    );
    points.push({
      size: members,
      state: {
        decidedProposals: decided,
        votes: decided * 2,
        proposalsCreatedForVoteMeasurements: proposalIds.length * (points.length + 1),
        pages: middle.pages,
        recordsPerPage: middle.firstPageRecords,
        middlePageRecords: middle.middlePageRecords,
      },
      seedSeconds,
      ops,
    });
  }
  return {
    dimension: 'members',
    description: `members' worth of proposals: ${String(perMember)} proposals per member, each voted on by both of the network's two members (only members vote)`,
    measuredAt: new Date().toISOString(),
    points,
  };
}

function readCost(): CostReport | undefined {
  if (!existsSync(COST_FILE)) return undefined;
  return JSON.parse(readFileSync(COST_FILE, 'utf8')) as CostReport;
}

async function main(): Promise<void> {
  if (process.argv.includes('--print')) {
    const r = readCost();
    if (r === undefined) throw new Error(`no ${COST_FILE}; run npm run bench:cost`);
    for (const d of r.dimensions) process.stdout.write(`${curveText(d)}\n\n`);
    return;
  }
  const dimension = process.env.BENCH_COST_DIMENSION as Dimension | undefined;
  if (dimension === undefined || !DIMENSIONS.includes(dimension))
    throw new Error(`BENCH_COST_DIMENSION must be one of ${DIMENSIONS.join(', ')}`);
  const descFile = process.env.NETWORK_DESCRIPTION;
  if (descFile === undefined)
    throw new Error('NETWORK_DESCRIPTION is not set; run through `npm run bench:cost`');
  const org1 = await connection.loadNetworkDescription({ path: descFile, member: 'Org1' });
  const org2 = await connection.loadNetworkDescription({ path: descFile, member: 'Org2' });
  const a = connectBare(org1, 'admin');
  const b = connectBare(org2, 'admin');
  const c: Contracts = {
    feeds: a.gateway.getNetwork(org1.channelName).getContract('consortium', 'feeds'),
    membership: a.gateway.getNetwork(org1.channelName).getContract('membership', 'membership'),
    org2Membership: b.gateway.getNetwork(org2.channelName).getContract('membership', 'membership'),
    caPem: firstPeerTlsRoot(org1),
    networkHome: path.dirname(descFile),
  };
  log(`dimension ${dimension}`);
  try {
    const result =
      dimension === 'rounds'
        ? await roundsDimension(c)
        : dimension === 'feeds'
          ? await feedsDimension(c)
          : await membersDimension(c);
    const runId = process.env.BENCH_COST_RUN_ID ?? new Date().toISOString();
    const previous = readCost();
    const report: CostReport =
      previous?.runId === runId
        ? previous
        : {
            runId,
            machine: {
              cpus: os.cpus().length,
              model: os.cpus()[0]?.model ?? 'unknown',
              memoryGiB: Math.round(os.totalmem() / 2 ** 30),
              node: process.version,
              loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
            },
            settings: {
              durationMs,
              warmupMs,
              inFlight,
              seedInFlight,
              oraclesPerFeed: oracleCount,
              proposalsPerMember: perMember,
              pageSize: PAGE_SIZE,
              batchTimeout: process.env.BATCH_TIMEOUT ?? '0.5s',
            },
            dimensions: [],
          };
    report.dimensions = [...report.dimensions.filter((d) => d.dimension !== dimension), result];
    mkdirSync(outDir, { recursive: true });
    writeFileSync(COST_FILE, JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(`${curveText(result)}\n`);
    log(`wrote ${COST_FILE}`);
  } finally {
    a.close();
    b.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
