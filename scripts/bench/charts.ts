/**
 * The benchmark's SVG charts, one per unit: transactions per second, signatures per second and
 * latency in milliseconds. Every figure comes from the stored results (the knee's throughput, the
 * run at 75% of the knee, the head-to-head runs) and every target from the stored evaluation
 * (targets.ts), the same fields the Markdown table prints, so chart and table cannot disagree.
 * A target is drawn as a tick on its workload's bar at the figure it asks for, green when met and
 * red when missed, with the verdict written beside it.
 */
import type { BenchReport, WorkloadResult } from './results';
import { RATIO_TARGETS, verdict, type TargetResult } from './targets';

/** One horizontal bar, with an optional second (lighter, longer) bar behind it and a target tick. */
interface Bar {
  label: string;
  value: number;
  /** Printed after the bar. */
  text: string;
  color: string;
  /** Drawn behind `value` (p99 behind p50). */
  behind?: number;
  /** A target drawn as a tick at `at` on this row. */
  target?: { at: number; met: boolean; text: string };
}

const MET = '#1a7f37';
const MISSED = '#cf222e';
const CHAR_W = 6.6;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A round axis maximum at or above `v`: 1, 2 or 5 times a power of ten. */
function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * A horizontal bar chart. Its width follows its longest label and title, so nothing is clipped.
 *
 * @param title - the chart's title
 * @param axis - the unit, written under the axis
 * @param bars - one row each
 * @param footer - lines of settings and notes under the chart
 * @returns the SVG text
 */
