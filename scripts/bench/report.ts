/**
 * Writes benchmark results as JSON, a Markdown table and an SVG chart (throughput and latency per
 * workload), so a reader can compare them at a glance.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunResult } from './load';
import {
  formatMeasured,
  spreadOf,
  verdict,
  type MeasuredWorkload,
  type TargetResult,
} from './targets';

/** One workload's headline figures. */
export interface WorkloadResult extends MeasuredWorkload {
  name: string;
  /** What the workload does, for the table. */
  description: string;
  /** The run at the knee (highest throughput). */
  knee: RunResult;
  /** An open-loop run offering 75% of the knee's throughput, for latency. */
  latency?: RunResult;
  /** Every run of the knee search (and of the head-to-head series). */
  runs: RunResult[];
}

/** How steady the machine was: the spread of repeated measurements against a threshold. */
export interface NoiseReport {
  /** Spread ((max − min) / mean) above which a measurement is called noisy. */
  threshold: number;
  /** The largest spread seen (knee windows, head-to-head baselines). */
  maxSpread: number;
  /** Some measurement's spread exceeded the threshold. */
  noisy: boolean;
  /** What was noisy, with its spread. */
  noisyParts: { part: string; spread: number }[];
}

/** The machine a run was on. */
export interface MachineInfo {
  cpus: number;
  model: string;
  memoryGiB: number;
  node: string;
  os?: string;
  loadAverageAtStart?: number[];
  loadAverageAtEnd?: number[];
}

/** The whole benchmark run. */
export interface BenchReport {
  startedAt: string;
  finishedAt?: string;
  machine: MachineInfo;
  versions?: Record<string, string>;
  settings: Record<string, string | number>;
  workloads: WorkloadResult[];
  /** Issue 16's targets, evaluated once (targets.ts); every output reads these. */
  targets?: TargetResult[];
  noise?: NoiseReport;
  /** Hyperledger Caliper's figures on the same network, when its run took place. */
  caliper?: unknown;
  extra: Record<string, unknown>;
}

/**
 * The noise verdict of a run: every knee's spread across its windows, and the spread of the
 * baselines' head-to-head runs (the same workload measured three times).
 *
 * @param workloads - the measured workloads
 * @param threshold - the spread above which a measurement is noisy
 * @returns the verdict with what exceeded the threshold
 */
export function noiseOf(workloads: readonly WorkloadResult[], threshold: number): NoiseReport {
  const parts: { part: string; spread: number }[] = [];
  for (const w of workloads) {
    if (w.knee.spread !== undefined)
      parts.push({ part: `${w.name} knee windows`, spread: w.knee.spread });
    if (w.paired !== undefined && w.paired.length > 1) {
      parts.push({
        part: `${w.ratio?.baseline ?? 'baseline'} across ${w.name}'s head-to-head runs`,
        spread: spreadOf(w.paired.map((p) => p.baselineThroughput)),
      });
    }
  }
  const maxSpread = Math.max(0, ...parts.map((p) => p.spread));
  const noisyParts = parts.filter((p) => p.spread > threshold);
  return { threshold, maxSpread, noisy: noisyParts.length > 0, noisyParts };
}

/** One line per target: what, threshold, each figure, CPU figures, verdict. */
export function targetRows(targets: readonly TargetResult[]): string[] {
  const rows = [
    '| target | threshold | measured (throughput) | measured (CPU per tx) | verdict |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const t of targets) {
    const fig = (vs: readonly number[]): string => vs.map((v) => formatMeasured(t, v)).join(' / ');
    const threshold = `${t.comparator === '>=' ? '≥' : '≤'} ${formatMeasured(t, t.threshold)}${t.unit === 'ms' ? ' ms' : ''}`;
    const cpu =
      t.cpuMeasured === undefined ? '' : `${fig(t.cpuMeasured)} (${verdict(t.metByCpu === true)})`;
    rows.push(
      `| ${t.label} | ${threshold} | ${fig(t.measured)}${t.unit === 'ms' ? ' ms' : ''} | ${cpu} | **${verdict(t.met)}** |`,
    );
  }
  return rows;
}

