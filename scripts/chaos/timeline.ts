/**
 * Throughput and latency per time window, and how long throughput took to come back after each
 * fault. Pure functions over the operation records, so the figures the report prints are
 * unit-tested.
 */
import type { OpRecord } from './load';

/** One time window of the run. */
export interface TimeWindow {
  /** Window start, in seconds from the start of the run. */
  readonly startS: number;
  /** Operations that committed in the window (by the time the client heard so). */
  readonly committed: number;
  /** Operations that failed or ended unknown in the window. */
  readonly failed: number;
  /** Committed operations per second. */
  readonly throughput: number;
  /** Median latency of the operations committed in the window, ms; null when none. */
  readonly p50Ms: number | null;
  /** 99th percentile latency of the same, ms; null when none. */
  readonly p99Ms: number | null;
}

/**
 * The value at percentile `p` of sorted numbers (nearest rank).
 *
 * @param sorted - ascending values
 * @param p - percentile, 0-100
 * @returns the value, or null for no values
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? null;
}

/**
 * Buckets the operations by the time they settled.
 *
 * @param ops - the run's operations
 * @param windowMs - window length
 * @param durationMs - length of the run; windows cover [0, durationMs)
 * @returns one window per `windowMs`, empty ones included
 */
export function toWindows(
  ops: readonly OpRecord[],
  windowMs: number,
  durationMs: number,
): TimeWindow[] {
  const n = Math.max(1, Math.ceil(durationMs / windowMs));
  const latencies: number[][] = Array.from({ length: n }, () => []);
  const failed = new Array<number>(n).fill(0);
  for (const op of ops) {
    const i = Math.min(n - 1, Math.max(0, Math.floor(op.endMs / windowMs)));
    if (op.outcome.kind === 'committed') latencies[i]?.push(op.endMs - op.startMs);
    else failed[i] = (failed[i] ?? 0) + 1;
  }
  return latencies.map((l, i) => {
    const sorted = [...l].sort((a, b) => a - b);
    return {
      startS: (i * windowMs) / 1000,
      committed: l.length,
      failed: failed[i] ?? 0,
      throughput: (l.length * 1000) / windowMs,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
    };
  });
}

/** How throughput behaved after one fault. */
export interface Recovery {
  /** Median throughput over the baseline windows before the fault, tx/s. */
  readonly baselineTps: number;
  /** Throughput counted as recovered: `threshold` x baseline. */
  readonly thresholdTps: number;
  /** Seconds after the fault when throughput first fell below the threshold; null if it never did. */
  readonly dipAfterS: number | null;
  /**
   * Seconds from the fault until throughput was back at the threshold for `stable` windows in a
   * row: 0 when it never dipped, null when it had not recovered by the end of the observed span.
   */
  readonly recoveredAfterS: number | null;
  /** Longest run of windows with no commit at all after the fault, in seconds. */
  readonly longestZeroS: number;
}

/** Options of {@link recoveryAfter}. */
export interface RecoveryOptions {
  /** Fault time, seconds from the start of the run. */
  readonly atS: number;
  /** End of the span to look at (the next fault, or the end of the run), seconds. */
  readonly untilS: number;
  /** Seconds before the fault that make the baseline; 10 unless stated. */
  readonly baselineS?: number;
  /** Fraction of the baseline that counts as recovered; 0.5 unless stated. */
  readonly threshold?: number;
  /** Windows in a row at or above the threshold that count as recovered; 2 unless stated. */
  readonly stable?: number;
}

/**
 * Measures how long throughput took to come back after a fault: from the fault to the first of
 * `stable` consecutive windows at `threshold` x the median throughput of the windows before it,
 * each window's throughput taken as the mean of it and its two neighbours.
 *
 * @param windows - the run's windows, from {@link toWindows}
 * @param options - fault time, span and thresholds
 * @returns baseline, dip and recovery times
 */
