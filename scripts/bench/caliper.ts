/**
 * The Caliper anchor of `npm run bench` (issue 16): Hyperledger Caliper 0.6.0, the tool Fabric
 * users benchmark with, bound to `fabric:fabric-gateway`, run on the same network against the
 * same no-op chaincode (submit, then evaluate; fixed-load at the bench's knee concurrency), its
 * figures stored beside the project's in results.json. Caliper is installed at run time into a
 * cache directory outside the clone (CALIPER_HOME, default
 * ~/.cache/fabric-oracle-consortium/caliper-0.6.0), through the package registry's ordinary
 * client, once.
 *
 * Its figures differ from the bench's for a reason measured here too: the binding installs
 * fabric-gateway 1.5.0, whose signer is the pure-JS `elliptic`, while the bench's bare client
 * (fabric-gateway 1.11) signs with the noble curves, and the library's file signer hashes and signs
 * in OpenSSL. All three sign with the same key in this process and the CPU per signature of each is
 * stored.
 *
 * Environment: NETWORK_DESCRIPTION (set by scripts/bench.sh), CALIPER_HOME, BENCH_CALIPER_DURATION_S
 * (seconds per round, default 30), BENCH_CALIPER_SUBMIT_LOAD / BENCH_CALIPER_EVALUATE_LOAD
 * (transactions in flight; default the knees of noop-submit / noop-evaluate in results.json, else
 * 128 / 64), BENCH_CALIPER_SIGNATURES (signatures per signer for the CPU comparison, 2000),
 * BENCH_OUT (the results directory holding results.json).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { signers } from '@hyperledger/fabric-gateway';
import { connection, signers as librarySigners } from '@oracle-consortium/gateway';
import type { BenchReport } from './results';

const REPO_DIR = path.resolve(__dirname, '..', '..');
const CALIPER_VERSION = '0.6.0';
const home =
  process.env.CALIPER_HOME ??
  path.join(os.homedir(), '.cache', 'fabric-oracle-consortium', `caliper-${CALIPER_VERSION}`);
const outDir = process.env.BENCH_OUT ?? path.join(REPO_DIR, 'bench', 'results');
const durationS = Number(process.env.BENCH_CALIPER_DURATION_S ?? 30);
const signatures = Number(process.env.BENCH_CALIPER_SIGNATURES ?? 2000);

function log(msg: string): void {
  process.stderr.write(`[bench:caliper ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/**
 * Why Caliper's figures differ from the bench's, worded from what this run measured: the signing
 * cost is a fact of the two bindings; which figure came out lower is read from the results.
 *
 * @param rounds - Caliper's rounds
 * @param report - the bench's results, when the bench ran first
 * @returns the explanation stored beside the figures
 */
export function caliperWhy(rounds: readonly CaliperRound[], report?: BenchReport): string {
  const facts =
    "Caliper's binding installs fabric-gateway 1.5.0, which signs with the pure-JS elliptic library; the bench's bare fabric-gateway 1.11 signs with the noble curves (and the library's file signer in OpenSSL). Every transaction is signed twice by the client (proposal and envelope), and on two shared cores that client CPU comes out of the network's; Caliper's fixed-load controller also starts from a low rate and counts its ramp.";
  const compared = (['noop-submit', 'noop-evaluate'] as const).flatMap((name) => {
    const theirs = rounds.find((r) => r.name === name)?.throughput;
    const ours = report?.workloads.find((w) => w.name === name)?.knee.throughput;
    if (theirs === undefined || ours === undefined || ours <= 0) return [];
    return [`${name}: Caliper ${(theirs / ours).toFixed(2)} of the bench's knee`];
  });
  return compared.length === 0 ? facts : `${facts} In this run, ${compared.join('; ')}.`;
}

/** One Caliper round's summary line. */
export interface CaliperRound {
  /** The round's label (`noop-submit`, `noop-evaluate`). */
  name: string;
  /** Transactions that succeeded. */
  succeeded: number;
  /** Transactions that failed. */
  failed: number;
  /** The rate Caliper sent at (tx/s). */
  sendRate: number;
  /** Slowest transaction (ms). */
  maxLatencyMs: number;
  /** Fastest transaction (ms). */
  minLatencyMs: number;
  /** Mean latency (ms). */
  avgLatencyMs: number;
  /** Completed transactions per second. */
  throughput: number;
}

/**
 * Reads the summary table Caliper prints at the end of a run (`| Name | Succ | Fail | Send Rate
 * (TPS) | Max Latency (s) | Min Latency (s) | Avg Latency (s) | Throughput (TPS) |`).
 *
 * @param output - Caliper's standard output
 * @returns one entry per round, in the order printed (the last table wins when it repeats)
 * @throws Error when no summary table is found
 */
