/**
 * Where the CPU goes during a run: CPU time of every process group the network started (each node
 * runs in its own session, recorded in NETWORK_HOME/pids) and of this client process, read from
 * /proc before and after, grouped as peers, orderers, chaincode servers, CAs and KMS, client.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cpuPerOperation } from './load';

const TICKS_PER_SECOND = 100;

/** CPU milliseconds per component. */
export type CpuSample = Record<string, number>;

function component(node: string): string {
  if (node.startsWith('peer')) return 'peers';
  if (node.startsWith('orderer')) return 'orderers';
  if (node.startsWith('cc-')) return 'chaincode';
  return 'cas+kms';
}

/** One process as /proc/<pid>/stat shows it. */
export interface ProcStat {
  /** Its process id. */
  readonly pid: number;
  /** Its command name (at most 15 characters, as the kernel keeps it). */
  readonly comm: string;
  /** Its process group. */
  readonly pgrp: number;
  /** The CPU it has used, user and system, in clock ticks. */
  readonly ticks: number;
}

/**
 * Every process /proc lists now; one that exits while the list is read is left out.
 *
 * @returns the processes' stat lines, parsed
 */
export function procStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised command name: state(3) ppid(4) pgrp(5) ... utime(14) stime(15).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.push({
      pid: Number(entry),
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      pgrp: Number(rest[2]),
      ticks: Number(rest[11]) + Number(rest[12]),
    });
  }
  return out;
}

function groupTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const p of procStats()) ticks.set(p.pgrp, (ticks.get(p.pgrp) ?? 0) + p.ticks);
  return ticks;
}

/** Reads the CPU time used so far by each component of the network in `networkHome`, and by us. */
export function sampleCpu(networkHome: string): CpuSample {
  const out: CpuSample = { client: 0, peers: 0, orderers: 0, chaincode: 0, 'cas+kms': 0 };
  const ticks = groupTicks();
  const pids = path.join(networkHome, 'pids');
  let files: string[] = [];
  try {
    files = readdirSync(pids).filter((f) => f.endsWith('.pid'));
  } catch {
    return out;
  }
  for (const f of files) {
    const pid = Number(readFileSync(path.join(pids, f), 'utf8').trim().split(/\s+/)[0]);
    const c = component(f.replace(/\.pid$/, ''));
    out[c] = (out[c] ?? 0) + ((ticks.get(pid) ?? 0) * 1000) / TICKS_PER_SECOND;
  }
  const usage = process.cpuUsage();
  out.client = (usage.user + usage.system) / 1000;
  return out;
}

/** CPU milliseconds per completed operation, by component, between two samples. */
export const perOperation: (before: CpuSample, after: CpuSample, completed: number) => CpuSample =
  cpuPerOperation;

/** The network's CPU milliseconds in a sample: every component but this client. */
function networkMs(sample: CpuSample): number {
  return Object.entries(sample)
    .filter(([k]) => k !== 'client')
    .reduce((sum, [, v]) => sum + v, 0);
}

/** How {@link settle} decides the network is quiet. */
export interface SettleOptions {
  /** Length of each sampling interval (ms, default 500). */
  readonly intervalMs?: number;
  /** The network's CPU use below which an interval counts as quiet (ms per second, default 100). */
  readonly quietMsPerSecond?: number;
  /** Quiet intervals in a row needed (default 2). */
  readonly quietIntervals?: number;
  /** Longest wait (ms, default 30,000). */
  readonly maxWaitMs?: number;
}

/**
 * Waits until the network's processes are quiet: after a saturating run, peers other than the
 * one the client waited on may still be validating and committing blocks for seconds, and a run
 * started then pays for that work in its latency and its CPU figures.
 *
 * @param networkHome - the network's state directory (its `pids/`)
 * @param opts - interval, threshold and limits
 * @returns how long it waited, and the network's CPU use in the last interval (ms per second)
 */
export async function settle(
  networkHome: string,
  opts: Readonly<SettleOptions> = {},
): Promise<{ waitedMs: number; lastMsPerSecond: number; quiet: boolean }> {
  const intervalMs = opts.intervalMs ?? 500;
  const quietMsPerSecond = opts.quietMsPerSecond ?? 100;
  const needed = opts.quietIntervals ?? 2;
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  const start = performance.now();
  let quietInRow = 0;
  let last = networkMs(sampleCpu(networkHome));
  let lastMsPerSecond = Number.NaN;
  for (;;) {
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, intervalMs));
    const now = networkMs(sampleCpu(networkHome));
    lastMsPerSecond = ((now - last) * 1000) / Math.max(1, performance.now() - t0);
    last = now;
    quietInRow = lastMsPerSecond < quietMsPerSecond ? quietInRow + 1 : 0;
    const waitedMs = performance.now() - start;
    if (quietInRow >= needed) return { waitedMs, lastMsPerSecond, quiet: true };
    if (waitedMs >= maxWaitMs) return { waitedMs, lastMsPerSecond, quiet: false };
  }
}
