/**
 * `npm run bench:oracle-nodes`: oracle-node clusters of 4, 16 and 31 processes (f = 1, 5, 10)
 * reporting one feed each on the local network, as fast as the rounds go: a heartbeat of one
 * second and a price that moves on every request, so a round is due as soon as the last one
 * committed. For each size it prints rounds per second, the latency from a round's first
 * observation request (the leader's `round.observe`) to its commit (`transmit.committed`), p50
 * and p99, and the CPU milliseconds per round by component (the oracle nodes, peers, orderers,
 * chaincode servers, CAs and KMS), and writes bench/results/oracle-nodes.json. Figures only;
 * nothing here passes or fails.
 *
 * Environment: NETWORK_DESCRIPTION and NETWORK_HOME (set by scripts/bench-oracle-nodes.sh),
 * BENCH_NODES (sizes, default 4,16,31), BENCH_DURATION_MS (measured window per size, default
 * 40000), BENCH_WARMUP_MS (default 10000), BENCH_NODE_PORT_BASE (p2p ports from here, API ports
 * from +100; default 31000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { clients, connection, signers } from '@oracle-consortium/gateway';
import { makeNodeFiles, writeNodeConfig } from '../../test/support/oracle-node/cluster';
import { startAdapter } from '../demo/adapter';
import { perOperation, sampleCpu, type CpuSample } from './cpu';

const REPO_DIR = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO_DIR, 'oracle-node', 'dist', 'cli.js');
const sizes = (process.env.BENCH_NODES ?? '4,16,31').split(',').map(Number);
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 40000);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 10000);
const portBase = Number(process.env.BENCH_NODE_PORT_BASE ?? 31000);
const TICKS_PER_SECOND = 100;

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

interface NodeProcess {
  child: ChildProcess;
  /** `round.observe` times of rounds this node led, and `transmit.committed` times, by round. */
  observed: Map<string, number>;
  committed: Map<string, number>;
}