export function parseCaliperSummary(output: string): CaliperRound[] {
  const lines = output.split('\n').map((l) => l.trim());
  const found = new Map<string, CaliperRound>();
  let columns: string[] | undefined;
  for (const line of lines) {
    const m = /\|(.*)\|\s*$/.exec(line.slice(line.indexOf('|')));
    if (line.indexOf('|') < 0 || m === null) {
      columns = undefined;
      continue;
    }
    const cells = (m[1] ?? '').split('|').map((c) => c.trim());
    if (cells[0] === 'Name') {
      columns = cells;
      continue;
    }
    if (columns === undefined || cells.every((c) => /^-*$/.test(c))) continue;
    const col = (name: string): number => Number(cells[columns?.indexOf(name) ?? -1]);
    const name = cells[0] ?? '';
    found.set(name, {
      name,
      succeeded: col('Succ'),
      failed: col('Fail'),
      sendRate: col('Send Rate (TPS)'),
      maxLatencyMs: col('Max Latency (s)') * 1000,
      minLatencyMs: col('Min Latency (s)') * 1000,
      avgLatencyMs: col('Avg Latency (s)') * 1000,
      throughput: col('Throughput (TPS)'),
    });
  }
  if (found.size === 0) throw new Error('no summary table in Caliper output');
  return [...found.values()];
}

