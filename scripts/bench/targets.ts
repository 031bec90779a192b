/**
 * Issue 16's targets, evaluated once from a run's figures. results.json stores what this module
 * computes, and the Markdown table, the SVG charts and the README's headline table all read that
 * stored evaluation, so no two of them can disagree about a ratio or about a target being met.
 */
import type { RunResult } from './load';

/** CPU milliseconds per operation by component (`total` is their sum). */
export type CpuPerOp = Record<string, number>;

/** One head-to-head pair: the baseline's run and the workload's, at the same concurrency. */
export interface PairedRun {
  /** The baseline's throughput over the run (tx/s). */
  baselineThroughput: number;
  /** The workload's throughput over the run (tx/s). */
  throughput: number;
  /** CPU ms per operation of every component during the baseline's run. */
  baselineCpuMsPerOp?: CpuPerOp;
  /** CPU ms per operation of every component during the workload's run. */
  cpuMsPerOp?: CpuPerOp;
}

/** A workload's comparison with its baseline, as throughput and as CPU. */
export interface Ratio {
  /** The baseline workload's name. */
  baseline: string;
  /** Throughput over the baseline's (over the whole head-to-head series for a paired workload). */
  value: number;
  /** The baseline's CPU ms per transaction over the workload's (above 1: cheaper than it). */
  cpuValue?: number;
  /** How `value` was measured, for the reader. */
  how: string;
  /** The smallest acceptable ratio, when the issue sets one. */
  target?: number;
  /** The throughput ratio of each head-to-head run, in order (paired workloads only). */
  runs?: number[];
  /** The CPU ratio of each head-to-head run, in order (paired workloads only). */
  cpuRuns?: number[];
}

/** The figures of one workload a target is evaluated from. */
export interface MeasuredWorkload {
  /** The workload's name, as the bench lists it. */
  name: string;
  /** The knee-search level kept as the knee. */
  knee: RunResult;
  /** The run at 75% of the knee, when it took place. */
  latency?: RunResult;
  /** CPU ms per operation by component during the latency run. */
  cpuMsPerOp?: CpuPerOp;
  /** The comparison with its baseline, when it has one. */
  ratio?: Ratio;
  /** The workload submits transactions (the latency target applies to it). */
  submit?: boolean;
  /** The head-to-head pairs, when the workload was compared that way. */
  paired?: PairedRun[];
}

/** One target and whether this run met it. */
export interface TargetResult {
  /** Stable id, e.g. `ratio:report-16-oracles` or `latency:noop-submit`. */
  id: string;
  /** What is compared, in words. */
  label: string;
  /** The workload the target is about. */
  workload: string;
  /** `ratio` (workload over baseline) or `ms` (p50 latency). */
  unit: 'ratio' | 'ms';
  /** At least (`>=`) or at most (`<=`) `threshold`. */
  comparator: '>=' | '<=';
  /** The figure the issue asks for. */
  threshold: number;
  /** The figures compared with the threshold: one, or one per head-to-head run (all must pass). */
  measured: number[];
  /** For ratio targets, the same comparison by CPU per transaction (baseline's over workload's). */
  cpuMeasured?: number[];
  /** Every measured figure passes. */
  met: boolean;
  /** Every CPU figure passes (ratio targets with CPU figures only). */
  metByCpu?: boolean;
}

/** The ratio targets of issue 16: workload, baseline, smallest ratio, and whether every run counts. */
export const RATIO_TARGETS: readonly {
  workload: string;
  baseline: string;
  threshold: number;
  label: string;
  eachRun: boolean;
}[] = [
  {
    workload: 'report-16-oracles',
    baseline: 'noop-submit',
    threshold: 0.75,
    label: '16-oracle report over no-op submit',
    eachRun: false,
  },
  {
    workload: 'report-31-oracles',
    baseline: 'noop-submit',
    threshold: 0.6,
    label: '31-oracle report over no-op submit',
    eachRun: false,
  },
  {
    workload: 'membership-vote',
    baseline: 'noop-submit-majority',
    threshold: 0.8,
    label: 'membership vote over no-op submit under MAJORITY',
    eachRun: false,
  },
  {
    workload: 'lib-noop-submit',
    baseline: 'noop-submit',
    threshold: 1.0,
    label: 'library over bare fabric-gateway, submit (each head-to-head run)',
    eachRun: true,
  },
  {
    workload: 'lib-noop-evaluate',
    baseline: 'noop-evaluate',
    threshold: 1.0,
    label: 'library over bare fabric-gateway, evaluate (each head-to-head run)',
    eachRun: true,
  },
];

/**
 * How many head-to-head pairs the bench runs: more than the {@link EACH_RUN_MINIMUM} issue 16 asks
 * for, so a ratio of sums is not one noisy run's, and a target "in each run" must hold in all of
 * them.
 */
export const HEAD_TO_HEAD_RUNS = 5;