const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');

/** The Markdown table. */
export function toMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  lines.push(`# Benchmark results (${report.startedAt})`, '');
  if (report.noise?.noisy === true) {
    lines.push(
      `**Noisy:** the spread across repeats exceeded ${(report.noise.threshold * 100).toFixed(0)}% (${report.noise.noisyParts.map((p) => `${p.part} ${(p.spread * 100).toFixed(0)}%`).join(', ')}); the figures of this run move between runs.`,
      '',
    );
  }
  const m = report.machine;
  lines.push(
    `Machine: ${String(m.cpus)} cores (${m.model}), ${String(m.memoryGiB)} GiB, Node ${m.node}${m.os === undefined ? '' : `, ${m.os}`}${m.loadAverageAtStart === undefined ? '' : `; load average ${m.loadAverageAtStart.join(' ')} at the start, ${(m.loadAverageAtEnd ?? []).join(' ')} at the end`}.`,
    '',
  );
  if (report.versions !== undefined) {
    lines.push(
      'Versions: ' +
        Object.entries(report.versions)
          .map(([k, v]) => `${k} ${v}`)
          .join('; ') +
        '.',
      '',
    );
  }
  lines.push(
    'Settings: ' +
      Object.entries(report.settings)
        .map(([k, v]) => `${k} = ${String(v)}`)
        .join('; ') +
      '.',
    '',
  );
  lines.push(
    '| workload | knee tx/s (in flight) | spread | failed | p50 ms | p95 ms | p99 ms (offered tx/s) | ratio: throughput | ratio: CPU per tx | target |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const w of report.workloads) {
    const l = w.latency ?? w.knee;
    const r = w.ratio;
    const ratio =
      r === undefined
        ? ''
        : `${r.value.toFixed(2)} of ${r.baseline}${r.runs === undefined ? '' : ` (runs ${r.runs.map((v) => v.toFixed(2)).join(' / ')})`}`;
    const cpu =
      r?.cpuValue === undefined
        ? ''
        : `${r.cpuValue.toFixed(2)}${r.cpuRuns === undefined ? '' : ` (runs ${r.cpuRuns.map((v) => v.toFixed(2)).join(' / ')})`}`;
    const target = r?.target === undefined ? '' : `≥ ${r.target.toFixed(2)}`;
    lines.push(
      `| ${w.name} | ${f1(w.knee.throughput)} (${String(w.knee.concurrency)}) | ${w.knee.spread === undefined ? '' : `${(w.knee.spread * 100).toFixed(0)}%`} | ${String(w.knee.failed + (w.latency?.failed ?? 0))} | ${f1(l.p50Ms)} | ${f1(l.p95Ms)} | ${f1(l.p99Ms)} (${String(l.concurrency)}) | ${ratio} | ${cpu} | ${target} |`,
    );
  }
  if (report.targets !== undefined && report.targets.length > 0) {
    lines.push('', '## Targets (issue 16)', '', ...targetRows(report.targets));
    lines.push(
      '',
      "A ratio target is met when the throughput ratio reaches it (for the library, in every head-to-head run); the CPU column applies the same threshold to the baseline's CPU ms per transaction over the workload's, which moves less than throughput on a shared machine.",
    );
  }
  lines.push(
    '',
    'Each knee-search level runs continuously through a warm-up and then back-to-back windows; the knee is their total rate and the spread is (max − min) / mean of the windows at the knee (above 10%: a noisy machine).',
    '',
    'Latency columns come from an open-loop run offering 75% of the knee throughput (for the in-process signer workloads, a closed loop at 75% of the knee concurrency). Ratios:',
    '',
  );
  for (const w of report.workloads) {
    if (w.ratio !== undefined) lines.push(`- ${w.name}: ${w.ratio.how}.`);
  }
  lines.push(
    '',
    'CPU milliseconds per operation during the latency run, by component (2 cores = 2000 ms per second):',
    '',
    '| workload | client | peers | chaincode | orderers | CAs+KMS | total |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const w of report.workloads) {
    const c = w.cpuMsPerOp;
    if (c === undefined) continue;
    const v = (k: string): string => (c[k] ?? 0).toFixed(2);
    lines.push(
      `| ${w.name} | ${v('client')} | ${v('peers')} | ${v('chaincode')} | ${v('orderers')} | ${v('cas+kms')} | ${v('total')} |`,
    );
  }
  lines.push('', 'Workloads:', '');
  for (const w of report.workloads) lines.push(`- **${w.name}**: ${w.description}`);
  for (const [k, v] of Object.entries(report.extra)) {
    lines.push('', `## ${k}`, '', '```json', JSON.stringify(v, null, 2), '```');
  }
  lines.push('', 'Every run of each knee search is in results.json.');
  return lines.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** A two-panel horizontal bar chart: throughput at the knee, and p50/p99 latency. */
