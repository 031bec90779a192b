/** Throughput windows and recovery times of the chaos report. */
import { expect } from 'chai';
import type { OpRecord, Outcome } from '../../../scripts/chaos/load';
import {
  committedRate,
  impactOf,
  percentile,
  recoveryAfter,
  toWindows,
  type TimeWindow,
} from '../../../scripts/chaos/timeline';

const ok: Outcome = { kind: 'committed', transactionId: 't', blockNumber: 1, submitAttempts: 1 };
const bad: Outcome = { kind: 'failed', code: 'ConnectionError:UNAVAILABLE', message: 'down' };

function op(id: number, startMs: number, endMs: number, outcome: Outcome = ok): OpRecord {
  return { id, key: `k${String(id)}`, startMs, endMs, outcome };
}

/** Windows of 1 s with the given committed counts. */
function windows(counts: number[]): TimeWindow[] {
  return counts.map((c, i) => ({
    startS: i,
    committed: c,
    failed: 0,
    throughput: c,
    p50Ms: c > 0 ? 100 : null,
    p99Ms: c > 0 ? 100 : null,
  }));
}

describe('chaos timeline', () => {
  it('buckets operations by the time they settled, with the p50 of the committed ones', () => {
    const w = toWindows(
      [op(0, 0, 300), op(1, 100, 900), op(2, 200, 1200), op(3, 500, 1500, bad)],
      1000,
      3000,
    );
    expect(w).to.have.length(3);
    expect(w[0]).to.deep.equal({
      startS: 0,
      committed: 2,
      failed: 0,
      throughput: 2,
      p50Ms: 300,
      p99Ms: 800,
    });
    expect(w[1]).to.deep.include({ startS: 1, committed: 1, failed: 1, p50Ms: 1000 });
    expect(w[2]).to.deep.include({ committed: 0, failed: 0, throughput: 0, p50Ms: null });
  });

  it('takes the nearest-rank percentile and null for no values', () => {
    expect(percentile([1, 2, 3, 4], 50)).to.equal(2);
    expect(percentile([1, 2, 3, 4], 99)).to.equal(4);
    expect(percentile([], 50)).to.equal(null);
  });

  it('reports a recovery of 0 when throughput never fell below half its baseline', () => {
    const r = recoveryAfter(windows([10, 10, 10, 10, 8, 9, 10, 10]), { atS: 4, untilS: 8 });
    expect(r).to.deep.equal({
      baselineTps: 10,
      thresholdTps: 5,
      dipAfterS: null,
      recoveredAfterS: 0,
      longestZeroS: 0,
    });
  });

  it('measures from the fault to the first of two windows back at half the baseline', () => {
    // fault at 4 s; throughput falls at 5 s, is zero for 3 s, back from 9 s
    const r = recoveryAfter(windows([10, 10, 10, 10, 10, 2, 0, 0, 0, 6, 10, 10]), {
      atS: 4,
      untilS: 12,
    });
    expect(r.dipAfterS).to.equal(1);
    expect(r.recoveredAfterS).to.equal(5);
    expect(r.longestZeroS).to.equal(3);
  });

  it('does not count one good window between zeros as recovered', () => {
    const r = recoveryAfter(windows([10, 10, 10, 0, 0, 10, 0, 0, 10, 10, 10]), {
      atS: 3,
      untilS: 11,
    });
    expect(r.dipAfterS).to.equal(0);
    expect(r.recoveredAfterS).to.equal(5);
  });

  it('does not count one thin window as a dip', () => {
    const r = recoveryAfter(windows([10, 10, 10, 10, 4, 10, 10, 10]), { atS: 3, untilS: 8 });
    expect(r.dipAfterS).to.equal(null);
    expect(r.recoveredAfterS).to.equal(0);
  });

  it('reports null when throughput is not back by the end of the span', () => {
    const r = recoveryAfter(windows([10, 10, 10, 0, 0, 0, 10, 10]), { atS: 3, untilS: 6 });
    expect(r.dipAfterS).to.equal(0);
    expect(r.recoveredAfterS).to.equal(null);
  });

  it('computes commits per second over a span, ignoring failures', () => {
    const ops = [op(0, 0, 100), op(1, 0, 900), op(2, 0, 1500), op(3, 0, 500, bad)];
    expect(committedRate(ops, 0, 1000)).to.equal(2);
    expect(committedRate(ops, 0, 2000)).to.equal(1.5);
    expect(committedRate(ops, 1000, 1000)).to.equal(0);
  });

  it('counts the operations a fault met, the stalled ones and those not committed', () => {
    const ops = [
      op(0, 0, 900), // settled before the fault
      op(1, 500, 66_000), // in flight at the fault, waited out a 60 s deadline
      op(2, 2000, 2300),
      op(3, 3000, 9000, { kind: 'unknown', message: 'cannot tell' }),
      op(4, 20_000, 20_100), // after the span
    ];
    expect(impactOf(ops, 1000, 10_000)).to.deep.equal({
      operations: 3,
      slow: 2,
      notCommitted: 1,
      maxLatencyMs: 65_500,
    });
    expect(impactOf(ops, 30_000, 40_000)).to.deep.include({ operations: 1, maxLatencyMs: 65_500 });
    expect(impactOf([], 0, 1).maxLatencyMs).to.equal(null);
  });

  it("does not let the next fault's dip leak into this fault's last window", () => {
    // fault at 3 s; one thin window at 7 s, then the next fault at 8 s stops everything
    const r = recoveryAfter(windows([10, 10, 10, 10, 10, 10, 10, 4, 0, 0]), { atS: 3, untilS: 8 });
    expect(r.dipAfterS).to.equal(null);
    expect(r.recoveredAfterS).to.equal(0);
  });
});