/** How many head-to-head runs a target "in each run" needs before it has a verdict (issue 16: three). */
export const EACH_RUN_MINIMUM = 3;

/** The latency target's allowance above the batch timeout (ms). */
export const LATENCY_ALLOWANCE_MS = 150;

/**
 * Parses a Fabric duration such as `0.5s`, `500ms` or `2s` into milliseconds.
 *
 * @param text - the duration as configtx.yaml writes it
 * @returns milliseconds
 * @throws Error when the text is not a number followed by `ms` or `s`
 */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text.trim());
  if (m === null) throw new Error(`not a duration: '${text}' (expected e.g. 0.5s or 500ms)`);
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : n;
}

/**
 * Baseline CPU per operation over the workload's, from two per-operation samples.
 *
 * @param baseline - the baseline's CPU ms per operation
 * @param workload - the workload's
 * @returns their ratio of totals, or undefined when either is missing or not positive
 */
export function cpuRatio(baseline?: CpuPerOp, workload?: CpuPerOp): number | undefined {
  const b = baseline?.total;
  const w = workload?.total;
  if (b === undefined || w === undefined || w <= 0 || b <= 0) return undefined;
  return b / w;
}

const passes = (cmp: '>=' | '<=', v: number, threshold: number): boolean =>
  Number.isFinite(v) && (cmp === '>=' ? v >= threshold : v <= threshold);

/**
 * Evaluates every target issue 16 sets against one run's workloads. A target whose workload or
 * baseline did not run is left out (a partial run, `BENCH_ONLY`), never reported as met; so is a
 * target "in each head-to-head run" without {@link EACH_RUN_MINIMUM} runs (the head-to-head
 * failed, or the run predates per-run ratios), and the latency target of a workload whose run at
 * 75% of the knee did not happen.
 *
 * @param workloads - the measured workloads, with their ratios filled in
 * @param batchTimeout - the channel's BatchTimeout as configured (`0.5s`)
 * @returns one result per target, ratio targets first, then one latency target per submit workload
 */
export function evaluateTargets(
  workloads: readonly MeasuredWorkload[],
  batchTimeout: string,
): TargetResult[] {
  const out: TargetResult[] = [];
  for (const t of RATIO_TARGETS) {
    const w = workloads.find((x) => x.name === t.workload);
    const r = w?.ratio;
    if (r?.baseline !== t.baseline) continue;
    const runs = r.runs ?? [];
    if (t.eachRun && runs.length < EACH_RUN_MINIMUM) continue;
    const measured = t.eachRun ? runs : [r.value];
    const cpuList = t.eachRun ? (r.cpuRuns ?? []) : r.cpuValue === undefined ? [] : [r.cpuValue];
    out.push({
      id: `ratio:${t.workload}`,
      label: t.label,
      workload: t.workload,
      unit: 'ratio',
      comparator: '>=',
      threshold: t.threshold,
      measured,
      ...(cpuList.length === 0
        ? {}
        : {
            cpuMeasured: cpuList,
            metByCpu: cpuList.every((v) => passes('>=', v, t.threshold)),
          }),
      met: measured.every((v) => passes('>=', v, t.threshold)),
    });
  }
  const limit = durationMs(batchTimeout) + LATENCY_ALLOWANCE_MS;
  for (const w of workloads) {
    if (w.submit !== true || w.latency === undefined) continue;
    const p50 = w.latency.p50Ms;
    out.push({
      id: `latency:${w.name}`,
      label: `${w.name}: p50 at 75% of the knee ≤ BatchTimeout + ${String(LATENCY_ALLOWANCE_MS)} ms`,
      workload: w.name,
      unit: 'ms',
      comparator: '<=',
      threshold: limit,
      measured: [p50],
      met: passes('<=', p50, limit),
    });
  }
  return out;
}

/**
 * (max − min) / mean of some rates: how far repeated measurements of one thing moved.
 *
 * @param rates - the measurements
 * @returns the spread, 0 for fewer than two or a zero mean
 */
export function spreadOf(rates: readonly number[]): number {
  if (rates.length < 2) return 0;
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  return mean === 0 ? 0 : (Math.max(...rates) - Math.min(...rates)) / mean;
}

/**
 * Figures shown with two decimals (ratios) or none (ms), as every output of the report prints them.
 *
 * @param t - the target (its unit)
 * @param v - the figure
 * @returns the text, `-` for a figure that is not finite
 */
export function formatMeasured(t: Pick<TargetResult, 'unit'>, v: number): string {
  if (!Number.isFinite(v)) return '-';
  return t.unit === 'ratio' ? v.toFixed(2) : v.toFixed(0);
}

/**
 * `met` / `missed`, the words every output uses.
 *
 * @param met - whether the target was met
 * @returns the word
 */
export function verdict(met: boolean): 'met' | 'missed' {
  return met ? 'met' : 'missed';
}
