/**
 * The steady-state run of the bench's knee search: its windows, total rate and spread are computed
 * from the same completions, and failures are counted. Nothing here asserts a speed.
 */
import { expect } from 'chai';
import {
  findKnee,
  kneeOf,
  runClosedLoop,
  runLatencyAtShare,
  runOpenLoop,
  runSteady,
  Sequence,
} from '../../../scripts/bench/load';

describe('bench: a steady-state run', () => {
  it('reports one rate per window, their mean as the throughput, and their spread', async () => {
    const r = await runSteady(
      () => new Promise((resolve) => setImmediate(resolve)),
      new Sequence(),
      2,
      {
        warmupMs: 10,
        windowMs: 30,
        windows: 3,
      },
    );
    const windows = r.windows ?? [];
    expect(windows).to.have.length(3);
    const mean = windows.reduce((a, b) => a + b, 0) / windows.length;
    expect(r.throughput).to.be.closeTo(mean, 1e-9);
    expect(r.spread).to.be.closeTo((Math.max(...windows) - Math.min(...windows)) / mean, 1e-9);
    expect(r).to.include({ concurrency: 2, durationMs: 90, failed: 0 });
  });

  it("reports the CPU each counted operation cost between the windows' start and end", async () => {
    let cpu = 0;
    const samples: number[] = [];
    const r = await runSteady(
      () =>
        new Promise((resolve) =>
          setImmediate(() => {
            cpu += 3;
            resolve(undefined);
          }),
        ),
      new Sequence(),
      1,
      {
        warmupMs: 10,
        windowMs: 20,
        windows: 2,
        sampleCpu: () => {
          samples.push(cpu);
          return { peers: cpu, client: 1 };
        },
      },
    );
    expect(samples).to.have.length(2);
    const [first = 0, last = 0] = samples;
    expect(r.completed).to.be.greaterThan(0);
    expect(r.cpuMsPerOp?.client).to.equal(0);
    // 3 ms of "CPU" per operation, counted over the operations completed inside the windows.
    const counted = ((r.windows ?? []).reduce((a, b) => a + b, 0) * 20) / 1000;
    expect(r.cpuMsPerOp?.peers).to.be.closeTo((last - first) / counted, 0.01);
    expect(r.cpuMsPerOp?.peers).to.be.within(2, 4);
  });

  it('counts failed operations and keeps the first error, with no rate from them', async () => {
    const r = await runSteady(
      () =>
        new Promise((_, reject) =>
          setImmediate(() => {
            reject(new Error('endorsement refused'));
          }),
        ),
      new Sequence(),
      1,
      { warmupMs: 5, windowMs: 20, windows: 2 },
    );
    expect(r.failed).to.be.greaterThan(0);
    expect(r.firstError).to.equal('endorsement refused');
    expect(r.windows).to.deep.equal([0, 0]);
    expect(r).to.include({ throughput: 0, spread: 0, completed: 0 });
  });
});

describe('bench: an open-loop run', () => {
  it('offers a warm-up it does not count, and marks when the measurement starts', async () => {
    const started: number[] = [];
    let markedAt: number | undefined;
    const t0 = performance.now();
    const r = await runOpenLoop(
      () => {
        started.push(performance.now() - t0);
        return new Promise((resolve) => setTimeout(resolve, 5));
      },
      new Sequence(),
      200,
      100,
      {
        warmupMs: 50,
        onMeasureStart: () => {
          markedAt = performance.now() - t0;
        },
      },
    );
    // 150 ms at 200/s: about 30 offered, of which the 20 scheduled after the warm-up count.
    expect(started.length).to.be.within(29, 31);
    expect(r.completed).to.be.within(19, 21);
    expect(r.failed).to.equal(0);
    expect(markedAt).to.be.a('number');
    expect(markedAt).to.be.at.least(45);
  });

  it('counts only measured failures, and calls the mark even when the run ends first', async () => {
    let marks = 0;
    const r = await runOpenLoop(
      () => Promise.reject(new Error('endorsement refused')),
      new Sequence(),
      100,
      50,
      {
        warmupMs: 30,
        onMeasureStart: () => {
          marks++;
        },
      },
    );
    expect(r.completed).to.equal(0);
    expect(r.failed).to.be.within(4, 6);
    expect(r.firstError).to.equal('endorsement refused');
    expect(marks).to.equal(1);
  });
});

