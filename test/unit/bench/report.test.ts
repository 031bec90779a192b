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
import type { BenchReport } from '../../../scripts/bench/results';

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
    const report: BenchReport = {
      startedAt: '2026-12-02T15:00:00.000Z',
      machine: { cpus: 2, model: 'test', memoryGiB: 24, node: 'v20' },
      settings: { batchTimeout: '0.5s' },
      workloads: [
        { name: 'noop-submit', description: '', knee: run(200), runs: [] },
        {
          name: 'report-16-oracles',
          description: '',
          knee: run(120),
          runs: [],
          ratio: { baseline: 'noop-submit', value: 0.6, cpuValue: 0.7, how: 'knee' },
        },
      ],
      targets: [
        {
          id: 'ratio:report-16-oracles',
          label: '16-oracle report over no-op submit',
          workload: 'report-16-oracles',
          unit: 'ratio',
          comparator: '>=',
          threshold: 0.75,
          measured: [0.6],
          cpuMeasured: [0.7],
          met: false,
          metByCpu: false,
        },
      ],
      extra: {},
    };
    const lines = headlineSection(report).split('\n');
    expect(lines).to.include(
      '| 16-oracle report over no-op submit | 0.60; by CPU per tx 0.70 | ≥ 0.75 | **missed** (by CPU: missed) |',
    );
    expect(lines).to.include(
      '| 31-oracle report over no-op submit | not measured in this run |  | not measured |',
    );
  });
});