/** Installs Caliper and binds it to fabric-gateway in `home`, once. */
function ensureInstalled(): void {
  const marker = path.join(home, '.bound-fabric-gateway');
  if (existsSync(marker)) return;
  mkdirSync(home, { recursive: true });
  writeFileSync(
    path.join(home, 'package.json'),
    JSON.stringify({ name: 'caliper-anchor', private: true }, null, 2) + '\n',
  );
  log(`installing @hyperledger/caliper-cli@${CALIPER_VERSION} into ${home}`);
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', `@hyperledger/caliper-cli@${CALIPER_VERSION}`],
    { cwd: home, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  log('binding it to fabric:fabric-gateway');
  execFileSync(
    path.join(home, 'node_modules', '.bin', 'caliper'),
    ['bind', '--caliper-bind-sut', 'fabric:fabric-gateway'],
    { cwd: home, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  writeFileSync(marker, `${new Date().toISOString()}\n`);
}

/** CPU microseconds per signature of `sign` over fresh SHA-256 digests, after a warm-up. */
async function cpuPerSignature(sign: (digest: Uint8Array) => Promise<Uint8Array>): Promise<number> {
  const digests = Array.from({ length: signatures }, (_, i) =>
    createHash('sha256').update(String(i)).digest(),
  );
  for (const d of digests.slice(0, 100)) await sign(d);
  const start = process.cpuUsage();
  for (const d of digests) await sign(d);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / signatures;
}

/**
 * Caliper's signer (its fabric-gateway 1.5.0) against the bench's bare fabric-gateway and the
 * library's file signer (signMessage: hash and sign in OpenSSL), on one key.
 */
async function signingComparison(key: KeyObject): Promise<{
  ellipticUsPerSign: number;
  nobleUsPerSign: number;
  nativeUsPerSign: number;
  ratio: number;
  calipersFabricGateway: string;
  signatures: number;
}> {
  const req = createRequire(path.join(home, 'package.json'));
  const theirs = req('@hyperledger/fabric-gateway') as typeof import('@hyperledger/fabric-gateway');
  const version = (req('@hyperledger/fabric-gateway/package.json') as { version: string }).version;
  const elliptic = await cpuPerSignature(theirs.signers.newPrivateKeySigner(key));
  const noble = await cpuPerSignature(signers.newPrivateKeySigner(key));
  const ours = librarySigners.newPemSigner({
    pem: key.export({ type: 'pkcs8', format: 'pem' }),
  });
  // The library signs the message itself (a 1 KB proposal-sized one here), hashing included.
  const message = Buffer.alloc(1024, 7);
  const signMessage = ours.signMessage?.bind(ours);
  if (signMessage === undefined) throw new Error('the library file signer has no signMessage');
  const native = await cpuPerSignature(() => signMessage(message));
  return {
    ellipticUsPerSign: elliptic,
    nobleUsPerSign: noble,
    nativeUsPerSign: native,
    ratio: elliptic / noble,
    calipersFabricGateway: version,
    signatures,
  };
}

async function main(): Promise<void> {
  const descFile = process.env.NETWORK_DESCRIPTION;
  if (descFile === undefined)
    throw new Error('NETWORK_DESCRIPTION is not set; run through `npm run bench`');
  const resultsFile = path.join(outDir, 'results.json');
  const report = existsSync(resultsFile)
    ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as BenchReport)
    : undefined;
  const knee = (name: string, fallback: number): number =>
    report?.workloads.find((w) => w.name === name)?.knee.concurrency ?? fallback;
  const submitLoad = Number(process.env.BENCH_CALIPER_SUBMIT_LOAD ?? knee('noop-submit', 128));
  const evaluateLoad = Number(process.env.BENCH_CALIPER_EVALUATE_LOAD ?? knee('noop-evaluate', 64));

  ensureInstalled();
  const network = await connection.loadNetworkDescription({ path: descFile, member: 'Org1' });
  const user = network.identities.user1;
  const peer = network.peers[0];
  if (user === undefined || peer === undefined) throw new Error('no user1 or peer for Org1');
  const { hostname, port, address } = peer.endpoint;

  // The workspace lives in the cache so the workload module resolves Caliper's own packages.
  const ws = path.join(home, 'workspace');
  mkdirSync(ws, { recursive: true });
  writeFileSync(
    path.join(ws, 'noop.js'),
    `'use strict';
// The no-op of the kv chaincode, submitted or evaluated as the round's arguments say.
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
class Noop extends WorkloadModuleBase {
  async submitTransaction() {
    await this.sutAdapter.sendRequests({
      contractId: 'kv',
      contractFunction: 'noop',
      contractArguments: [],
      readOnly: this.roundArguments.readOnly,
      invokerIdentity: 'user1',
    });
  }
}
module.exports.createWorkloadModule = () => new Noop();
`,
  );
  const profile = {
    name: 'bench',
    version: '1.0.0',
    client: { organization: 'Org1' },
    organizations: { Org1: { mspid: network.mspId, peers: ['peer1-org1'] } },
    peers: {
      'peer1-org1': {
        url: `grpcs://${address ?? hostname}:${String(port)}`,
        tlsCACerts: { pem: peer.tlsRootCerts },
        grpcOptions: { 'ssl-target-name-override': hostname, 'grpc.default_authority': hostname },
      },
    },
  };
  writeFileSync(path.join(ws, 'profile.json'), JSON.stringify(profile, null, 2));
  const networkConfig = {
    name: 'bench',
    version: '2.0.0',
    caliper: { blockchain: 'fabric' },
    channels: [{ channelName: network.channelName, contracts: [{ id: 'kv' }] }],
    organizations: [
      {
        mspid: network.mspId,
        identities: {
          certificates: [
            {
              name: 'user1',
              clientPrivateKey: { path: user.privateKeyPath },
              clientSignedCert: { path: user.certificatePath },
            },
          ],
        },
        connectionProfile: { path: path.join(ws, 'profile.json'), discover: true },
      },
    ],
  };
  writeFileSync(path.join(ws, 'network.json'), JSON.stringify(networkConfig, null, 2));
  const round = (label: string, load: number, readOnly: boolean): Record<string, unknown> => ({
    label,
    txDuration: durationS,
    rateControl: { type: 'fixed-load', opts: { transactionLoad: load, startTps: 10 } },
    workload: { module: path.join(ws, 'noop.js'), arguments: { readOnly } },
  });
  const benchConfig = {
    test: {
      name: 'noop',
      description: 'the kv no-op, as the project bench measures it',
      workers: { number: 1 },
      rounds: [round('noop-submit', submitLoad, false), round('noop-evaluate', evaluateLoad, true)],
    },
  };
  writeFileSync(path.join(ws, 'bench.json'), JSON.stringify(benchConfig, null, 2));

  log(
    `Caliper ${CALIPER_VERSION}: no-op submit at ${String(submitLoad)} and evaluate at ${String(evaluateLoad)} in flight, ${String(durationS)} s each`,
  );
  const run = spawnSync(
    path.join(home, 'node_modules', '.bin', 'caliper'),
    [
      'launch',
      'manager',
      '--caliper-workspace',
      ws,
      '--caliper-networkconfig',
      path.join(ws, 'network.json'),
      '--caliper-benchconfig',
      path.join(ws, 'bench.json'),
      '--caliper-flow-only-test',
      '--caliper-report-path',
      path.join(ws, 'report.html'),
    ],
    { cwd: ws, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const output = `${run.stdout}\n${run.stderr}`;
  const logFile = path.join(path.dirname(descFile), 'logs', 'caliper.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, output);
  if (run.status !== 0)
    throw new Error(`Caliper exited with ${String(run.status)}; its log: ${logFile}`);
  const rounds = parseCaliperSummary(output);
  for (const r of rounds)
    log(
      `Caliper ${r.name}: ${r.throughput.toFixed(1)} tx/s (send rate ${r.sendRate.toFixed(1)}), average latency ${r.avgLatencyMs.toFixed(0)} ms, ${String(r.failed)} failed`,
    );

  const key = createPrivateKey(readFileSync(user.privateKeyPath));
  const signing = await signingComparison(key);
  log(
    `client CPU per signature: Caliper's fabric-gateway ${signing.calipersFabricGateway} (elliptic) ${signing.ellipticUsPerSign.toFixed(0)} µs, the library's (noble curves) ${signing.nobleUsPerSign.toFixed(0)} µs: ${signing.ratio.toFixed(1)}x`,
  );

  const caliper = {
    version: CALIPER_VERSION,
    binding: 'fabric:fabric-gateway',
    home,
    settings: { durationS, submitLoad, evaluateLoad, workers: 1, rateControl: 'fixed-load' },
    rounds,
    signing,
    why: caliperWhy(rounds, report),
  };
  if (report === undefined) {
    process.stdout.write(`${JSON.stringify(caliper, null, 2)}\n`);
    return;
  }
  report.caliper = caliper;
  writeFileSync(resultsFile, JSON.stringify(report, null, 2) + '\n');
  log(`Caliper's figures added to ${resultsFile}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