describe('bench: a closed-loop run', () => {
  it('marks the measurement start in time for an operation that never yields to timers', async () => {
    let done = 0;
    let doneAtMark: number | undefined;
    const r = await runClosedLoop(
      () => {
        done++;
        return Promise.resolve();
      },
      new Sequence(),
      1,
      30,
      20,
      () => {
        doneAtMark = done;
      },
    );
    // A timer alone would fire only after the run, when every operation is done.
    expect(doneAtMark).to.be.a('number');
    expect(doneAtMark).to.be.greaterThan(0);
    expect(doneAtMark).to.be.lessThan(done);
    expect(r.completed).to.be.greaterThan(0);
  });

  it('samples the CPU at both ends of a steady run whose operations never yield', async () => {
    let cpu = 0;
    let samples = 0;
    const r = await runSteady(
      () => {
        cpu += 1;
        return Promise.resolve();
      },
      new Sequence(),
      1,
      {
        warmupMs: 10,
        windowMs: 10,
        windows: 2,
        sampleCpu: () => {
          samples++;
          return { peers: cpu };
        },
      },
    );
    expect(samples).to.equal(2);
    expect(r.cpuMsPerOp?.peers).to.be.closeTo(1, 0.05);
  });

  it('counts operations started after the warm-up and marks the measurement start once', async () => {
    let marks = 0;
    const r = await runClosedLoop(
      () => new Promise((resolve) => setTimeout(resolve, 2)),
      new Sequence(),
      2,
      // Long enough that a pause of the event loop (GC, another suite's timers) cannot swallow
      // the whole window: at 40 ms it did once in a full unit run.
      300,
      20,
      () => {
        marks++;
      },
    );
    expect(marks).to.equal(1);
    expect(r.completed).to.be.greaterThan(0);
    expect(r.failed).to.equal(0);
  });
});

describe('bench: the knee of a search', () => {
  const runs = (...throughputs: number[]): { throughput: number }[] =>
    throughputs.map((throughput) => ({ throughput }));

  it('stays at the run after which doubling gained less than the minimum, even if a later run measured a little more', () => {
    // 16-oracle report, d08fb51: 108.8 tx/s at 128 in flight, 112.3 at 256 (3% more).
    expect(kneeOf(runs(44.8, 76.8, 108.8, 112.3), 0.05)).to.deep.equal({ knee: 2, misses: 1 });
  });

  it('moves to a later run that beats the knee by the minimum, and counts misses from there', () => {
    expect(kneeOf(runs(10, 10.2, 11, 11.2), 0.05)).to.deep.equal({ knee: 2, misses: 1 });
    expect(kneeOf(runs(10, 10.2, 10.4), 0.05)).to.deep.equal({ knee: 0, misses: 2 });
  });

  it('takes the first run as the knee, and reports none without runs', () => {
    expect(kneeOf(runs(5), 0.05)).to.deep.equal({ knee: 0, misses: 0 });
    expect(kneeOf([], 0.05)).to.deep.equal({ knee: -1, misses: 0 });
  });

  it('counts a run below the knee as a miss', () => {
    expect(kneeOf(runs(20, 40, 30, 35), 0.05)).to.deep.equal({ knee: 1, misses: 2 });
  });
});

describe('bench: a knee search with a workload that uses items up', () => {
  it('refills before each level, outside its time, so no level runs out', async () => {
    let pool = 0;
    const refills: number[] = [];
    const op = async (): Promise<void> => {
      if (pool === 0) throw new Error('out of items');
      pool--;
      await new Promise((r) => setTimeout(r, 1));
    };
    const { runs } = await findKnee(op, new Sequence(), {
      start: 1,
      max: 4,
      durationMs: 30,
      warmupMs: 10,
      repeats: 1,
      minGain: 0.05,
      beforeLevel: async () => {
        refills.push(pool);
        pool = 10_000;
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    // An empty pool at the start: without the refill the first level would only fail.
    expect(refills[0]).to.equal(0);
    expect(refills).to.have.length(runs.length);
    for (const r of runs) {
      expect(r.failed).to.equal(0);
      expect(r.completed).to.be.greaterThan(0);
    }
  });
});

describe('bench: latency at a share of what the system sustains now', () => {
  it('offers the share of the steady run just before it, not of an older figure', async () => {
    // One server taking 3 ms per operation, one at a time: whatever the timers make of that is
    // the capacity the steady run measures, and the open-loop run must offer 75% of it.
    let queue = Promise.resolve();
    let calls = 0;
    const op = (): Promise<void> => {
      calls++;
      const done = queue.then(() => new Promise<void>((r) => setTimeout(r, 3)));
      queue = done;
      return done;
    };
    const seen: { basis: number; callsAtBetween: number }[] = [];
    const r = await runLatencyAtShare(op, new Sequence(), {
      share: 0.75,
      concurrency: 4,
      steady: { warmupMs: 20, windowMs: 60, windows: 2 },
      durationMs: 60,
      open: { warmupMs: 10 },
      between: async (basis) => {
        await queue;
        seen.push({ basis: basis.throughput, callsAtBetween: calls });
      },
    });
    expect(r.basis.concurrency).to.equal(4);
    expect(r.basis.windows).to.have.length(2);
    expect(r.basis.throughput).to.be.greaterThan(0);
    expect(seen).to.have.length(1);
    expect(seen[0]?.basis).to.equal(r.basis.throughput);
    // Operations ran after the hook (the latency run's), and it offered 75% of the basis.
    expect(calls).to.be.greaterThan(seen[0]?.callsAtBetween ?? Infinity);
    expect(r.latency.concurrency).to.equal(Math.round(r.basis.throughput * 0.75));
    expect(r.latency.completed).to.be.greaterThan(0);
  });
});
