/**
 * `npm run bench`: measures the local network's own limit (a no-op chaincode transaction) and the
 * project's workloads against it in one run, as ratios, and writes bench/results/.
 *
 * Environment: BENCH_DURATION_MS (per measured window, default 5000), BENCH_WARMUP_MS (before
 * the windows of each knee-search level, default 3000), BENCH_REPEATS (windows per level, default
 * 3), BENCH_MAX_INFLIGHT (default 256), BENCH_ONLY (comma-separated workload names, or none),
 * BENCH_LATENCY_WARMUP_MS (offered load before each latency run's measurement, default 2000),
 * BENCH_NOISY_SPREAD (spread across a level's windows above which the run is called noisy, default
 * 0.1), BENCH_OUT (output directory, default bench/results; smoke runs write elsewhere),
 * BENCH_PROPOSALS (the vote workload's proposals, default 16000), NETWORK_DESCRIPTION (set by
 * scripts/bench.sh). settings.ts reads and checks them.
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { connection } from '@oracle-consortium/gateway';
import { connectBare } from './fabric-client';
import {
  findKnee,
  runClosedLoop,
  runLatencyAtShare,
  runSteady,
  Sequence,
  type Operation,
  type RunResult,
  type Workload,
} from './load';
import { noiseOf, writeReport } from './report';
import type { BenchReport, WorkloadResult } from './results';
import { perOperation, sampleCpu, settle, type CpuSample } from './cpu';
import {
  HEAD_TO_HEAD_RUNS,
  cpuRatio,
  evaluateTargets,
  type PairedRun,
  type Ratio,
} from './targets';
import { KV_MAJORITY, baselineWorkloads, errorText, extraWorkloads } from './workloads';
import { WORKLOAD_NAMES, benchSettings } from './settings';

/** Repository root: results go to bench/results/ there. */
const REPO_DIR = path.resolve(__dirname, '..', '..');

const settings = benchSettings();
const { durationMs, warmupMs, repeats, maxInFlight, only, noisyThreshold, latencyWarmupMs } =
  settings;
/** Where results go: bench/results/ unless BENCH_OUT names another directory (smoke runs). */
const outDir = process.env.BENCH_OUT ?? path.join(REPO_DIR, 'bench', 'results');
const networkHome = path.dirname(process.env.NETWORK_DESCRIPTION ?? '.');
/** Alternating runs of a paired workload and its baseline. */

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function describeRun(name: string, r: RunResult): string {
  const spread =
    r.windows === undefined
      ? ''
      : ` (windows ${r.windows.map((t) => t.toFixed(0)).join('/')}, spread ${((r.spread ?? 0) * 100).toFixed(0)}%)`;
  return `${name}: ${String(r.concurrency)} in flight -> ${r.throughput.toFixed(1)} tx/s${spread}, p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms, ${String(r.failed)} failed${r.firstError === undefined ? '' : ` (${r.firstError})`}`;
}

/** A set-up workload's operation, its sequence and its refill, for the head-to-head runs. */
interface ReadyOperation {
  readonly op: Operation;
  readonly seq: Sequence;
  readonly refill?: () => Promise<void>;
}

const ops = new Map<string, ReadyOperation>();

/** Measured windows of each head-to-head run (after the knee search's warm-up). */
const HEAD_TO_HEAD_WINDOWS = 2;

/**
 * One steady run outside the knee search, a head-to-head run or a latency run's basis: the knee
 * search's warm-up, then {@link HEAD_TO_HEAD_WINDOWS} windows, so the two are measured alike.
 */
const STEADY_RUN = { warmupMs, windowMs: durationMs, windows: HEAD_TO_HEAD_WINDOWS } as const;

/** The share of the sustained rate (or, in process, of the knee's concurrency) the latency run offers. */
const LATENCY_SHARE = 0.75;

