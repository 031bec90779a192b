/**
 * A closed-loop load generator: keeps a fixed number of operations in flight for a fixed time and
 * records every operation's latency. `findKnee` raises the number in flight until throughput stops
 * growing, which is where the system under test saturates on this machine; each level is measured
 * in its steady state (warm-up, then repeated windows whose spread is reported).
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
  /**
   * Throughput of each back-to-back window of a steady-state run ({@link runSteady}), in order;
   * `throughput` is their total over the whole measured time.
   */
  windows?: number[];
  /** (max − min) / mean of `windows`: how much the runs moved; above 0.1 the machine was noisy. */
  spread?: number;
  /**
   * CPU milliseconds per completed operation by component over the measured windows, when the run
   * was given a sampler ({@link SteadyOptions.sampleCpu}).
   */
  cpuMsPerOp?: Record<string, number>;
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
  onMeasureStart?: () => void,
): Promise<RunResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const warmEnd = performance.now() + warmupMs;
  const end = warmEnd + durationMs;
  let measuredEnd = warmEnd;
  const mark = atTime(warmEnd, onMeasureStart);
  const worker = async (): Promise<void> => {
    for (;;) {
      const start = performance.now();
      mark.check(start);
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
  mark.fire();
  return summarise(concurrency, latencies, failed, Math.max(1, measuredEnd - warmEnd), firstError);
}

/**
 * Calls `fn` once at `when` (a `performance.now()` time): from a timer, from `check(now)` when a
 * worker sees that time pass first, or at `fire()` if the run ends before. Workers check because an
 * operation that never waits on I/O (an in-process signer) runs only microtasks, and a timer would
 * not fire until the run ended. Used for CPU samples taken when a run's measurement starts or ends.
 */
function atTime(
  when: number,
  fn: (() => void) | undefined,
): { fire: () => void; check: (now: number) => void } {
  let done = fn === undefined;
  const fire = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    fn?.();
  };
  const timer = setTimeout(fire, Math.max(0, when - performance.now()));
  return {
    fire,
    check: (now) => {
      if (now >= when) fire();
    },
  };
}

/** How a steady-state run at one concurrency is measured. */
export interface SteadyOptions {
  /** Time the operations run before anything is counted, so the pipeline fills (ms). */
  readonly warmupMs: number;
  /** Length of each measured window (ms). */
  readonly windowMs: number;
  /** Number of back-to-back windows; their spread says how steady the rate was. */
  readonly windows: number;
  /**
   * Reads the CPU time used so far, by component (ms); sampled when the windows start and when
   * they end, for the CPU each operation cost at this load.
   */
  readonly sampleCpu?: () => Record<string, number>;
}

/** CPU milliseconds per operation by component between two samples, with their total. */
export function cpuPerOperation(
  before: Record<string, number>,
  after: Record<string, number>,
  completed: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const k of Object.keys(after)) {
    const v = ((after[k] ?? 0) - (before[k] ?? 0)) / Math.max(1, completed);
    out[k] = Math.round(v * 100) / 100;
    total += v;
  }
  out.total = Math.round(total * 100) / 100;
  return out;
}

/**
 * Runs `op` with `concurrency` operations in flight continuously through a warm-up and then
 * `windows` back-to-back measured windows. The workers never stop between windows, so each
 * window sees the system in its steady state rather than refilling a drained pipeline (a fresh
 * short run leaves submits bunched on the orderer's batch timeout). An operation counts towards
 * the window in which it completed; latencies are those of operations started after the warm-up.
 *
 * @param op - the operation
 * @param seq - the workload's sequence
 * @param concurrency - operations in flight
 * @param opts - warm-up, window length and count
 * @returns the whole measured time's throughput and latency, each window's throughput and their
 *   spread
 */
