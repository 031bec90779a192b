/**
 * Recovery probe: a steady submit load through the gateway library (as a client of Org1) while one
 * fault is injected, then how long recovery took and a read-back of every call. Figures, not a
 * pass/fail test. Faults (first argument):
 *   leader-kill  SIGKILL of the Raft leader (found from consensus_etcdraft_is_leader metrics)
 *   peer-stop    SIGSTOP of peer1-org1 (the library's preferred peer) for STOP_SECONDS, then SIGCONT
 *   org-down     SIGKILL of both Org1 peers; the connection lists Org2's peers as fallback
 *   quorum-loss  SIGKILL of the Raft leader and one follower (no majority) for STOP_SECONDS, then
 *                both started again
 * Killed nodes are started again with `network.sh start` after the load.
 *
 * Usage (on a network kept by scripts/with-network.sh, e.g. KEEP_NETWORK=1):
 *   NETWORK_DESCRIPTION=… NETWORK_HOME=… PORT_BASE=… \
 *     npx ts-node --transpile-only scripts/recovery-probe.ts leader-kill
 * Settings: CONCURRENCY (16), BEFORE_SECONDS (10), AFTER_SECONDS (40), STOP_SECONDS (20).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connection, signers, type Connection } from '../gateway/src';

type Fault = 'leader-kill' | 'peer-stop' | 'org-down' | 'quorum-loss';
const fault = process.argv[2] as Fault;
if (!['leader-kill', 'peer-stop', 'org-down', 'quorum-loss'].includes(fault)) {
  console.error('usage: recovery-probe.ts leader-kill|peer-stop|org-down|quorum-loss');
  process.exit(2);
}
const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const description = env('NETWORK_DESCRIPTION');
const networkHome = env('NETWORK_HOME');
const portBase = Number(env('PORT_BASE'));
const concurrency = Number(env('CONCURRENCY', '16'));
const beforeMs = Number(env('BEFORE_SECONDS', '10')) * 1000;
const afterMs = Number(env('AFTER_SECONDS', '40')) * 1000;
const stopMs = Number(env('STOP_SECONDS', '20')) * 1000;
const ORDERERS = 3;

interface Call {
  i: number;
  key: string;
  start: number;
  end: number;
  ok: boolean;
  code?: string;
  attempts?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** PID recorded by network.sh for a node (first field of its pid file). */
function pidOf(name: string): number {
  return Number(readFileSync(join(networkHome, 'pids', `${name}.pid`), 'utf8').split(' ')[0]);
}

/** Sends a signal to a node's process group (network.sh starts every node in its own session). */
function signal(name: string, sig: NodeJS.Signals): void {
  process.kill(-pidOf(name), sig);
}

async function leaders(): Promise<number[]> {
  const out: number[] = [];
  for (let n = 1; n <= ORDERERS; n++) {
    try {
      const res = await fetch(`http://127.0.0.1:${portBase + 93 + 10 * n}/metrics`, {
        signal: AbortSignal.timeout(2000),
      });
      if (/^consensus_etcdraft_is_leader\{[^}]*\} 1$/m.test(await res.text())) out.push(n);
    } catch {
      // a killed or stopped orderer does not answer
    }
  }
  return out;
}

async function connectOrg1(fallback: boolean): Promise<Connection> {
  const network = await connection.loadNetworkDescription({
    path: description,
    member: 'Org1',
    ...(fallback ? { includeOtherMembers: true } : {}),
  });
  const files = network.identities.user1;
  if (files === undefined) throw new Error(`${description} lists no user1 identity for Org1`);
  return connection.connect({
    network,
    identity: { certificate: readFileSync(files.certificatePath, 'utf8') },
    signer: await signers.newFileSigner({ path: files.privateKeyPath }),
  });
}

function figures(calls: Call[], t0: number, end: number, extra: Record<string, number>) {
  const done = calls.filter((c) => c.ok).map((c) => c.end);
  const before = done.filter((t) => t >= t0 - beforeMs + 2000 && t < t0);
  const baseline = before.length / ((beforeMs - 2000) / 1000);
  const after = done.filter((t) => t >= t0).sort((a, b) => a - b);
  let gap = 0;
  let prev = t0;
  for (const t of after) {
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  gap = Math.max(gap, end - prev);
  const firstNew = calls
    .filter((c) => c.ok && c.start >= t0)
    .reduce((m, c) => Math.min(m, c.end), Infinity);
  // Steady: the first second from which three seconds hold at least half the baseline rate.
  let steady = Infinity;
  for (let t = t0; t + 3000 <= end; t += 250) {
    const n = after.filter((x) => x >= t && x < t + 3000).length;
    if (n / 3 >= baseline / 2 && after.some((x) => x >= t && x < t + 1000)) {
      steady = t;
      break;
    }
  }
  const s = (ms: number) => (Number.isFinite(ms) ? Number((ms / 1000).toFixed(1)) : null);
  return {
    baselineTps: Number(baseline.toFixed(1)),
    longestGapAfterFaultS: s(gap),
    firstCompletionOfNewCallS: s(firstNew - t0),
    steadyThroughputS: s(steady - t0),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, s(v)])),
  };
}