/** Waits for the network to go quiet before a measured run, and logs the wait. */
async function settleNetwork(what: string): Promise<void> {
  const s = await settle(networkHome);
  log(
    `${what}: network ${s.quiet ? 'quiet' : 'still busy'} after ${(s.waitedMs / 1000).toFixed(1)} s (${s.lastMsPerSecond.toFixed(0)} CPU ms/s)`,
  );
}

async function measure(w: Workload): Promise<WorkloadResult> {
  log(`${w.name}: setting up`);
  const op = await w.setup();
  await settleNetwork(`${w.name} knee search`);
  const seq = new Sequence();
  ops.set(w.name, { op, seq, ...(w.refill === undefined ? {} : { refill: w.refill }) });
  const { runs, knee } = await findKnee(op, seq, {
    start: w.startInFlight ?? 1,
    max: maxInFlight,
    durationMs,
    warmupMs,
    repeats,
    log: (r) => {
      log(describeRun(w.name, r));
    },
    sampleCpu: () => sampleCpu(networkHome),
    ...(w.refill === undefined ? {} : { beforeLevel: w.refill }),
  });
  // Latency at 75% of the knee: operations offered at 0.75 x the rate the workload sustains at
  // the knee's concurrency in a steady run just before (open loop), so the system is loaded but
  // not saturated. The knee search's own figure is minutes old by then, and on this shared machine
  // 75% of it was an overload once (d8248bf: the no-op offered 182 tx/s, carried 147.5, p50 1,079
  // ms). Each run starts once the network is quiet, the latency run after a warm-up at its own
  // rate, so neither a backlog nor an empty pipeline is in its figures.
  await w.refill?.();
  let before = sampleCpu(networkHome);
  const startMeasuring = (): void => {
    before = sampleCpu(networkHome);
  };
  let latency: RunResult;
  let latencyBasis: RunResult | undefined;
  if (w.inProcess === true) {
    await settleNetwork(`${w.name} latency run`);
    latency = await runClosedLoop(
      op,
      seq,
      Math.max(1, Math.round(knee.concurrency * LATENCY_SHARE)),
      durationMs,
      latencyWarmupMs,
      startMeasuring,
    );
  } else {
    await settleNetwork(`${w.name} latency basis`);
    const r = await runLatencyAtShare(op, seq, {
      share: LATENCY_SHARE,
      concurrency: knee.concurrency,
      steady: STEADY_RUN,
      durationMs,
      open: { warmupMs: latencyWarmupMs, onMeasureStart: startMeasuring },
      between: async (basis) => {
        log(describeRun(`${w.name} latency basis`, basis));
        await w.refill?.();
        await settleNetwork(`${w.name} latency run`);
      },
    });
    latency = r.latency;
    latencyBasis = r.basis;
  }
  const cpuMsPerOp = perOperation(before, sampleCpu(networkHome), latency.completed);
  log(describeRun(`${w.name} @75% rate`, latency));
  log(`${w.name}: CPU ms per operation ${JSON.stringify(cpuMsPerOp)}`);
  return {
    name: w.name,
    description: w.description,
    knee,
    latency,
    ...(latencyBasis === undefined ? {} : { latencyBasis }),
    runs,
    cpuMsPerOp,
    ...(w.submit === true ? { submit: true } : {}),
  };
}

/**
 * One head-to-head run: a steady-state run as a knee-search level is (the same warm-up, then two
 * windows), with the CPU every component spent per operation over the windows. A short run with a
 * one-second warm-up measured a workload whose latency is two seconds at 256 in flight before its
 * pipeline was full, and so favoured the lighter side of a pair.
 */
async function runWithCpu(
  o: ReadyOperation,
  concurrency: number,
): Promise<{ run: RunResult; cpu: CpuSample }> {
  await o.refill?.();
  await settleNetwork('head-to-head run');
  const run = await runSteady(o.op, o.seq, concurrency, {
    ...STEADY_RUN,
    sampleCpu: () => sampleCpu(networkHome),
  });
  return { run, cpu: run.cpuMsPerOp ?? {} };
}