export function barChart(
  title: string,
  axis: string,
  bars: readonly Bar[],
  footer: string[],
): string {
  const rowH = 24;
  const top = 48;
  const labelW = Math.ceil(Math.max(80, ...bars.map((b) => b.label.length * CHAR_W)) + 16);
  const textW = Math.ceil(
    Math.max(60, ...bars.map((b) => (b.text.length + (b.target?.text.length ?? 0) + 3) * CHAR_W)),
  );
  const plotW = 420;
  const width = Math.max(
    labelW + plotW + textW + 20,
    title.length * 8.5 + 20,
    ...footer.map((f) => f.length * CHAR_W + 20),
  );
  const plotBottom = top + bars.length * rowH;
  const height = plotBottom + 40 + footer.length * 16;
  const max = niceMax(
    Math.max(
      ...bars
        .map((b) => Math.max(b.value, b.behind ?? 0, b.target?.at ?? 0))
        .filter(Number.isFinite),
      1,
    ),
  );
  const x = (v: number): number => labelW + (Math.max(0, v) / max) * plotW;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${String(height)}" viewBox="0 0 ${width.toFixed(0)} ${String(height)}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let k = 0; k <= 5; k++) {
    const v = (max * k) / 5;
    const gx = x(v).toFixed(1);
    out.push(
      `<line x1="${gx}" y1="${String(top - 6)}" x2="${gx}" y2="${String(plotBottom)}" stroke="#ddd"/>`,
      `<text x="${gx}" y="${String(plotBottom + 14)}" text-anchor="middle" fill="#555">${esc(v >= 10 ? v.toFixed(0) : v.toFixed(1))}</text>`,
    );
  }
  out.push(
    `<text x="${(labelW + plotW / 2).toFixed(0)}" y="${String(plotBottom + 30)}" text-anchor="middle" fill="#333">${esc(axis)}</text>`,
  );
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    out.push(
      `<text x="${String(labelW - 8)}" y="${String(y + 15)}" text-anchor="end">${esc(b.label)}</text>`,
    );
    if (b.behind !== undefined && Number.isFinite(b.behind)) {
      out.push(
        `<rect x="${String(labelW)}" y="${String(y + 4)}" width="${(x(b.behind) - labelW).toFixed(1)}" height="14" fill="${b.color}" opacity="0.35"/>`,
      );
    }
    const w = Number.isFinite(b.value) ? x(b.value) - labelW : 0;
    out.push(
      `<rect x="${String(labelW)}" y="${String(y + 4)}" width="${w.toFixed(1)}" height="14" fill="${b.color}"/>`,
    );
    let textX = Math.max(labelW + w, b.behind === undefined ? 0 : x(b.behind));
    if (b.target !== undefined) {
      const tx = x(b.target.at);
      const c = b.target.met ? MET : MISSED;
      out.push(
        `<line x1="${tx.toFixed(1)}" y1="${String(y + 1)}" x2="${tx.toFixed(1)}" y2="${String(y + 21)}" stroke="${c}" stroke-width="3"/>`,
      );
      textX = Math.max(textX, tx);
    }
    out.push(
      `<text x="${(textX + 6).toFixed(1)}" y="${String(y + 15)}">${esc(b.text)}${
        b.target === undefined
          ? ''
          : ` <tspan fill="${b.target.met ? MET : MISSED}" font-weight="bold">${esc(b.target.text)}</tspan>`
      }</text>`,
    );
  });
  footer.forEach((f, k) => {
    out.push(`<text x="10" y="${String(plotBottom + 50 + k * 16)}" fill="#555">${esc(f)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

const isSigner = (w: WorkloadResult): boolean => w.name.startsWith('sign-');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');
const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '-');

function footerOf(report: BenchReport, extra: string[]): string[] {
  const m = report.machine;
  const lines = [
    `Run ${report.startedAt} on ${String(m.cpus)} cores (${m.model}), ${String(m.memoryGiB)} GiB, Node ${m.node}; BatchTimeout ${String(report.settings.batchTimeout ?? '?')}.`,
    ...extra,
  ];
  if (report.noise?.noisy === true)
    lines.push(
      `Noisy machine: spread across repeats up to ${(report.noise.maxSpread * 100).toFixed(0)}% (threshold ${(report.noise.threshold * 100).toFixed(0)}%).`,
    );
  return lines;
}

function targetFor(targets: readonly TargetResult[], id: string): TargetResult | undefined {
  return targets.find((t) => t.id === id);
}

/** Caliper's rounds as stored in results.json by scripts/bench/caliper.ts. */
interface CaliperRounds {
  rounds?: { name: string; throughput: number; avgLatencyMs?: number }[];
}

/**
 * What a knee bar says about its ratio: the knee over the baseline's knee, or for a workload
 * compared head to head, that the ratio comes from those runs (a knee found at another
 * concurrency is not what the ratio compares).
 */
function ratioNote(w: WorkloadResult): string {
  const r = w.ratio;
  if (r === undefined) return '';
  if (w.paired !== undefined && w.paired.length > 0)
    return ' (knee; ratio from the head-to-head runs)';
  if (r.how.includes('alternately'))
    return ` (knee; head to head ${r.value.toFixed(2)}× ${r.baseline})`;
  return ` (${r.value.toFixed(2)}× ${r.baseline})`;
}

/**
 * Transactions per second: each workload's knee, the ratio targets as ticks on their workloads,
 * the head-to-head runs (the library's, the reports', the votes') as pairs with each run's ratio
 * and the target ticked on them, and Caliper's figures.
 */
export function throughputChart(report: BenchReport): string {
  const targets = report.targets ?? [];
  const byName = new Map(report.workloads.map((w) => [w.name, w]));
  const bars: Bar[] = [];
  for (const w of report.workloads) {
    if (isSigner(w)) continue;
    // A workload compared head to head gets its target on those runs' bars below.
    const headToHead = w.paired !== undefined && w.paired.length > 0;
    const spec = headToHead
      ? undefined
      : RATIO_TARGETS.find((t) => t.workload === w.name && !t.eachRun);
    const t = spec === undefined ? undefined : targetFor(targets, `ratio:${w.name}`);
    const base = spec === undefined ? undefined : byName.get(spec.baseline);
    bars.push({
      label: w.name,
      value: w.knee.throughput,
      text: `${f1(w.knee.throughput)}${ratioNote(w)}`,
      color: w.name.startsWith('noop') ? '#6e7781' : '#3b6ea8',
      ...(t === undefined || base === undefined
        ? {}
        : {
            target: {
              at: t.threshold * base.knee.throughput,
              met: t.met,
              text: `target ≥ ${t.threshold.toFixed(2)}×: ${verdict(t.met)}`,
            },
          }),
    });
  }
  for (const spec of RATIO_TARGETS) {
    const w = byName.get(spec.workload);
    const t = targetFor(targets, `ratio:${spec.workload}`);
    (w?.paired ?? []).forEach((p, k) => {
      const ratio = p.throughput / p.baselineThroughput;
      const met = ratio >= spec.threshold;
      bars.push({
        label: `head to head ${String(k + 1)}: ${spec.baseline}`,
        value: p.baselineThroughput,
        text: f1(p.baselineThroughput),
        color: '#6e7781',
      });
      bars.push({
        label: `head to head ${String(k + 1)}: ${spec.workload}`,
        value: p.throughput,
        text: `${f1(p.throughput)} (${ratio.toFixed(2)}×)`,
        color: '#3b6ea8',
        target: {
          at: spec.threshold * p.baselineThroughput,
          met,
          text: `≥ ${spec.threshold.toFixed(2)}×: ${verdict(met)}${t !== undefined && k === (w?.paired?.length ?? 0) - 1 ? ` (${spec.eachRun ? 'all runs' : 'runs together'}: ${verdict(t.met)})` : ''}`,
        },
      });
    });
  }
  for (const r of (report.caliper as CaliperRounds | undefined)?.rounds ?? []) {
    bars.push({
      label: `Caliper 0.6.0: ${r.name}`,
      value: r.throughput,
      text: f1(r.throughput),
      color: '#8250df',
    });
  }
  return barChart(
    'Throughput: transactions per second (knee of each workload)',
    'transactions per second',
    bars,
    footerOf(report, [
      'Knee: the best steady-state rate of the in-flight search. Ticks: the rate a ratio target asks for (green met, red missed).',
      "Head-to-head runs: the library and bare fabric-gateway alternately at the baseline's knee concurrency; the target holds in every run.",
    ]),
  );
}

/** Signatures per second of each signer alone (file key, KMS, HSM). */
export function signaturesChart(report: BenchReport): string {
  const bars = report.workloads.filter(isSigner).map((w) => ({
    label: w.name,
    value: w.knee.throughput,
    text: `${f0(w.knee.throughput)} at ${String(w.knee.concurrency)} in flight`,
    color: '#3b6ea8',
  }));
  return barChart(
    'Signing: signatures per second',
    'signatures per second (fresh SHA-256 digest, DER, low-S)',
    bars,
    footerOf(report, [
      'Each signer alone, in this process; the KMS is local-kms and the HSM SoftHSM2.',
    ]),
  );
}

/** p50 (dark) and p99 (light) latency at 75% of each knee, with the latency target's ticks. */
export function latencyChart(report: BenchReport): string {
  const targets = report.targets ?? [];
  const bars: Bar[] = [];
  for (const w of report.workloads) {
    if (isSigner(w)) continue;
    const l = w.latency ?? w.knee;
    const t = targetFor(targets, `latency:${w.name}`);
    bars.push({
      label: w.name,
      value: l.p50Ms,
      behind: l.p99Ms,
      text: `p50 ${f0(l.p50Ms)} / p99 ${f0(l.p99Ms)}`,
      color: '#c05a1a',
      ...(t === undefined
        ? {}
        : {
            target: {
              at: t.threshold,
              met: t.met,
              text: `p50 ≤ ${f0(t.threshold)}: ${verdict(t.met)}`,
            },
          }),
    });
  }
  return barChart(
    'Latency at 75% of the knee: milliseconds (p50 dark, p99 light)',
    'milliseconds from submit to commit (evaluate: to the answer)',
    bars,
    footerOf(report, [
      'Operations offered at 75% of the knee throughput (open loop). Ticks: BatchTimeout + 150 ms for every submit workload.',
    ]),
  );
}

/** The three charts by file name. */
export function charts(report: BenchReport): Record<string, string> {
  return {
    'chart-throughput.svg': throughputChart(report),
    'chart-signatures.svg': signaturesChart(report),
    'chart-latency.svg': latencyChart(report),
  };
}
