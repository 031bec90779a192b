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
 * the vote workload creates, default 4000), BENCH_PROBE_CHAINCODE (chaincode names, comma
 * separated: each run also profiles every server of those chaincodes and prints where their main
 * thread's time went per transaction, see chaincode-profile.ts; the network must have been started
 * with CHAINCODE_INSPECT=1).
 */
import * as path from 'node:path';
import { connection } from '@oracle-consortium/gateway';
import {
  addGrouped,
  chaincodeServers,
  formatGrouped,
  groupProfile,
  PROFILE_GROUP_MEANING,
  PROFILE_GROUPS,
  profileServers,
  ranTransactions,
} from './chaincode-profile';
import { perOperation, sampleCpu } from './cpu';
import { connectBare } from './fabric-client';
import { runSteady, Sequence } from './load';
import { benchSettings, envNumber } from './settings';
import { baselineWorkloads, errorText, extraWorkloads, probeWorkloads } from './workloads';

/**
 * V8's sampling interval for the chaincode profile: every 2 ms. Each sample costs the server CPU
 * whether it is busy or not, and twice V8's default interval halves that, with thousands of samples
 * per run still.
 */
const PROFILE_INTERVAL_US = 2000;

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
  const profiled = (env.BENCH_PROBE_CHAINCODE ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  // Found before anything runs, so a network started without inspector ports is refused at once.
  const profiledChaincodes = profiled.map((chaincode) => ({
    chaincode,
    servers: chaincodeServers(networkHome, chaincode),
  }));
  if (profiledChaincodes.length > 0) {
    process.stdout.write(
      `chaincode profile groups:\n${PROFILE_GROUPS.map((g) => `  ${g}: ${PROFILE_GROUP_MEANING[g]}`).join('\n')}\n`,
    );
  }
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
    const { result: r, profiles } = await profileServers(
      profiledChaincodes.flatMap((c) => c.servers),
      () => runSteady(op, seq, inFlight, options),
      PROFILE_INTERVAL_US,
    );
    // Every operation started (warm-up included) has finished when runSteady returns, and the CPU
    // was sampled, and the chaincode servers profiled, around all of them.
    const completed = seq.take() - r.failed;
    const cpu = perOperation(before, sampleCpu(networkHome), completed);
    process.stdout.write(
      `${name}: ${String(inFlight)} in flight -> ${r.throughput.toFixed(1)} tx/s (spread ${((r.spread ?? 0) * 100).toFixed(0)}%), p50 ${r.p50Ms.toFixed(0)} ms, ${String(r.failed)} failed${r.firstError === undefined ? '' : ` (${r.firstError})`}\n  CPU ms/tx ${JSON.stringify(cpu)}\n`,
    );
    let at = 0;
    for (const c of profiledChaincodes) {
      const grouped = profiles.slice(at, at + c.servers.length).map((p) => groupProfile(p));
      at += c.servers.length;
      // A server that ran no transaction shows only the profiler's own cost; it is left out.
      const busy = grouped.filter((g) => ranTransactions(g));
      process.stdout.write(
        `  chaincode ${c.chaincode} (${String(busy.length)} of ${String(c.servers.length)} servers ran transactions), ${formatGrouped(addGrouped(busy), completed)}\n`,
      );
    }
  }
  org1.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${errorText(err)}\n`);
  process.exit(1);
});