/**
 * Runs a workload and its baseline alternately at the same concurrency, three times; each run's
 * ratio is reported (the library's target must hold in every one), and the series' ratio of sums.
 */
async function headToHead(
  w: Workload,
  own: WorkloadResult,
  base: WorkloadResult,
): Promise<{ value: number; runs: RunResult[]; pairs: PairedRun[]; concurrency: string }> {
  const mine = ops.get(w.name);
  const theirs = ops.get(base.name);
  if (mine === undefined || theirs === undefined) throw new Error(`no operation for ${w.name}`);
  const c = base.knee.concurrency;
  const cMine = w.paired === 'own-knee' ? own.knee.concurrency : c;
  let a = 0;
  let b = 0;
  const runs: RunResult[] = [];
  const pairs: PairedRun[] = [];
  for (let k = 0; k < HEAD_TO_HEAD_RUNS; k++) {
    // The order switches each pair, so a machine that speeds up or slows down through a pair
    // favours neither side.
    const baselineFirst = k % 2 === 0;
    const first = await runWithCpu(baselineFirst ? theirs : mine, baselineFirst ? c : cMine);
    const second = await runWithCpu(baselineFirst ? mine : theirs, baselineFirst ? cMine : c);
    const rb = baselineFirst ? first : second;
    const ra = baselineFirst ? second : first;
    log(describeRun(`${base.name} (paired ${String(k + 1)})`, rb.run));
    log(describeRun(`${w.name} (paired ${String(k + 1)})`, ra.run));
    b += rb.run.throughput;
    a += ra.run.throughput;
    runs.push(rb.run, ra.run);
    pairs.push({
      baselineThroughput: rb.run.throughput,
      throughput: ra.run.throughput,
      baselineCpuMsPerOp: rb.cpu,
      cpuMsPerOp: ra.cpu,
    });
  }
  return {
    value: a / b,
    runs,
    pairs,
    concurrency:
      cMine === c
        ? `at ${String(c)} in flight`
        : `each at its own knee (${String(cMine)} and ${String(c)} in flight)`,
  };
}