export function toSvg(report: BenchReport): string {
  const ws = report.workloads;
  const rowH = 26;
  const top = 50;
  const labelW = 230;
  const panelW = 330;
  const height = top + ws.length * rowH + 40;
  const width = labelW + panelW * 2 + 60;
  const maxTps = Math.max(1, ...ws.map((w) => w.knee.throughput));
  const maxLat = Math.max(1, ...ws.map((w) => (w.latency ?? w.knee).p99Ms).filter(Number.isFinite));
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${String(labelW)}" y="20" font-size="14" font-weight="bold">Throughput at the knee (tx/s)</text>`,
    `<text x="${String(labelW + panelW + 30)}" y="20" font-size="14" font-weight="bold">Latency at ~75% of the knee (ms): p50 dark, p99 light</text>`,
  );
  ws.forEach((w, i) => {
    const y = top + i * rowH;
    const tpsW = (w.knee.throughput / maxTps) * (panelW - 60);
    const l = w.latency ?? w.knee;
    const p50W = Number.isFinite(l.p50Ms) ? (l.p50Ms / maxLat) * (panelW - 60) : 0;
    const p99W = Number.isFinite(l.p99Ms) ? (l.p99Ms / maxLat) * (panelW - 60) : 0;
    const lx = labelW + panelW + 30;
    parts.push(
      `<text x="${String(labelW - 8)}" y="${String(y + 15)}" text-anchor="end">${esc(w.name)}</text>`,
      `<rect x="${String(labelW)}" y="${String(y + 3)}" width="${tpsW.toFixed(1)}" height="16" fill="#3b6ea8"/>`,
      `<text x="${(labelW + tpsW + 4).toFixed(1)}" y="${String(y + 15)}">${f1(w.knee.throughput)}</text>`,
      `<rect x="${String(lx)}" y="${String(y + 3)}" width="${p99W.toFixed(1)}" height="16" fill="#f0a868"/>`,
      `<rect x="${String(lx)}" y="${String(y + 3)}" width="${p50W.toFixed(1)}" height="16" fill="#c05a1a"/>`,
      `<text x="${(lx + p99W + 4).toFixed(1)}" y="${String(y + 15)}">${f1(l.p50Ms)} / ${f1(l.p99Ms)}</text>`,
    );
  });
  parts.push(
    `<text x="10" y="${String(height - 12)}" fill="#555">${esc(
      Object.entries(report.settings)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join('  '),
    )}</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}

/** Writes results.json, results.md and chart.svg into `dir`. */
export function writeReport(dir: string, report: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [
    [path.join(dir, 'results.json'), JSON.stringify(report, null, 2) + '\n'],
    [path.join(dir, 'results.md'), toMarkdown(report)],
    [path.join(dir, 'chart.svg'), toSvg(report)],
  ] as const;
  for (const [file, text] of files) writeFileSync(file, text);
  return files.map(([f]) => f);
}
