/**
 * Issue 16's targets evaluated from a run's figures: which workloads each target reads, that the
 * library's must hold in every head-to-head run, the CPU comparison beside the throughput one,
 * and the latency limit from the batch timeout. No speed is asserted; the figures are made up.
 */
import { expect } from 'chai';
import type { RunResult } from '../../../scripts/bench/load';
import {
  cpuRatio,
  durationMs,
  evaluateTargets,
  spreadOf,
  type MeasuredWorkload,
} from '../../../scripts/bench/targets';

function run(throughput: number, p50Ms: number): RunResult {
  return {
    concurrency: 8,
    durationMs: 1000,
    completed: throughput,
    failed: 0,
    throughput,
    p50Ms,
    p95Ms: p50Ms,
    p99Ms: p50Ms,
  };
}

function workload(
  name: string,
  p50Ms: number,
  extra: Partial<MeasuredWorkload> = {},
): MeasuredWorkload {
  return { name, knee: run(100, p50Ms), latency: run(75, p50Ms), ...extra };
}

describe('bench: targets', () => {
  it('fails the library target when one head-to-head run is below 1.0 though the series is above', () => {
    const [t] = evaluateTargets(
      [
        workload('lib-noop-submit', 400, {
          ratio: {
            baseline: 'noop-submit',
            value: 1.05,
            how: 'paired',
            runs: [1.1, 0.98, 1.07],
            cpuRuns: [1.02, 1.01, 1.0],
          },
        }),
      ],
      '0.5s',
    );
    expect(t).to.include({ id: 'ratio:lib-noop-submit', met: false, metByCpu: true });
    expect(t?.measured).to.deep.equal([1.1, 0.98, 1.07]);
  });

  it('gives the library target no verdict without three head-to-head runs, whatever the series figure', () => {
    const lib = (runs?: number[]): MeasuredWorkload =>
      workload('lib-noop-evaluate', 20, {
        ratio: {
          baseline: 'noop-evaluate',
          value: 1.2,
          how: 'knee',
          ...(runs === undefined ? {} : { runs }),
        },
      });
    expect(evaluateTargets([lib()], '0.5s')).to.deep.equal([]);
    expect(evaluateTargets([lib([1.1, 1.2])], '0.5s')).to.deep.equal([]);
    expect(evaluateTargets([lib([1.1, 1.2, 1.3])], '0.5s')[0]).to.include({
      id: 'ratio:lib-noop-evaluate',
      met: true,
    });
  });

  it('leaves out the latency target of a submit workload whose run at 75% of the knee did not happen', () => {
    const noLatency: MeasuredWorkload = { name: 'noop-submit', knee: run(100, 100), submit: true };
    expect(evaluateTargets([noLatency], '0.5s')).to.deep.equal([]);
  });

  it('compares votes with the MAJORITY no-op and leaves the target out when another baseline was used', () => {
    const vote = (baseline: string): MeasuredWorkload =>
      workload('membership-vote', 500, { ratio: { baseline, value: 0.85, how: 'knee' } });
    expect(evaluateTargets([vote('noop-submit-majority')], '0.5s')[0]).to.include({
      id: 'ratio:membership-vote',
      threshold: 0.8,
      met: true,
    });
    expect(evaluateTargets([vote('noop-submit')], '0.5s')).to.deep.equal([]);
  });

  it('marks a report target missed by CPU while met by throughput', () => {
    const [t] = evaluateTargets(
      [
        workload('report-31-oracles', 500, {
          ratio: { baseline: 'noop-submit', value: 0.61, cpuValue: 0.5, how: 'knee' },
        }),
      ],
      '0.5s',
    );
    expect(t).to.include({ met: true, metByCpu: false, threshold: 0.6 });
    expect(t?.cpuMeasured).to.deep.equal([0.5]);
  });

  it('sets the latency limit of every submit workload at the batch timeout plus 150 ms', () => {
    const targets = evaluateTargets(
      [
        workload('noop-submit', 2149, { submit: true }),
        workload('report-16-oracles', 2151, { submit: true }),
        workload('noop-evaluate', 5000),
      ],
      '2s',
    );
    expect(targets.map((t) => [t.id, t.threshold, t.met])).to.deep.equal([
      ['latency:noop-submit', 2150, true],
      ['latency:report-16-oracles', 2150, false],
    ]);
  });

  it('reads 500ms and 0.5s as the same duration and refuses a bare number', () => {
    expect(durationMs('500ms')).to.equal(500);
    expect(durationMs('0.5s')).to.equal(500);
    expect(() => durationMs('500')).to.throw(Error, "not a duration: '500'");
  });

  it("gives the baseline's CPU over the workload's, and nothing without both totals", () => {
    expect(cpuRatio({ total: 10 }, { total: 20 })).to.equal(0.5);
    expect(cpuRatio({ total: 10 }, { peers: 3 })).to.equal(undefined);
  });

  it('measures spread as (max - min) / mean', () => {
    expect(spreadOf([90, 100, 110])).to.be.closeTo(0.2, 1e-12);
    expect(spreadOf([100])).to.equal(0);
  });
});
