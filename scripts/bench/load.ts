/**
 * A closed-loop load generator: keeps a fixed number of operations in flight for a fixed time and
 * records every operation's latency. `findKnee` raises the number in flight until throughput stops
 * growing, which is where the system under test saturates on this machine.
 */

/** One operation of a workload; `i` is a unique sequence number for the run. */
export type Operation = (i: number) => Promise<unknown>;

/** What one run at a fixed concurrency measured. */
export interface RunResult {
  concurrency: number;
  durationMs: number;
  completed: number;
  failed: number;
  throughput: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  firstError?: string;
}

/** A shared sequence so operations never reuse a number across runs of one workload. */
export class Sequence {
  #next = 0;
  /** The next unused number. */
  take(): number {
    return this.#next++;
  }
}

/** Turns the latencies and failures of one run into its result. */
function summarise(
  concurrency: number,
  latencies: number[],
  failed: number,
  windowMs: number,
  firstError: string | undefined,
): RunResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    concurrency,
    durationMs: windowMs,
    completed: sorted.length,
    failed,
    throughput: (sorted.length * 1000) / windowMs,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    ...(firstError === undefined ? {} : { firstError }),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? Number.NaN;
}

/**
 * Runs `op` with `concurrency` operations in flight for `durationMs` (after a warm-up).
 *
 * @returns throughput (completed operations per second) and latency percentiles
 */
export async function runClosedLoop(
  op: Operation,
  seq: Sequence,
  concurrency: number,
  durationMs: number,
  warmupMs = 1000,
): Promise<RunResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const warmEnd = performance.now() + warmupMs;
  const end = warmEnd + durationMs;
  let measuredEnd = warmEnd;
  const worker = async (): Promise<void> => {
    for (;;) {
      const start = performance.now();
      if (start >= end) return;
      try {
        await op(seq.take());
        const stop = performance.now();
        if (start >= warmEnd) {
          latencies.push(stop - start);
          measuredEnd = Math.max(measuredEnd, stop);
        }
      } catch (err) {
        if (start >= warmEnd) failed++;
        firstError ??= err instanceof Error ? err.message.slice(0, 300) : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return summarise(concurrency, latencies, failed, Math.max(1, measuredEnd - warmEnd), firstError);
}

/** The outcome of a knee search. */
export interface KneeResult {
  runs: RunResult[];
  knee: RunResult;
}

/**
 * Doubles the number in flight from `start` until two runs in a row fail to beat the best
 * throughput so far by `minGain` (default 5%), or `max` is reached; the knee is the best run seen.
 * Two misses, not one, because a single noisy run on a shared 2-core machine would otherwise end
 * the search early.
 */
export async function findKnee(
  op: Operation,
  seq: Sequence,
  opts: Readonly<{
    start?: number;
    max?: number;
    durationMs?: number;
    minGain?: number;
    log?: (r: RunResult) => void;
  }>,
): Promise<KneeResult> {
  const runs: RunResult[] = [];
  const minGain = opts.minGain ?? 0.05;
  let best: RunResult | undefined;
  let misses = 0;
  for (let c = opts.start ?? 1; c <= (opts.max ?? 256); c *= 2) {
    const r = await runClosedLoop(op, seq, c, opts.durationMs ?? 5000);
    runs.push(r);
    opts.log?.(r);
    if (best !== undefined && r.throughput < best.throughput * (1 + minGain)) {
      if (r.throughput > best.throughput) best = r;
      if (++misses >= 2) break;
      continue;
    }
    misses = 0;
    best = r;
  }
  if (best === undefined) throw new Error('no run completed');
  return { runs, knee: best };
}

/**
 * Offers operations at a fixed rate (open loop) for `durationMs` and records each latency from its
 * scheduled start, so a slow system shows up as latency rather than as a lower offered load. At
 * most `maxOutstanding` operations are in flight; a schedule slot that finds the cap reached counts
 * as failed.
 *
 * @returns achieved throughput and latency percentiles at the offered rate
 */
export async function runOpenLoop(
  op: Operation,
  seq: Sequence,
  ratePerSecond: number,
  durationMs: number,
  maxOutstanding = 4096,
): Promise<RunResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let outstanding = 0;
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let k = 0; ; k++) {
    const due = start + k * interval;
    if (due - start >= durationMs) break;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (outstanding >= maxOutstanding) {
      failed++;
      continue;
    }
    outstanding++;
    pending.push(
      op(seq.take()).then(
        () => {
          latencies.push(performance.now() - due);
          outstanding--;
        },
        (err: unknown) => {
          failed++;
          outstanding--;
          firstError ??= err instanceof Error ? err.message.slice(0, 300) : String(err);
        },
      ),
    );
  }
  await Promise.all(pending);
  return summarise(
    Math.round(ratePerSecond),
    latencies,
    failed,
    Math.max(1, performance.now() - start),
    firstError,
  );
}

/** A workload the runner measures: a knee search, then a latency run at ~75% of the knee. */
export interface Workload {
  name: string;
  description: string;
  /** Prepares state; returns the operation to measure. */
  setup: () => Promise<Operation>;
  /** Name of the workload this one is compared with, and the target ratio. */
  baseline?: { name: string; target?: number };
  /** Fixed in-flight counts to try instead of doubling from 1 (for expensive operations). */
  startInFlight?: number;
  /**
   * Compare with the baseline head to head: both run alternately at the baseline's knee
   * concurrency, three times each, so machine noise hits both alike.
   */
  paired?: boolean;
  /**
   * The operation runs inside this process (a signer): an open-loop schedule would measure the
   * scheduler, not the operation, so latency comes from a closed loop at 75% of the knee's
   * concurrency instead.
   */
  inProcess?: boolean;
  teardown?: () => Promise<void>;
}
