/**
 * A quick look at chosen workloads on a running bench network, for working on their cost: each
 * runs at one fixed number in flight (no knee search) through a warm-up and measured windows, and
 * prints throughput, p50 and the CPU milliseconds per transaction by component. Nothing is written
 * to bench/results; the figures are for comparing two versions of a contract in the same session.
 *
 * Run on a network left up by the bench (`KEEP_NETWORK=1 BENCH_ONLY=none npm run bench`):
 *   NETWORK_DESCRIPTION=.network/bench/network.json \
 *     npx ts-node --transpile-only scripts/bench/probe.ts noop-submit-majority membership-vote
 * Environment: BENCH_PROBE_INFLIGHT (default 128), BENCH_DURATION_MS (per window, default 10000),
 * BENCH_WARMUP_MS (default 3000), BENCH_REPEATS (windows, default 2), BENCH_PROPOSALS (proposals
 * the vote workload creates, default 4000).
 */
import * as path from 'node:path';
import { connection } from '@oracle-consortium/gateway';
import { perOperation, sampleCpu } from './cpu';
import { connectBare } from './fabric-client';
import { runSteady, Sequence } from './load';
import { benchSettings, envNumber } from './settings';
import { baselineWorkloads, errorText, extraWorkloads, probeWorkloads } from './workloads';

async function main(): Promise<void> {
  const descFile = process.env.NETWORK_DESCRIPTION;
  if (descFile === undefined) throw new Error('NETWORK_DESCRIPTION is not set');
  const names = process.argv.slice(2);
  if (names.length === 0) throw new Error('name the workloads to probe');
  const env = process.env;
  const count = (unit: string) => ({ min: 1, integer: true, unit });
  const inFlight = envNumber(env, 'BENCH_PROBE_INFLIGHT', 128, count('transactions in flight'));
  const options = {
    warmupMs: envNumber(env, 'BENCH_WARMUP_MS', 3000, { ...count('milliseconds'), min: 0 }),
    windowMs: envNumber(env, 'BENCH_DURATION_MS', 10_000, count('milliseconds')),
    windows: envNumber(env, 'BENCH_REPEATS', 2, count('windows')),
  };
  const networkHome = path.dirname(descFile);
  const org1Network = await connection.loadNetworkDescription({ path: descFile, member: 'Org1' });
  const org1 = connectBare(org1Network, 'user1');
  const channel = org1.gateway.getNetwork(org1Network.channelName);
  const all = [
    ...baselineWorkloads(channel),
    ...probeWorkloads(channel),
    // Fewer proposals than a bench run: a probe votes for seconds, not minutes.
    ...(await extraWorkloads(descFile, benchSettings({ BENCH_PROPOSALS: '4000', ...env }))),
  ];
  for (const name of names) {
    const w = all.find((x) => x.name === name);
    if (w === undefined)
      throw new Error(`no workload ${name}: ${all.map((x) => x.name).join(', ')}`);
    const op = await w.setup();
    process.stderr.write(`${name}: set up; running\n`);
    const seq = new Sequence();
    const before = sampleCpu(networkHome);
    const r = await runSteady(op, seq, inFlight, options);
    // Every operation started (warm-up included) has finished when runSteady returns, and the CPU
    // was sampled around all of them.
    const cpu = perOperation(before, sampleCpu(networkHome), seq.take() - r.failed);
    process.stdout.write(
      `${name}: ${String(inFlight)} in flight -> ${r.throughput.toFixed(1)} tx/s (spread ${((r.spread ?? 0) * 100).toFixed(0)}%), p50 ${r.p50Ms.toFixed(0)} ms, ${String(r.failed)} failed${r.firstError === undefined ? '' : ` (${r.firstError})`}\n  CPU ms/tx ${JSON.stringify(cpu)}\n`,
    );
  }
  org1.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${errorText(err)}\n`);
  process.exit(1);
});
