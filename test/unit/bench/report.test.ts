/**
 * The benchmark report's writers: the README section between its markers and nothing else is
 * replaced, a README without the markers is refused, and the headline table shows each target's
 * verdict from the stored evaluation.
 */
import { expect } from 'chai';
import {
  END_MARKER,
  headlineSection,
  replaceSection,
  START_MARKER,
} from '../../../scripts/bench/readme';
import { throughputChart } from '../../../scripts/bench/charts';
import { toMarkdown } from '../../../scripts/bench/report';
import type { BenchReport, WorkloadResult } from '../../../scripts/bench/results';
import type { TargetResult } from '../../../scripts/bench/targets';

const run = (throughput: number) => ({
  concurrency: 64,
  durationMs: 5000,
  completed: throughput * 5,
  failed: 0,
  throughput,
  p50Ms: 450,
  p95Ms: 600,
  p99Ms: 700,
});

/**
 * A report of a noop-submit baseline at 200 tx/s, the given workloads after it and the given
 * targets; the rest is what the writers need and nothing they judge.
 */
const reportWith = (workloads: WorkloadResult[], targets: TargetResult[]): BenchReport => ({
  startedAt: '2026-12-03T07:00:00.000Z',
  machine: { cpus: 2, model: 'test', memoryGiB: 24, node: 'v20' },
  settings: { batchTimeout: '0.5s' },
  workloads: [{ name: 'noop-submit', description: '', knee: run(200), runs: [] }, ...workloads],
  targets,
  extra: {},
});

/** The 16-oracle report target as evaluated, with what was measured. */
const report16Target = (
  measured: number,
  cpuMeasured: number,
  met: boolean,
  metByCpu: boolean,
): TargetResult => ({
  id: 'ratio:report-16-oracles',
  label: '16-oracle report over no-op submit',
  workload: 'report-16-oracles',
  unit: 'ratio',
  comparator: '>=',
  threshold: 0.75,
  measured: [measured],
  cpuMeasured: [cpuMeasured],
  met,
  metByCpu,
});

describe('bench: report', () => {
  it('replaces only the text between the markers', () => {
    const readme = `# Title\n\nbefore\n\n${START_MARKER}\n\nold table\n\n${END_MARKER}\n\nafter\n`;
    expect(replaceSection(readme, 'new table\n')).to.equal(
      `# Title\n\nbefore\n\n${START_MARKER}\n\nnew table\n\n${END_MARKER}\n\nafter\n`,
    );
  });

  it('refuses a README without the end marker, naming the markers', () => {
    expect(() => replaceSection(`${START_MARKER}\n`, 'x')).to.throw(
      Error,
      `README.md lacks the markers ${START_MARKER}`,
    );
  });

  it('shows the stored verdict of a target and says when a target was not measured', () => {
    const report = reportWith(
      [
        {
          name: 'report-16-oracles',
          description: '',
          knee: run(120),
          runs: [],
          ratio: { baseline: 'noop-submit', value: 0.6, cpuValue: 0.7, how: 'knee' },
        },
      ],
      [report16Target(0.6, 0.7, false, false)],
    );
    const lines = headlineSection(report).split('\n');
    expect(lines).to.include(
      '| 16-oracle report over no-op submit | 0.60; by CPU per tx 0.70 | ≥ 0.75 | **missed** (by CPU: missed) |',
    );
    expect(lines).to.include(
      '| 31-oracle report over no-op submit | not measured in this run |  | not measured |',
    );
  });

  it('shows a head-to-head ratio with its runs, and ticks the target on those runs in the chart', () => {
    const pair = (baselineThroughput: number, throughput: number) => ({
      baselineThroughput,
      throughput,
      baselineCpuMsPerOp: { total: 10 },
      cpuMsPerOp: { total: 13 },
    });
    const report = reportWith(
      [
        {
          name: 'report-16-oracles',
          description: '',
          knee: run(150),
          runs: [],
          paired: [pair(200, 160), pair(180, 130), pair(190, 140)],
          ratio: {
            baseline: 'noop-submit',
            value: 430 / 570,
            runs: [0.8, 130 / 180, 140 / 190],
            cpuValue: 10 / 13,
            cpuRuns: [10 / 13, 10 / 13, 10 / 13],
            how: 'alternately',
          },
        },
      ],
      [report16Target(430 / 570, 10 / 13, true, true)],
    );
    expect(headlineSection(report).split('\n')).to.include(
      '| 16-oracle report over no-op submit | 0.75 (runs 0.80 / 0.72 / 0.74); by CPU per tx 0.77 (runs 0.77 / 0.77 / 0.77) | ≥ 0.75 | **met** (by CPU: met) |',
    );
    const svg = throughputChart(report);
    // Each run's own verdict, and the verdict of the runs together on the last one.
    expect(svg).to.include('head to head 1: report-16-oracles');
    expect(svg).to.include('≥ 0.75×: met');
    expect(svg).to.include('≥ 0.75×: missed (runs together: met)');
    // No second tick on the knee bar, whose ratio is not the one judged.
    expect(svg).to.include('(knee; ratio from the head-to-head runs)');
    expect(svg.match(/target ≥ 0\.75×/g)).to.equal(null);
  });

  it('says what each latency run offered against the rate sustained just before it', () => {
    const report = reportWith([], []);
    report.workloads[0] = {
      name: 'noop-submit',
      description: '',
      knee: run(240),
      latencyBasis: run(180),
      latency: { ...run(133), concurrency: 135 },
      runs: [],
    };
    expect(toMarkdown(report).split('\n')).to.include(
      '| noop-submit | 240.0 | 180.0 (64) | 135 | 133.0 |',
    );
    expect(headlineSection(report)).to.include(
      '240 tx/s at 64 in flight; p50 450 ms at 75% of the 180 tx/s it sustained just before',
    );
  });
});