/** Name and version of an installed package, read from its package.json. */
function packageVersion(name: string): string {
  try {
    const file = path.join(REPO_DIR, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR });
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: REPO_DIR,
    });
    return `${head.toString().trim()}${dirty.length > 0 ? ' (uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const descFile = process.env.NETWORK_DESCRIPTION;
  if (descFile === undefined)
    throw new Error('NETWORK_DESCRIPTION is not set; run through `npm run bench`');
  const loadAtStart = os.loadavg();
  const startedAt = new Date().toISOString();
  const org1Network = await connection.loadNetworkDescription({ path: descFile, member: 'Org1' });
  const channel = org1Network.channelName;
  const org1 = connectBare(org1Network, 'user1');
  const base = baselineWorkloads(org1.gateway.getNetwork(channel));
  const all = [...base, ...(await extraWorkloads(descFile, settings))];
  const built = all.map((w) => w.name).join(', ');
  if (built !== WORKLOAD_NAMES.join(', ')) {
    throw new Error(
      `settings.ts's WORKLOAD_NAMES (${WORKLOAD_NAMES.join(', ')}) differ from the workloads built (${built})`,
    );
  }
  const workloads = all.filter((w) => only.length === 0 || only.includes(w.name));

  const results: WorkloadResult[] = [];
  for (const w of workloads) {
    try {
      results.push(await measure(w));
    } catch (err) {
      log(`${w.name} failed: ${errorText(err)}`);
    }
  }
  for (const w of workloads) {
    const r = results.find((x) => x.name === w.name);
    const b =
      w.baseline === undefined ? undefined : results.find((x) => x.name === w.baseline?.name);
    if (r === undefined || b === undefined || w.baseline === undefined) continue;
    const cpuValue = cpuRatio(b.cpuMsPerOp, r.cpuMsPerOp);
    const ratio: Ratio = {
      baseline: b.name,
      value: r.knee.throughput / b.knee.throughput,
      how: "knee throughput over the baseline's knee throughput; CPU: the baseline's CPU ms per transaction over the workload's, both in the run at 75% of the knee",
      ...(cpuValue === undefined ? {} : { cpuValue }),
      ...(w.baseline.target === undefined ? {} : { target: w.baseline.target }),
    };
    if (w.paired !== undefined && w.paired !== false) {
      try {
        const paired = await headToHead(w, r, b);
        r.runs.push(...paired.runs);
        r.paired = paired.pairs;
        const cpuRuns = paired.pairs.map((p) => cpuRatio(p.baselineCpuMsPerOp, p.cpuMsPerOp));
        ratio.value = paired.value;
        ratio.runs = paired.pairs.map((p) => p.throughput / p.baselineThroughput);
        const pairedCpu = cpuRuns.every((v) => v !== undefined);
        if (pairedCpu) {
          ratio.cpuRuns = cpuRuns;
          ratio.cpuValue = cpuRuns.reduce((x, y) => x + y, 0) / cpuRuns.length;
        }
        ratio.how = `throughput over the baseline's, both run ${String(HEAD_TO_HEAD_RUNS)} times in pairs ${paired.concurrency} (the baseline first in the 1st, 3rd, … pair, the workload first in the others), each run a ${String(warmupMs / 1000)} s warm-up and ${String(HEAD_TO_HEAD_WINDOWS)} windows of ${String(durationMs / 1000)} s (each run's ratio listed; the headline is the ratio of the sums); CPU: ${
          pairedCpu
            ? "the baseline's CPU ms per transaction over the workload's in each pair, the headline their mean"
            : 'a pair lacked CPU figures, so the CPU ratio is the one from the runs at 75% of the knee'
        }`;
      } catch (err) {
        log(`${w.name}: head-to-head failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    r.ratio = ratio;
  }
  org1.close();

  const batchTimeout = process.env.BATCH_TIMEOUT ?? '0.5s';
  const timings = process.env.BENCH_NETWORK_TIMINGS;
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      loadAverageAtStart: loadAtStart.map((v) => Math.round(v * 100) / 100),
      loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
    },
    versions: {
      fabric: process.env.FABRIC_VERSION ?? '2.5.9',
      '@hyperledger/fabric-gateway': packageVersion('@hyperledger/fabric-gateway'),
      '@grpc/grpc-js': packageVersion('@grpc/grpc-js'),
      'fabric-contract-api (chaincode)': packageVersion('fabric-contract-api'),
      typescript: packageVersion('typescript'),
      commit: gitCommit(),
    },
    settings: {
      batchTimeout,
      batchSize: Number(process.env.BATCH_SIZE ?? 100),
      endorsementPolicy: `kv and consortium: OR('Org1MSP.peer','Org2MSP.peer'); ${KV_MAJORITY} and membership: the channel default, MAJORITY`,
      gatewayConcurrencyLimit: 'peer default (500)',
      windowMs: durationMs,
      warmupMs,
      windowsPerLevel: repeats,
      maxInFlight,
      headToHeadRuns: HEAD_TO_HEAD_RUNS,
      noisySpread: noisyThreshold,
      client: 'one gateway connection to peer1-org1, closed loop',
    },
    workloads: results,
    targets: evaluateTargets(results, batchTimeout),
    noise: noiseOf(results, noisyThreshold),
    extra:
      timings === undefined || timings === ''
        ? {}
        : { 'network start time': JSON.parse(readFileSync(timings, 'utf8')) as unknown },
  };
  const files = writeReport(outDir, report);
  process.stdout.write(readFileSync(files[1] ?? '', 'utf8'));
  log(`wrote ${files.join(', ')}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
