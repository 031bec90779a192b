/**
 * `npm run bench`: measures the local network's own limit (a no-op chaincode transaction) and the
 * project's workloads against it in one run, as ratios, and writes bench/results/.
 *
 * Environment: BENCH_DURATION_MS (per measured window, default 5000), BENCH_WARMUP_MS (before
 * the windows of each knee-search level, default 3000), BENCH_REPEATS (windows per level, default
 * 3), BENCH_MAX_INFLIGHT (default 256),
 * BENCH_ONLY (comma-separated workload names), NETWORK_DESCRIPTION (set by scripts/bench.sh).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import type { Contract } from '@hyperledger/fabric-gateway';
import { connection } from '@oracle-consortium/gateway';
import { connectBare } from './fabric-client';
import {
  findKnee,
  runClosedLoop,
  runOpenLoop,
  Sequence,
  type Operation,
  type RunResult,
  type Workload,
} from './load';
import { writeReport, type BenchReport, type WorkloadResult } from './report';
import { perOperation, sampleCpu } from './cpu';
import { extraWorkloads } from './workloads';

/** Repository root: results go to bench/results/ there. */
const REPO_DIR = path.resolve(__dirname, '..', '..');

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 3000);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const maxInFlight = Number(process.env.BENCH_MAX_INFLIGHT ?? 256);
const only = (process.env.BENCH_ONLY ?? '').split(',').filter((s) => s !== '');

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

const ops = new Map<string, { op: Operation; seq: Sequence }>();

async function measure(w: Workload): Promise<WorkloadResult> {
  log(`${w.name}: setting up`);
  const op = await w.setup();
  const seq = new Sequence();
  ops.set(w.name, { op, seq });
  const { runs, knee } = await findKnee(op, seq, {
    start: w.startInFlight ?? 1,
    max: maxInFlight,
    durationMs,
    warmupMs,
    repeats,
    log: (r) => {
      log(describeRun(w.name, r));
    },
  });
  // Latency at 75% of the knee: operations offered at 0.75 x the knee's throughput (open loop),
  // so the system is loaded but not saturated.
  const home = path.dirname(process.env.NETWORK_DESCRIPTION ?? '.');
  const before = sampleCpu(home);
  const latency =
    w.inProcess === true
      ? await runClosedLoop(op, seq, Math.max(1, Math.round(knee.concurrency * 0.75)), durationMs)
      : await runOpenLoop(op, seq, Math.max(1, knee.throughput * 0.75), durationMs);
  const cpuMsPerOp = perOperation(before, sampleCpu(home), latency.completed);
  log(describeRun(`${w.name} @75% rate`, latency));
  log(`${w.name}: CPU ms per operation ${JSON.stringify(cpuMsPerOp)}`);
  return { name: w.name, description: w.description, knee, latency, runs, cpuMsPerOp };
}

/** Runs a workload and its baseline alternately at the same concurrency; returns the ratio of sums. */
async function headToHead(
  w: Workload,
  base: WorkloadResult,
): Promise<{ value: number; runs: RunResult[] }> {
  const mine = ops.get(w.name);
  const theirs = ops.get(base.name);
  if (mine === undefined || theirs === undefined) throw new Error(`no operation for ${w.name}`);
  const c = base.knee.concurrency;
  let a = 0;
  let b = 0;
  const runs: RunResult[] = [];
  for (let k = 0; k < 3; k++) {
    const rb = await runClosedLoop(theirs.op, theirs.seq, c, durationMs);
    const ra = await runClosedLoop(mine.op, mine.seq, c, durationMs);
    log(describeRun(`${base.name} (paired)`, rb));
    log(describeRun(`${w.name} (paired)`, ra));
    b += rb.throughput;
    a += ra.throughput;
    runs.push(rb, ra);
  }
  return { value: a / b, runs };
}

async function main(): Promise<void> {
  const descFile = process.env.NETWORK_DESCRIPTION;
  if (descFile === undefined)
    throw new Error('NETWORK_DESCRIPTION is not set; run through `npm run bench`');
  const org1Network = await connection.loadNetworkDescription({ path: descFile, member: 'Org1' });
  const channel = org1Network.channelName;
  const org1 = connectBare(org1Network, 'user1');
  const kv: Contract = org1.gateway.getNetwork(channel).getContract('kv');

  const base: Workload[] = [
    {
      name: 'noop-submit',
      description:
        'baseline: a chaincode transaction that reads and writes nothing, submitted through bare @hyperledger/fabric-gateway and awaited until committed',
      setup: () => Promise.resolve(async () => kv.submitTransaction('noop')),
    },
    {
      name: 'noop-evaluate',
      description:
        'baseline: the same no-op transaction evaluated (endorsement only, nothing ordered)',
      setup: () => Promise.resolve(async () => kv.evaluateTransaction('noop')),
    },
  ];
  const workloads = [...base, ...(await extraWorkloads(descFile))].filter(
    (w) => only.length === 0 || only.includes(w.name),
  );

  const results: WorkloadResult[] = [];
  for (const w of workloads) {
    try {
      results.push(await measure(w));
    } catch (err) {
      log(`${w.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  for (const w of workloads) {
    const r = results.find((x) => x.name === w.name);
    const b =
      w.baseline === undefined ? undefined : results.find((x) => x.name === w.baseline?.name);
    if (r !== undefined && b !== undefined && w.baseline !== undefined) {
      let value = r.knee.throughput / b.knee.throughput;
      let how = "knee throughput over the baseline's knee throughput";
      if (w.paired === true) {
        try {
          const paired = await headToHead(w, b);
          value = paired.value;
          r.runs.push(...paired.runs);
          how = `throughput over the baseline's, both run alternately 3 times at ${String(b.knee.concurrency)} in flight`;
        } catch (err) {
          log(
            `${w.name}: head-to-head failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
      r.ratio = {
        baseline: b.name,
        value,
        how,
        ...(w.baseline.target === undefined ? {} : { target: w.baseline.target }),
      };
    }
  }
  org1.close();

  const timings = process.env.BENCH_NETWORK_TIMINGS;
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    settings: {
      fabric: process.env.FABRIC_VERSION ?? '2.5.9',
      batchTimeout: process.env.BATCH_TIMEOUT ?? '0.5s',
      batchSize: Number(process.env.BATCH_SIZE ?? 100),
      endorsementPolicy: "OR('Org1MSP.peer','Org2MSP.peer')",
      gatewayConcurrencyLimit: 'peer default (500)',
      runMs: durationMs,
      warmupMs,
      windowsPerLevel: repeats,
      client: 'one gateway connection to peer1-org1, closed loop',
    },
    workloads: results,
    extra:
      timings === undefined || timings === ''
        ? {}
        : { 'network start time': JSON.parse(readFileSync(timings, 'utf8')) as unknown },
  };
  const files = writeReport(path.join(REPO_DIR, 'bench', 'results'), report);
  process.stdout.write(readFileSync(files[1] ?? '', 'utf8'));
  log(`wrote ${files.join(', ')}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
