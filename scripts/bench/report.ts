/**
 * Writes benchmark results as JSON, a Markdown table and SVG charts (charts.ts), all from the same
 * stored figures and target evaluation, so a reader can compare them at a glance.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BenchReport, NoiseReport, WorkloadResult } from './results';
import { charts } from './charts';
import {
  cpuRatio,
  evaluateTargets,
  formatMeasured,
  spreadOf,
  verdict,
  type TargetResult,
} from './targets';

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

/**
 * The latency runs' basis, one row per open-loop workload that has one: the knee search's rate,
 * the rate sustained just before the latency run, what the latency run offered and carried.
 */
function latencyBasisRows(workloads: readonly WorkloadResult[]): string[] {
  const rows = workloads.flatMap((w) => {
    const b = w.latencyBasis;
    const l = w.latency;
    if (b === undefined || l === undefined) return [];
    return [
      `| ${w.name} | ${f1(w.knee.throughput)} | ${f1(b.throughput)} (${String(b.concurrency)}) | ${String(l.concurrency)} | ${f1(l.throughput)} |`,
    ];
  });
  if (rows.length === 0) return [];
  return [
    '',
    '| workload | knee tx/s | sustained just before, tx/s (in flight) | latency run offered tx/s | carried tx/s |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

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
    'Each knee-search level runs continuously through a warm-up and then back-to-back windows, and the number in flight doubles until two levels in a row beat the knee by less than 5%. The knee moves to a level only when it beats the knee by 5% or more (a level that measured a little more leaves it where throughput flattened); its figure is the total rate of its windows and the spread is (max − min) / mean of those windows (above 10%: a noisy machine).',
    '',
    "Latency columns come from an open-loop run offering 75% of the throughput the workload sustained at the knee's concurrency in a steady run (a warm-up and two windows) just before it (for the in-process signer workloads, a closed loop at 75% of the knee concurrency); each run starts once the network is quiet, and the latency run is measured after a warm-up at its own rate. Runs stored before 2026-12-04 offered 75% of the knee search's figure instead, which on a machine whose speed moves within minutes could overload the network.",
    ...latencyBasisRows(report.workloads),
    '',
    'Ratios:',
    '',
  );
  for (const w of report.workloads) {
    if (w.ratio !== undefined) lines.push(`- ${w.name}: ${w.ratio.how}.`);
  }
  lines.push(
    '',
    'CPU milliseconds per operation during the latency run, by component (2 cores = 2000 ms per second), and the total per operation in the knee run (fuller blocks spread the per-block work over more transactions; runs before this column was measured leave it empty):',
    '',
    '| workload | client | peers | chaincode | orderers | CAs+KMS | total | total at the knee |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const w of report.workloads) {
    const c = w.cpuMsPerOp;
    if (c === undefined) continue;
    const v = (k: string): string => (c[k] ?? 0).toFixed(2);
    const atKnee = w.knee.cpuMsPerOp?.total;
    lines.push(
      `| ${w.name} | ${v('client')} | ${v('peers')} | ${v('chaincode')} | ${v('orderers')} | ${v('cas+kms')} | ${v('total')} | ${atKnee === undefined ? '' : atKnee.toFixed(2)} |`,
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

/**
 * Fills what a run of an older bench did not store, by the method run.ts uses now: each ratio's
 * CPU comparison (the baseline's CPU ms per transaction over the workload's, from the runs at 75%
 * of the knee) and the targets' evaluation. A report that has them is returned as it is.
 *
 * @param report - a parsed results.json
 * @returns the same report, completed
 */
export function completeReport(report: BenchReport): BenchReport {
  for (const w of report.workloads) {
    const r = w.ratio;
    if (r === undefined || r.cpuValue !== undefined) continue;
    const b = report.workloads.find((x) => x.name === r.baseline);
    const v = cpuRatio(b?.cpuMsPerOp, w.cpuMsPerOp);
    if (v !== undefined) r.cpuValue = v;
  }
  report.targets ??= evaluateTargets(
    report.workloads.map((w) => ({
      ...w,
      submit:
        w.submit ??
        (w.name.endsWith('-submit') ||
          w.name.startsWith('report-') ||
          w.name === 'membership-vote'),
    })),
    String(report.settings.batchTimeout ?? '0.5s'),
  );
  return report;
}

/** Writes results.json, results.md and the three charts (chart-*.svg) into `dir`. */
export function writeReport(dir: string, report: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [
    [path.join(dir, 'results.json'), JSON.stringify(report, null, 2) + '\n'],
    [path.join(dir, 'results.md'), toMarkdown(report)],
    ...Object.entries(charts(report)).map(([name, svg]) => [path.join(dir, name), svg] as const),
  ] as const;
  for (const [file, text] of files) writeFileSync(file, text);
  return files.map(([f]) => f);
}
