/**
 * The cost bench's printed curve: one row per operation with its CPU and p50 at each size, and the
 * growth of CPU from the smallest size to the largest. The figures are made up; no speed asserted.
 */
import { expect } from 'chai';
import { curveText, type CostDimension, type OpCost } from '../../../scripts/bench/cost';

const op = (cpu: number, p50Ms: number): OpCost => ({
  throughput: 10,
  p50Ms,
  p99Ms: p50Ms,
  completed: 10,
  failed: 0,
  cpuMsPerOp: { total: cpu },
});

describe('bench:cost curve', () => {
  it('prints each operation at every size with the CPU growth from the first size to the last', () => {
    const d: CostDimension = {
      dimension: 'feeds',
      description: 'feeds of 4 oracles',
      measuredAt: '2026-12-02T00:00:00Z',
      points: [
        { size: 10, state: { feeds: 10 }, seedSeconds: 1, ops: { report: op(20, 600) } },
        { size: 10000, state: { feeds: 10000 }, seedSeconds: 70, ops: { report: op(25, 640) } },
      ],
    };
    const lines = curveText(d).split('\n');
    const row = lines.find((l) => l.startsWith('report'));
    expect(row).to.match(/20\.00 ms CPU, p50 600 ms +25\.00 ms CPU, p50 640 ms +x1\.25$/);
    expect(lines).to.include('  size 10000: feeds 10000; seeded in 70 s');
  });
});
