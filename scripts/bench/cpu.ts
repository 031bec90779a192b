/**
 * Where the CPU goes during a run: CPU time of every process group the network started (each node
 * runs in its own session, recorded in NETWORK_HOME/pids) and of this client process, read from
 * /proc before and after, grouped as peers, orderers, chaincode servers, CAs and KMS, client.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const TICKS_PER_SECOND = 100;

/** CPU milliseconds per component. */
export type CpuSample = Record<string, number>;

function component(node: string): string {
  if (node.startsWith('peer')) return 'peers';
  if (node.startsWith('orderer')) return 'orderers';
  if (node.startsWith('cc-')) return 'chaincode';
  return 'cas+kms';
}

function groupTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
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
    const pgrp = Number(rest[2]);
    const used = Number(rest[11]) + Number(rest[12]);
    ticks.set(pgrp, (ticks.get(pgrp) ?? 0) + used);
  }
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
export function perOperation(before: CpuSample, after: CpuSample, completed: number): CpuSample {
  const out: CpuSample = {};
  let total = 0;
  for (const k of Object.keys(after)) {
    const v = ((after[k] ?? 0) - (before[k] ?? 0)) / Math.max(1, completed);
    out[k] = Math.round(v * 100) / 100;
    total += v;
  }
  out.total = Math.round(total * 100) / 100;
  return out;
}
