/**
 * The chaos suite's report: the verdict's counts, each fault with the time throughput took to come
 * back, latency and throughput per window, as JSON, Markdown and an SVG timeline drawn here
 * (throughput bars and the p50 line, fault spans and leader changes marked).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { InjectedFault, LeaderSample } from './faults';
import type { OpRecord } from './load';
import {
  impactOf,
  percentile,
  recoveryAfter,
  toWindows,
  type Impact,
  type Recovery,
  type TimeWindow,
} from './timeline';
import { breaches, type Verification } from './verify';

/** One fault with its effect on throughput. */
export interface FaultResult extends InjectedFault {
  /** How throughput fell and came back. */
  readonly recovery: Recovery;
  /** The operations it met: how many stalled or did not commit, and the longest wait. */
  readonly impact: Impact;
  /** Seconds from the new leader's election to recovered throughput, for faults that changed it. */
  readonly recoveredAfterNewLeaderS: number | null;
}

/** The whole run. */
export interface ChaosReport {
  readonly runId: string;
  readonly startedAt: string;
  /** Wall-clock length of the load and faults (not the set-up or the verification), seconds. */
  readonly durationS: number;
  /** When the load stopped offering operations (the rest of the run is the last ones settling), s. */
  readonly loadEndS: number;
  /** Length of the verification (block scan and read-back), seconds. */
  readonly verifyS: number;
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  readonly verification: Verification;
  /** Latency of committed operations over the run, ms. */
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
    readonly max: number | null;
  };
  /** Committed operations per second over the run. */
  readonly throughput: number;
  readonly faults: readonly FaultResult[];
  readonly leaderChanges: readonly LeaderSample[];
  readonly windowMs: number;
  readonly windows: readonly TimeWindow[];
  /** Why the run failed; empty when it passed. */
  readonly breaches: readonly string[];
  readonly passed: boolean;
}

/** Inputs of {@link buildReport}. */
export interface ReportInput {
  readonly runId: string;
  readonly startedAt: string;
  readonly durationMs: number;
  /** When the load stopped offering operations; the last fault's span ends there. */
  readonly loadEndMs: number;
  readonly verifyMs: number;
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  readonly ops: readonly OpRecord[];
  readonly verification: Verification;
  readonly faults: readonly InjectedFault[];
  readonly leaderChanges: readonly LeaderSample[];
  readonly windowMs: number;
}

/**
 * Builds the report: windows, per-fault recovery (the span of a fault ends at the next fault),
 * overall latency, and the breaches that fail the run (any loss, duplicate or phantom, and a fault
 * that could not be injected or repaired).
 *
 * @param input - the run's operations, verification, faults and settings
 * @returns the report
 */
export function buildReport(input: Readonly<ReportInput>): ChaosReport {
  const windows = toWindows(input.ops, input.windowMs, input.durationMs);
  const endS = input.loadEndMs / 1000;
  const faults = input.faults.map((f, i): FaultResult => {
    const untilS = input.faults[i + 1]?.injectedAtS ?? endS;
    const recovery = recoveryAfter(windows, { atS: f.injectedAtS, untilS });
    const impact = impactOf(input.ops, f.injectedAtS * 1000, untilS * 1000);
    const recoveredAt =
      recovery.recoveredAfterS === null ? null : f.injectedAtS + recovery.recoveredAfterS;
    const recoveredAfterNewLeaderS =
      f.newLeader === undefined || recoveredAt === null
        ? null
        : Math.max(0, recoveredAt - f.newLeader.atS);
    return { ...f, recovery, impact, recoveredAfterNewLeaderS };
  });
  const latencies = input.ops
    .filter((o) => o.outcome.kind === 'committed')
    .map((o) => o.endMs - o.startMs)
    .sort((a, b) => a - b);
  const found = breaches(input.verification);
  for (const f of faults) {
    if (f.error !== undefined)
      found.push(`fault ${f.kind} at ${f.injectedAtS.toFixed(0)} s: ${f.error}`);
  }
  return {
    runId: input.runId,
    startedAt: input.startedAt,
    durationS: input.durationMs / 1000,
    loadEndS: input.loadEndMs / 1000,
    verifyS: input.verifyMs / 1000,
    settings: input.settings,
    verification: input.verification,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? null,
    },
    throughput: input.durationMs > 0 ? (latencies.length * 1000) / input.durationMs : 0,
    faults,
    leaderChanges: input.leaderChanges,
    windowMs: input.windowMs,
    windows,
    breaches: found,
    passed: found.length === 0,
  };
}