/** CPU milliseconds a process has used so far (user + system), 0 once it is gone. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function startNode(config: string, dir: string): NodeProcess {
  const child = spawn(process.execPath, [CLI, 'start', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const node: NodeProcess = { child, observed: new Map(), committed: new Map() };
  const file = createWriteStream(path.join(dir, 'node.log'), { flags: 'a' });
  createInterface({ input: child.stdout }).on('line', (line) => {
    file.write(line + '\n');
    let e: { time?: string; msg?: string; roundId?: unknown; attempt?: unknown };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      return;
    }
    const at = Date.parse(e.time ?? '');
    const round = typeof e.roundId === 'string' ? e.roundId : String(e.roundId);
    // A round's first attempt starts when its leader asks for observations.
    if (e.msg === 'round.observe' && !node.observed.has(round)) node.observed.set(round, at);
    if (e.msg === 'transmit.committed') node.committed.set(round, at);
  });
  child.stderr.pipe(file);
  return node;
}

async function stopAll(nodes: NodeProcess[]): Promise<void> {
  await Promise.all(
    nodes.map(async ({ child }) => {
      if (child.pid === undefined || child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => {
        child.once('exit', () => {
          resolve();
        });
      });
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

async function waitReady(apiPort: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${String(apiPort)}/readyz`);
      if (((await res.json()) as { ready?: unknown }).ready === true) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > end) throw new Error(`oracle node on ${String(apiPort)} not ready`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface SizeResult {
  nodes: number;
  f: number;
  rounds: number;
  roundsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  cpuMsPerRound: CpuSample;
}

async function measureSize(
  n: number,
  descriptionPath: string,
  networkHome: string,
): Promise<SizeResult> {
  const f = Math.floor((n - 1) / 3);
  const network = await connection.loadNetworkDescription({
    path: descriptionPath,
    member: 'Org1',
  });
  const admin = network.identities.admin;
  const user = network.identities.user1;
  if (admin === undefined || user === undefined) {
    throw new Error('the description lists no admin and user1 identities for Org1');
  }
  const conn = connection.connect({
    network,
    identity: { certificate: readFileSync(admin.certificatePath, 'utf8') },
    signer: await signers.newFileSigner({ path: admin.privateKeyPath }),
  });
  const feeds = clients.newFeedsClient({ connection: conn });
  const run = Date.now().toString(36);
  const feedId = `bench-${String(n)}-${run}`;
  const ids = Array.from({ length: n }, (_, i) => `bench-${run}-${String(i)}`);
  const root = mkdtempSync(path.join(tmpdir(), `bench-oracles-${String(n)}-`));
  const files = await makeNodeFiles(root, ids);
  await feeds.createFeed({
    feedId,
    description: `ETH / USD, ${String(n)} oracle nodes (benchmark)`,
    decimals: 8,
    oracles: files.map((x) => ({ id: x.oracleId, publicKey: x.publicKey })),
    f,
    heartbeatSeconds: 1,
    deviationThresholdPpb: 1000,
  });
  const adapter = await startAdapter();
  // Every node submits as Org1's user1: the chaincode checks the oracles' report signatures, not
  // who submits, and one Fabric identity keeps the setup to the nodes' own keys.
  const fabric = [
    `networkDescription = ${JSON.stringify(descriptionPath)}`,
    'member = "Org1"',
    `certificate = ${JSON.stringify(user.certificatePath)}`,
    `key = { type = "file", path = ${JSON.stringify(user.privateKeyPath)} }`,
  ].join('\n');
  const nodes = files.map((file, i) =>
    startNode(
      writeNodeConfig({
        index: i,
        all: files,
        p2pBase: portBase,
        apiBase: portBase + 100,
        adapters: [adapter.url],
        feedId,
        fabric,
        job: 'threshold = 0.00001\nidleTimerPeriod = "1s"\npollTimerPeriod = "500ms"',
        rounds:
          'progressTimeout = "10s"\ngrace = "300ms"\nrequestTimeout = "5s"\ntransmitStagger = "6s"',
        sourceTimeout: '2s',
      }),
      file.dir,
    ),
  );
  try {
    for (let i = 0; i < n; i++) await waitReady(portBase + 100 + i, 120_000);
    log(`${String(n)} nodes ready (f = ${String(f)}); warming up ${String(warmupMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, warmupMs));
    const cpuBefore = sampleCpu(networkHome);
    const nodesBefore = nodes.reduce((s, x) => s + processCpuMs(x.child.pid), 0);
    const from = Date.now();
    await new Promise((r) => setTimeout(r, durationMs));
    const to = Date.now();
    const cpuAfter = sampleCpu(networkHome);
    const nodesAfter = nodes.reduce((s, x) => s + processCpuMs(x.child.pid), 0);
    // Rounds committed inside the window, each counted once (any node's commit), with the
    // latency from its leader's first observation request.
    const committedAt = new Map<string, number>();
    const observedAt = new Map<string, number>();
    for (const x of nodes) {
      for (const [r, t] of x.committed) committedAt.set(r, Math.min(t, committedAt.get(r) ?? t));
      for (const [r, t] of x.observed) observedAt.set(r, Math.min(t, observedAt.get(r) ?? t));
    }
    const inWindow = [...committedAt].filter(([, t]) => t >= from && t < to);
    const latencies = inWindow
      .map(([r, t]) => t - (observedAt.get(r) ?? Number.NaN))
      .filter((x) => Number.isFinite(x))
      .sort((a, b) => a - b);
    const rounds = inWindow.length;
    const cpu = perOperation(
      { ...cpuBefore, 'oracle nodes': nodesBefore },
      { ...cpuAfter, 'oracle nodes': nodesAfter },
      rounds,
    );
    // The client here is this script, idle while the nodes work: not a component of a round.
    delete cpu.client;
    cpu.total = Object.entries(cpu)
      .filter(([k]) => k !== 'total')
      .reduce((s, [, v]) => Math.round((s + v) * 100) / 100, 0);
    return {
      nodes: n,
      f,
      rounds,
      roundsPerSecond: Math.round((rounds / ((to - from) / 1000)) * 100) / 100,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      cpuMsPerRound: cpu,
    };
  } finally {
    await stopAll(nodes);
    await adapter.close();
    conn.close();
  }
}

async function main(): Promise<void> {
  const descriptionPath = process.env.NETWORK_DESCRIPTION;
  const networkHome = process.env.NETWORK_HOME;
  if (descriptionPath === undefined || networkHome === undefined) {
    throw new Error(
      'NETWORK_DESCRIPTION and NETWORK_HOME must be set (scripts/bench-oracle-nodes.sh)',
    );
  }
  const results: SizeResult[] = [];
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 4 || n > 31)
      throw new Error(`BENCH_NODES: ${String(n)} is not 4-31`);
    const r = await measureSize(n, descriptionPath, networkHome);
    results.push(r);
    log(
      `${String(n)} nodes: ${String(r.rounds)} rounds, ${r.roundsPerSecond.toFixed(2)}/s, p50 ${String(r.latencyP50Ms)} ms, p99 ${String(r.latencyP99Ms)} ms`,
    );
  }
  const components = [...new Set(results.flatMap((r) => Object.keys(r.cpuMsPerRound)))];
  const lines = [
    `oracle-node clusters, one feed each, heartbeat 1 s, ${String(durationMs / 1000)} s measured after ${String(warmupMs / 1000)} s warm-up`,
    '',
    `| nodes (f) | rounds | rounds/s | observe->commit p50 ms | p99 ms | ${components.map((c) => `CPU ms/round ${c}`).join(' | ')} |`,
    `| --- | --- | --- | --- | --- | ${components.map(() => '---').join(' | ')} |`,
    ...results.map(
      (r) =>
        `| ${String(r.nodes)} (${String(r.f)}) | ${String(r.rounds)} | ${r.roundsPerSecond.toFixed(2)} | ${String(r.latencyP50Ms)} | ${String(r.latencyP99Ms)} | ${components.map((c) => String(r.cpuMsPerRound[c] ?? '')).join(' | ')} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const out = path.join(REPO_DIR, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'oracle-nodes.json'),
    `${JSON.stringify({ date: new Date().toISOString(), durationMs, warmupMs, results }, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