export async function runSteady(
  op: Operation,
  seq: Sequence,
  concurrency: number,
  opts: Readonly<SteadyOptions>,
): Promise<RunResult> {
  const latencies: number[] = [];
  const perWindow = Array.from({ length: opts.windows }, () => 0);
  let failed = 0;
  let firstError: string | undefined;
  const warmEnd = performance.now() + opts.warmupMs;
  const end = warmEnd + opts.windowMs * opts.windows;
  let cpuAtStart: Record<string, number> | undefined;
  let cpuAtEnd: Record<string, number> | undefined;
  const sampler = opts.sampleCpu;
  const startMark = atTime(
    warmEnd,
    sampler === undefined ? undefined : () => (cpuAtStart = sampler()),
  );
  const endMark = atTime(end, sampler === undefined ? undefined : () => (cpuAtEnd = sampler()));
  const worker = async (): Promise<void> => {
    for (;;) {
      const start = performance.now();
      startMark.check(start);
      endMark.check(start);
      if (start >= end) return;
      try {
        await op(seq.take());
        const stop = performance.now();
        if (stop >= warmEnd && stop < end) {
          const w = Math.floor((stop - warmEnd) / opts.windowMs);
          perWindow[w] = (perWindow[w] ?? 0) + 1;
        }
        if (start >= warmEnd) latencies.push(stop - start);
      } catch (err) {
        if (start >= warmEnd) failed++;
        firstError ??= err instanceof Error ? err.message.slice(0, 300) : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  startMark.fire();
  endMark.fire();
  const windows = perWindow.map((n) => (n * 1000) / opts.windowMs);
  const total = perWindow.reduce((a, b) => a + b, 0);
  const measuredMs = opts.windowMs * opts.windows;
  const result = summarise(concurrency, latencies, failed, measuredMs, firstError);
  const mean = (total * 1000) / measuredMs;
  return {
    ...result,
    throughput: mean,
    windows,
    spread: mean === 0 ? 0 : (Math.max(...windows) - Math.min(...windows)) / mean,
    ...(cpuAtStart !== undefined && cpuAtEnd !== undefined
      ? { cpuMsPerOp: cpuPerOperation(cpuAtStart, cpuAtEnd, total) }
      : {}),
  };
}

/** The outcome of a knee search. */
export interface KneeResult {
  runs: RunResult[];
  knee: RunResult;
}

/**
 * Doubles the number in flight from `start` until two runs in a row fail to beat the knee by
 * `minGain` (default 5%), or `max` is reached; the knee is chosen by {@link kneeOf}. Two misses,
 * not one, because a single noisy run on a shared 2-core machine would otherwise end the search
 * early. Each level is a steady-state run ({@link runSteady}): a warm-up (default 3 s),
 * then `repeats` windows (default 3) of `durationMs` (default 5 s) back to back, whose spread is
 * reported with the run.
 */
export async function findKnee(
  op: Operation,
  seq: Sequence,
  opts: Readonly<{
    start?: number;
    max?: number;
    durationMs?: number;
    warmupMs?: number;
    repeats?: number;
    minGain?: number;
    log?: (r: RunResult) => void;
    sampleCpu?: () => Record<string, number>;
    /** Runs before each level, outside its warm-up and windows (a workload's refill). */
    beforeLevel?: () => Promise<void>;
  }>,
): Promise<KneeResult> {
  const runs: RunResult[] = [];
  const minGain = opts.minGain ?? 0.05;
  let at = kneeOf(runs, minGain);
  for (let c = opts.start ?? 1; c <= (opts.max ?? 256); c *= 2) {
    await opts.beforeLevel?.();
    const r = await runSteady(op, seq, c, {
      warmupMs: opts.warmupMs ?? 3000,
      windowMs: opts.durationMs ?? 5000,
      windows: opts.repeats ?? 3,
      ...(opts.sampleCpu === undefined ? {} : { sampleCpu: opts.sampleCpu }),
    });
    runs.push(r);
    opts.log?.(r);
    at = kneeOf(runs, minGain);
    if (at.misses >= 2) break;
  }
  const best = runs[at.knee];
  if (best === undefined) throw new Error('no run completed');
  return { runs, knee: best };
}

/**
 * The knee of a search's runs, in the order they ran (the number in flight doubling): the first
 * run is the knee until a later one beats it by `minGain`; a run that does not is a miss and
 * leaves the knee where it was, even when it measured a little more. So the knee is the smallest
 * number in flight after which doubling it bought less than `minGain`, where the curve flattens,
 * not the highest of a few noisy figures: past that point more in flight only queues longer, and
 * on a saturated machine each transaction costs more CPU there (bench/results of d08fb51: the
 * 16-oracle report 16.6 ms per transaction at 256 in flight and 15.8 at 128, for 112 and 109 tx/s).
 *
 * @param runs - the runs so far, in search order
 * @param minGain - the fraction a run must beat the knee by to become it
 * @returns the knee's index in `runs` (-1 when there are none) and the misses since it
 */
export function kneeOf(
  runs: readonly Pick<RunResult, 'throughput'>[],
  minGain: number,
): { knee: number; misses: number } {
  let knee = -1;
  let misses = 0;
  runs.forEach((r, i) => {
    const at = runs[knee];
    if (at !== undefined && r.throughput < at.throughput * (1 + minGain)) {
      misses++;
    } else {
      knee = i;
      misses = 0;
    }
  });
  return { knee, misses };
}

/** How an open-loop run is warmed up and measured. */
export interface OpenLoopOptions {
  /**
   * Time the operations are offered at the same rate before anything is counted (ms, default 0),
   * so the pipeline is full when the measurement starts.
   */
  readonly warmupMs?: number;
  /** Called when the measured part starts (after the warm-up), e.g. to sample CPU. */
  readonly onMeasureStart?: () => void;
  /** Operations in flight at most; a slot that finds the cap reached counts as failed. */
  readonly maxOutstanding?: number;
}

/**
 * Offers operations at a fixed rate (open loop) for a warm-up and then `durationMs`, and records
 * the latency of each operation scheduled after the warm-up from its scheduled start, so a slow
 * system shows up as latency rather than as a lower offered load. At most `maxOutstanding`
 * operations are in flight; a schedule slot that finds the cap reached counts as failed.
 *
 * @returns achieved throughput (measured operations over the time from the warm-up's end until
 *   the last of them completed) and latency percentiles at the offered rate
 */
export async function runOpenLoop(
  op: Operation,
  seq: Sequence,
  ratePerSecond: number,
  durationMs: number,
  opts: Readonly<OpenLoopOptions> = {},
): Promise<RunResult> {
  const warmupMs = opts.warmupMs ?? 0;
  const maxOutstanding = opts.maxOutstanding ?? 4096;
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let outstanding = 0;
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  const warmEnd = start + warmupMs;
  const mark = atTime(warmEnd, opts.onMeasureStart);
  let measuredEnd = warmEnd;
  const pending: Promise<void>[] = [];
  for (let k = 0; ; k++) {
    const due = start + k * interval;
    if (due - warmEnd >= durationMs) break;
    const measured = due >= warmEnd;
    mark.check(performance.now());
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (outstanding >= maxOutstanding) {
      if (measured) failed++;
      continue;
    }
    outstanding++;
    pending.push(
      op(seq.take()).then(
        () => {
          outstanding--;
          if (!measured) return;
          const now = performance.now();
          latencies.push(now - due);
          measuredEnd = Math.max(measuredEnd, now);
        },
        (err: unknown) => {
          outstanding--;
          if (measured) failed++;
          firstError ??= err instanceof Error ? err.message.slice(0, 300) : String(err);
        },
      ),
    );
  }
  await Promise.all(pending);
  mark.fire();
  return summarise(
    Math.round(ratePerSecond),
    latencies,
    failed,
    Math.max(1, measuredEnd - warmEnd),
    firstError,
  );
}

/** How {@link runLatencyAtShare} measures. */
export interface LatencyAtShareOptions {
  /** The share of the sustained rate the latency run offers (0.75). */
  readonly share: number;
  /** Operations in flight in the steady run that measures the sustained rate (the knee's). */
  readonly concurrency: number;
  /** The steady run's warm-up and windows. */
  readonly steady: Readonly<SteadyOptions>;
  /** Measured time of the open-loop run (ms). */
  readonly durationMs: number;
  /** The open-loop run's warm-up and measurement mark. */
  readonly open?: Readonly<OpenLoopOptions>;
  /**
   * Runs between the two, outside both, given the steady run's result (to log it, refill, wait for
   * the network to go quiet).
   */
  readonly between?: (basis: RunResult) => Promise<void>;
}

/** What {@link runLatencyAtShare} measured. */
export interface LatencyAtShare {
  /** The steady run just before the latency run: the rate the system sustained then. */
  readonly basis: RunResult;
  /** The open-loop run offering `share` of the basis's throughput. */
  readonly latency: RunResult;
}

/**
 * Latency at a share of what the system sustains now: a steady run at the given concurrency
 * measures the rate, and an open-loop run then offers `share` of it. A rate measured minutes
 * earlier (the knee search's) is not a safe basis on a shared machine whose speed moves by half
 * within minutes: 75% of a knee the machine no longer has is an overload, and its p50 measures
 * a growing queue instead of the latency at that load.
 *
 * @param op - the operation
 * @param seq - the workload's sequence
 * @param opts - the share, the concurrency, both runs' settings and what runs between them
 * @returns the basis run and the latency run (whose `concurrency` is the offered rate)
 */
export async function runLatencyAtShare(
  op: Operation,
  seq: Sequence,
  opts: Readonly<LatencyAtShareOptions>,
): Promise<LatencyAtShare> {
  const basis = await runSteady(op, seq, opts.concurrency, opts.steady);
  await opts.between?.(basis);
  const latency = await runOpenLoop(
    op,
    seq,
    Math.max(1, basis.throughput * opts.share),
    opts.durationMs,
    opts.open,
  );
  return { basis, latency };
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
   * Compare with the baseline head to head: both run alternately, three times each, so machine
   * noise and drift over the minutes between two knee searches hit both alike. `true` or
   * `'baseline-knee'`: both at the baseline's knee concurrency (the library against the client it
   * wraps, on equal terms); `'own-knee'`: each at its own knee concurrency (a heavier workload
   * whose throughput falls past its own knee is compared at its best, as the knee ratio is).
   */
  paired?: boolean | 'baseline-knee' | 'own-knee';
  /**
   * The operation runs inside this process (a signer): an open-loop schedule would measure the
   * scheduler, not the operation, so latency comes from a closed loop at 75% of the knee's
   * concurrency instead.
   */
  inProcess?: boolean;
  /** Each operation submits a transaction and waits for its commit (the latency target applies). */
  submit?: boolean;
  /**
   * Tops up what the operation uses up (the vote's fresh proposals), outside any measured time:
   * the runner calls it before each knee-search level, the latency run and each head-to-head run.
   */
  refill?: () => Promise<void>;
  teardown?: () => Promise<void>;
}