const s1 = (n: number | null | undefined): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(1);
const s0 = (n: number | null | undefined): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(0);

/**
 * The report as Markdown: verdict, counts, faults with recovery, unknown outcomes.
 *
 * @param r - the report
 * @returns Markdown text
 */
export function toMarkdown(r: Readonly<ChaosReport>): string {
  const v = r.verification;
  const lines: string[] = [];
  lines.push(`# Chaos run ${r.runId} (${r.startedAt})`, '');
  lines.push(
    r.passed
      ? '**PASSED**: nothing lost, duplicated or phantom; every fault injected and repaired.'
      : `**FAILED**: ${r.breaches.join('; ')}.`,
    '',
  );
  lines.push(
    `Load offered for ${s1(r.loadEndS)} s, every operation settled by ${s1(r.durationS)} s; verification (every block scanned, every key read back) ${s1(r.verifyS)} s.`,
    '',
    'Settings: ' +
      Object.entries(r.settings)
        .map(([k, val]) => `${k} = ${String(val)}`)
        .join('; ') +
      '.',
    '',
  );
  const unknownCommitted = v.unknown.filter((u) => u.ledger === 'committed').length;
  const unknownAbsent = v.unknown.filter((u) => u.ledger === 'absent').length;
  lines.push(
    '| operations | committed | failed | unknown (on ledger / absent) | lost | duplicated | phantom | misreported |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${String(v.operations)} | ${String(v.committed)} | ${String(v.failed)} | ${String(v.unknown.length)} (${String(unknownCommitted)} / ${String(unknownAbsent)}) | ${String(v.lost.length)} | ${String(v.duplicated.length)} | ${String(v.phantom.length)} | ${String(v.misreported.length)} |`,
    '',
  );
  lines.push(
    `Committed throughput over the run ${s1(r.throughput)} tx/s; latency of committed operations p50 ${s0(r.latencyMs.p50)} ms, p95 ${s0(r.latencyMs.p95)} ms, p99 ${s0(r.latencyMs.p99)} ms, max ${s0(r.latencyMs.max)} ms.`,
    '',
  );
  const failed = Object.entries(v.failedByCode).sort((a, b) => b[1] - a[1]);
  if (failed.length > 0) {
    lines.push('Failed operations by error (each absent from the ledger):', '');
    for (const [code, n] of failed) lines.push(`- \`${code}\`: ${String(n)}`);
    lines.push('');
  }
  const invalid = Object.entries(v.invalidOnLedger);
  if (invalid.length > 0) {
    lines.push(
      'Transactions of this run the ledger holds as invalid (a resent envelope shows as DUPLICATE_TXID): ' +
        invalid.map(([code, n]) => `${code} ${String(n)}`).join(', ') +
        '.',
      '',
    );
  }
  if (v.unknown.length > 0) {
    lines.push(
      `Operations reported COMMIT_STATUS_UNKNOWN, as the ledger settles them: ${String(unknownCommitted)} committed once, ${String(unknownAbsent)} absent, ${String(v.unknown.length - unknownCommitted - unknownAbsent)} duplicated.`,
      '',
    );
  }
  lines.push(
    '## Faults',
    '',
    'Recovery: from the fault until throughput is back at half its median over the 10 s before, for two windows in a row, each window taken with its two neighbours (0: it never fell that low).',
    '',
    'Operations met: in flight at some point between the fault and the next one; stalled: took 5 s or more; not committed: reported failed or unknown.',
    '',
    '| at s | fault | nodes | repaired after s | new leader after s | throughput dip after s | recovered after s | after new leader s | longest zero s | baseline tx/s | ops met | stalled | not committed | slowest s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const f of r.faults) {
    lines.push(
      `| ${s0(f.injectedAtS)} | ${f.kind} | ${f.targets.join(', ')} | ${f.repairedAtS === null ? 'not repaired' : s1(f.repairedAtS - f.injectedAtS)} | ${f.newLeader === undefined ? '-' : `${s1(f.newLeader.atS - f.injectedAtS)} (${f.newLeader.name})`} | ${s0(f.recovery.dipAfterS)} | ${f.recovery.recoveredAfterS === null ? 'not recovered' : s0(f.recovery.recoveredAfterS)} | ${s0(f.recoveredAfterNewLeaderS)} | ${s0(f.recovery.longestZeroS)} | ${s1(f.recovery.baselineTps)} | ${String(f.impact.operations)} | ${String(f.impact.slow)} | ${String(f.impact.notCommitted)} | ${s1(f.impact.maxLatencyMs === null ? null : f.impact.maxLatencyMs / 1000)} |`,
    );
  }
  for (const f of r.faults) {
    if (f.error !== undefined)
      lines.push('', `Fault ${f.kind} at ${s0(f.injectedAtS)} s: ${f.error}`);
  }
  lines.push(
    '',
    `Throughput and p50 latency per ${String(r.windowMs)} ms window are in report.json and drawn in timeline.svg.`,
  );
  return lines.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const FAULT_COLOURS: Readonly<Record<string, string>> = {
  'peer-kill': '#d62728',
  'peer-pause': '#ff7f0e',
  'chaincode-kill': '#9467bd',
  'orderer-follower-kill': '#8c564b',
  'orderer-pause': '#e377c2',
  'orderer-leader-kill': '#17becf',
  'orderer-quorum-loss': '#7f7f7f',
};

/**
 * The timeline chart: committed throughput per window as bars, the p50 latency of each window as
 * a line on its own axis, each fault as a shaded span from injection to repair with its name, and
 * leader changes as ticks.
 *
 * @param r - the report
 * @returns SVG text
 */
export function toSvg(r: Readonly<ChaosReport>): string {
  const width = 1200;
  const left = 60;
  const right = 70;
  const top = 40;
  const plotH = 300;
  const labelRows = 3;
  const height = top + plotH + 40 + labelRows * 16 + 30;
  const plotW = width - left - right;
  const ws = r.windows;
  const spanS = Math.max(1, r.durationS);
  const x = (s: number): number => left + (s / spanS) * plotW;
  const maxTps = Math.max(1, ...ws.map((w) => w.throughput));
  const maxP50 = Math.max(1, ...ws.map((w) => w.p50Ms ?? 0));
  const yT = (t: number): number => top + plotH - (t / maxTps) * plotH;
  const yL = (ms: number): number => top + plotH - (ms / maxP50) * plotH;
  const barW = Math.max(0.5, (r.windowMs / 1000 / spanS) * plotW - 0.5);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}" font-family="sans-serif" font-size="11">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${String(left)}" y="18" font-size="14" font-weight="bold">${esc(`Chaos run ${r.runId}: committed tx/s per ${String(r.windowMs)} ms (bars), p50 latency (line), faults (spans)`)}</text>`,
  );
  r.faults.forEach((f, i) => {
    const end = f.repairedAtS ?? f.injectedAtS + f.holdS;
    const colour = FAULT_COLOURS[f.kind] ?? '#999999';
    const x0 = x(f.injectedAtS);
    out.push(
      `<rect x="${x0.toFixed(1)}" y="${String(top)}" width="${Math.max(1, x(end) - x0).toFixed(1)}" height="${String(plotH)}" fill="${colour}" fill-opacity="0.18"/>`,
      `<line x1="${x0.toFixed(1)}" y1="${String(top)}" x2="${x0.toFixed(1)}" y2="${String(top + plotH)}" stroke="${colour}" stroke-width="1.5"/>`,
      `<text x="${(x0 + 2).toFixed(1)}" y="${String(top + plotH + 40 + (i % labelRows) * 16)}" fill="${colour}">${esc(`${f.kind} ${f.targets.join('+')}`)}</text>`,
    );
  });
  for (const w of ws) {
    if (w.committed === 0) continue;
    const y = yT(w.throughput);
    out.push(
      `<rect x="${x(w.startS).toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - y).toFixed(1)}" fill="#3b6ea8"/>`,
    );
  }
  const points = ws
    .filter((w) => w.p50Ms !== null)
    .map((w) => `${x(w.startS + r.windowMs / 2000).toFixed(1)},${yL(w.p50Ms ?? 0).toFixed(1)}`);
  if (points.length > 0) {
    out.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="#c05a1a" stroke-width="1.2"/>`,
    );
  }
  for (const c of r.leaderChanges) {
    const cx = x(c.atS).toFixed(1);
    out.push(
      `<line x1="${cx}" y1="${String(top - 6)}" x2="${cx}" y2="${String(top)}" stroke="black" stroke-width="2"/>`,
      `<text x="${cx}" y="${String(top - 8)}" font-size="9" text-anchor="middle">${esc(c.leader ?? 'none')}</text>`,
    );
  }
  // Axes: seconds below, tx/s on the left, p50 ms on the right.
  out.push(
    `<line x1="${String(left)}" y1="${String(top + plotH)}" x2="${String(left + plotW)}" y2="${String(top + plotH)}" stroke="black"/>`,
    `<line x1="${String(left)}" y1="${String(top)}" x2="${String(left)}" y2="${String(top + plotH)}" stroke="#3b6ea8"/>`,
    `<line x1="${String(left + plotW)}" y1="${String(top)}" x2="${String(left + plotW)}" y2="${String(top + plotH)}" stroke="#c05a1a"/>`,
  );
  const tickS = niceStep(spanS / 12);
  for (let s = 0; s <= spanS; s += tickS) {
    out.push(
      `<text x="${x(s).toFixed(1)}" y="${String(top + plotH + 14)}" text-anchor="middle">${s.toFixed(0)}</text>`,
    );
  }
  out.push(
    `<text x="${String(left + plotW / 2)}" y="${String(top + plotH + 27)}" text-anchor="middle">seconds from the start of the load</text>`,
  );
  for (const frac of [0, 0.5, 1]) {
    out.push(
      `<text x="${String(left - 4)}" y="${(yT(maxTps * frac) + 4).toFixed(1)}" text-anchor="end" fill="#3b6ea8">${(maxTps * frac).toFixed(0)}</text>`,
      `<text x="${String(left + plotW + 4)}" y="${(yL(maxP50 * frac) + 4).toFixed(1)}" fill="#c05a1a">${(maxP50 * frac).toFixed(0)}</text>`,
    );
  }
  out.push(
    `<text x="12" y="${String(top + plotH / 2)}" fill="#3b6ea8" transform="rotate(-90 12 ${String(top + plotH / 2)})" text-anchor="middle">tx/s</text>`,
    `<text x="${String(width - 12)}" y="${String(top + plotH / 2)}" fill="#c05a1a" transform="rotate(90 ${String(width - 12)} ${String(top + plotH / 2)})" text-anchor="middle">p50 ms</text>`,
    '</svg>',
  );
  return out.join('\n') + '\n';
}

function niceStep(raw: number): number {
  for (const s of [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600]) if (s >= raw) return s;
  return 1200;
}

/**
 * Writes report.json, report.md and timeline.svg into `dir`.
 *
 * @param dir - results directory (created if missing)
 * @param r - the report
 * @returns the files written
 */
export function writeReport(dir: string, r: Readonly<ChaosReport>): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [
    [path.join(dir, 'report.json'), JSON.stringify(r, null, 2) + '\n'],
    [path.join(dir, 'report.md'), toMarkdown(r)],
    [path.join(dir, 'timeline.svg'), toSvg(r)],
  ] as const;
  for (const [file, text] of files) writeFileSync(file, text);
  return files.map(([f]) => f);
}