export function recoveryAfter(
  windows: readonly TimeWindow[],
  options: Readonly<RecoveryOptions>,
): Recovery {
  const baselineS = options.baselineS ?? 10;
  const threshold = options.threshold ?? 0.5;
  const stable = options.stable ?? 2;
  const before = windows
    .filter((w) => w.startS < options.atS && w.startS >= options.atS - baselineS)
    .map((w) => w.throughput)
    .sort((a, b) => a - b);
  const baselineTps = percentile(before, 50) ?? 0;
  const thresholdTps = baselineTps * threshold;
  // Commits arrive a block at a time (every 0.5 s), so at a few operations per second one window
  // can fall below half the baseline by chance: dips and recovery are judged on the mean of each
  // window and its two neighbours; stretches without a commit on the windows themselves.
  const width = windowLength(windows);
  // The window holding the fault counts: it already shows the fault's effect, or it does not.
  // Neighbours are taken from the span only, so the next fault's effect never leaks into it.
  const span = windows.filter((w) => w.startS + width > options.atS && w.startS < options.untilS);
  let zero = 0;
  let longestZero = 0;
  for (const w of span) {
    zero = w.committed === 0 ? zero + 1 : 0;
    longestZero = Math.max(longestZero, zero);
  }
  const after = span.map((w, i) => {
    const near = span.slice(Math.max(0, i - 1), i + 2);
    return { ...w, throughput: near.reduce((sum, x) => sum + x.throughput, 0) / near.length };
  });
  const dipIdx = after.findIndex((w) => w.throughput < thresholdTps);
  const common = { baselineTps, thresholdTps, longestZeroS: longestZero * width };
  if (dipIdx < 0) return { ...common, dipAfterS: null, recoveredAfterS: 0 };
  const dipAfterS = Math.max(0, (after[dipIdx]?.startS ?? options.atS) - options.atS);
  for (let i = dipIdx + 1; i + stable - 1 < after.length; i++) {
    const run = after.slice(i, i + stable);
    if (run.every((w) => w.throughput >= thresholdTps)) {
      return { ...common, dipAfterS, recoveredAfterS: (after[i]?.startS ?? 0) - options.atS };
    }
  }
  return { ...common, dipAfterS, recoveredAfterS: null };
}

function windowLength(windows: readonly TimeWindow[]): number {
  const [a, b] = windows;
  return a !== undefined && b !== undefined ? b.startS - a.startS : 1;
}

/**
 * Committed operations per second between two times, by the time the client heard of each commit.
 *
 * @param ops - operations settled so far
 * @param fromMs - start of the span, ms from the start of the run
 * @param toMs - end of the span (exclusive)
 * @returns commits per second over the span; 0 for an empty span
 */
export function committedRate(ops: readonly OpRecord[], fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  let n = 0;
  for (const op of ops) {
    if (op.outcome.kind === 'committed' && op.endMs >= fromMs && op.endMs < toMs) n++;
  }
  return (n * 1000) / (toMs - fromMs);
}

/** What a fault did to the operations it met. */
export interface Impact {
  /** Operations in flight at some point between the fault and the end of its span. */
  readonly operations: number;
  /** Of those, how many took at least `slowMs` (a stall the throughput figure can hide). */
  readonly slow: number;
  /** Of those, how many the client was told failed or could not tell. */
  readonly notCommitted: number;
  /** The longest of their latencies, ms; null when there were none. */
  readonly maxLatencyMs: number | null;
}

/**
 * The operations a fault met: every one in flight at some point of [fromMs, untilMs). Throughput
 * can look recovered while a few operations wait out a 60 s deadline in slots the load does not
 * need, so the slow ones are counted on their own.
 *
 * @param ops - the run's operations
 * @param fromMs - the fault, ms from the start of the run
 * @param untilMs - end of its span (the next fault or the end of the load)
 * @param slowMs - latency that counts as stalled; 5000 unless stated
 * @returns counts and the longest latency
 */
export function impactOf(
  ops: readonly OpRecord[],
  fromMs: number,
  untilMs: number,
  slowMs = 5000,
): Impact {
  let operations = 0;
  let slow = 0;
  let notCommitted = 0;
  let maxLatencyMs: number | null = null;
  for (const op of ops) {
    if (op.startMs >= untilMs || op.endMs < fromMs) continue;
    const latency = op.endMs - op.startMs;
    operations++;
    if (latency >= slowMs) slow++;
    if (op.outcome.kind !== 'committed') notCommitted++;
    maxLatencyMs = Math.max(maxLatencyMs ?? 0, latency);
  }
  return { operations, slow, notCommitted, maxLatencyMs };
}