async function main(): Promise<void> {
  const run = Date.now().toString(36);
  const conn = await connectOrg1(fault === 'org-down');
  const calls: Call[] = [];
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const i = next++;
      const key = `probe-${run}-${i}`;
      const start = Date.now();
      try {
        const out = await conn.submit({
          chaincode: 'kv',
          transaction: 'put',
          arguments: [key, String(i)],
        });
        calls.push({ i, key, start, end: Date.now(), ok: true, attempts: out.submitAttempts });
      } catch (err) {
        const code = (err as { code?: string }).code ?? (err as Error).name;
        calls.push({ i, key, start, end: Date.now(), ok: false, code });
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  await sleep(beforeMs);
  const t0 = Date.now();
  const extra: Record<string, number> = {};
  let restore: (() => Promise<void>) | undefined;
  if (fault === 'quorum-loss') {
    const [leader] = await leaders();
    const victims = [leader ?? 1, leader === 1 ? 2 : 1];
    for (const n of victims) signal(`orderer${n}`, 'SIGKILL');
    console.log(`killed orderer${victims[0]} and orderer${victims[1]}: no Raft majority`);
    await sleep(stopMs);
    execFileSync('bash', ['test-network/network.sh', 'start'], {
      stdio: 'ignore',
      env: process.env,
    });
    extra.restartedS = Date.now() - t0;
    console.log(`orderers started again after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } else if (fault === 'leader-kill') {
    let [leader] = await leaders();
    for (let i = 0; leader === undefined && i < 20; i++) {
      await sleep(250);
      [leader] = await leaders();
    }
    if (leader === undefined) throw new Error('no Raft leader found in the orderers’ metrics');
    signal(`orderer${leader}`, 'SIGKILL');
    console.log(`killed orderer${leader} (Raft leader)`);
    for (;;) {
      const now = await leaders();
      if (now.some((n) => n !== leader)) {
        extra.electionS = Date.now() - t0;
        console.log(`orderer${now[0]} elected after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        break;
      }
      if (Date.now() - t0 > afterMs) break;
      await sleep(100);
    }
  } else if (fault === 'peer-stop') {
    signal('peer1-org1', 'SIGSTOP');
    console.log('stopped peer1-org1 (SIGSTOP)');
    restore = () => {
      signal('peer1-org1', 'SIGCONT');
      return Promise.resolve();
    };
    setTimeout(() => {
      void restore?.();
      restore = undefined;
      console.log(`continued peer1-org1 after ${stopMs / 1000} s`);
    }, stopMs);
  } else {
    signal('peer1-org1', 'SIGKILL');
    signal('peer2-org1', 'SIGKILL');
    console.log('killed peer1-org1 and peer2-org1');
  }
  await sleep(Math.max(0, t0 + afterMs - Date.now()));
  const end = Date.now();
  stop = true;
  await Promise.all(workers);
  await restore?.();
  if (fault !== 'peer-stop') {
    execFileSync('bash', ['test-network/network.sh', 'start'], {
      stdio: 'ignore',
      env: process.env,
    });
  }
  const settledAt = Date.now();
  // Read every key back: committed calls must be there once, failed ones must not be.
  const reader = await connectOrg1(false);
  let lost = 0;
  let phantom = 0;
  let unknownCommitted = 0;
  const codes: Record<string, number> = {};
  for (const c of calls) {
    let found: boolean;
    try {
      found =
        Buffer.from(
          await reader.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [c.key] }),
        ).toString() === String(c.i);
    } catch (err) {
      if ((err as { chaincodeCode?: string }).chaincodeCode !== 'NOT_FOUND') throw err;
      found = false;
    }
    if (c.ok && !found) lost++;
    if (!c.ok) {
      codes[c.code ?? '?'] = (codes[c.code ?? '?'] ?? 0) + 1;
      if (found && c.code === 'COMMIT_STATUS_UNKNOWN') unknownCommitted++;
      else if (found) phantom++;
    }
  }
  reader.close();
  conn.close();
  const report = {
    fault,
    concurrency,
    calls: calls.length,
    committed: calls.filter((c) => c.ok).length,
    resent: calls.filter((c) => (c.attempts ?? 1) > 1).length,
    failedByCode: codes,
    lost,
    phantom,
    unknownThatCommitted: unknownCommitted,
    slowestCallS: Number((Math.max(...calls.map((c) => c.end - c.start)) / 1000).toFixed(1)),
    lastSettledAfterLoadS: Number(((settledAt - end) / 1000).toFixed(1)),
    ...figures(calls, t0, end, extra),
  };
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
