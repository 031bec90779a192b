/**
 * The cost bench's printed curve: one row per operation with its CPU and p50 at each size, and the
 * growth of CPU from the smallest size to the largest. The figures are made up; no speed asserted.
 */
import { expect } from 'chai';
import { pagedFeedRounds, submitAgreed } from '../../../scripts/bench/cost';
import {
  comparablePoints,
  cpuGrowth,
  curveText,
  type CostDimension,
  type OpCost,
} from '../../../scripts/bench/cost-curve';

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

describe('bench:cost pages compared', () => {
  // A rounds dimension whose paged feed holds 1, then 201, then 500 rounds: its first page has
  // 1 record at the first size and 100 after; its middle page 1, then 100, then 100.
  const d: CostDimension = {
    dimension: 'rounds',
    description: 'rounds',
    measuredAt: '2026-12-04T00:00:00Z',
    points: [
      {
        size: 1,
        state: { recordsPerPage: 1, middlePageRecords: 1 },
        seedSeconds: 1,
        ops: { report: op(20, 600), 'page h: first': op(2.5, 10), 'page h: middle': op(2.5, 10) },
      },
      {
        size: 1000,
        state: { recordsPerPage: 100, middlePageRecords: 100 },
        seedSeconds: 100,
        ops: { report: op(15, 600), 'page h: first': op(4, 15), 'page h: middle': op(4.2, 15) },
      },
      {
        size: 100000,
        state: { recordsPerPage: 100, middlePageRecords: 100 },
        seedSeconds: 400,
        ops: { report: op(15.3, 600), 'page h: first': op(4.4, 15), 'page h: middle': op(4.2, 15) },
      },
    ],
  };

  it('only between sizes where the page is as full as it gets; other operations at every size', () => {
    expect(comparablePoints(d, 'page h: first').map((p) => p.size)).to.deep.equal([1000, 100000]);
    expect(comparablePoints(d, 'report').map((p) => p.size)).to.deep.equal([1, 1000, 100000]);
    expect(cpuGrowth(d, 'page h: middle')).to.deep.equal({
      from: 4.2,
      to: 4.2,
      note: 'pages of 100 records, from size 1000',
    });
    expect(cpuGrowth(d, 'report')).to.deep.equal({ from: 20, to: 15.3 });
    const row = curveText(d)
      .split('\n')
      .find((l) => l.startsWith('page h: first'));
    expect(row).to.match(/x1\.10 \(pages of 100 records, from size 1000\)$/);
  });

  it('at every size when no two sizes have a page equally full', () => {
    const two: CostDimension = { ...d, points: d.points.slice(0, 2) };
    expect(comparablePoints(two, 'page h: first').map((p) => p.size)).to.deep.equal([1, 1000]);
    expect(cpuGrowth(two, 'page h: first')).to.deep.equal({ from: 2.5, to: 4 });
  });

  it('on a paged feed with every round at size 1, else two full pages and a record or more', () => {
    expect(pagedFeedRounds(1)).to.equal(1);
    expect(pagedFeedRounds(150)).to.equal(150);
    expect(pagedFeedRounds(300)).to.equal(201);
    expect(pagedFeedRounds(1000)).to.equal(201);
    expect(pagedFeedRounds(100000)).to.equal(500);
  });
});

describe('bench:cost seeding submits', () => {
  const failure = (name: string, code: number) => Object.assign(new Error(name), { name, code });

  /** A submit that throws the given errors in turn, then succeeds; counts its calls. */
  function flaky(errors: Error[]) {
    const calls = { n: 0 };
    const submit = () => {
      const err = errors[calls.n++];
      return err === undefined ? Promise.resolve('ok') : Promise.reject(err);
    };
    return { submit, calls };
  }

  it('are made again after endorsers disagreed or a read was invalidated at commit', async () => {
    const { submit, calls } = flaky([
      failure('EndorseError', 10),
      failure('CommitError', 12),
      failure('CommitError', 11),
    ]);
    await submitAgreed(submit, 1);
    expect(calls.n).to.equal(4);
  });

  it('are not made again after any other failure', async () => {
    for (const err of [
      failure('CommitError', 10),
      failure('EndorseError', 2),
      failure('SubmitError', 10),
      new Error('[NOT_A_MEMBER] Org3MSP'),
    ]) {
      const { submit, calls } = flaky([err]);
      let thrown: unknown;
      try {
        await submitAgreed(submit, 1);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).to.equal(err);
      expect(calls.n).to.equal(1);
    }
  });

  it('give up after ten attempts with the last error', async () => {
    const errors = Array.from({ length: 12 }, () => failure('CommitError', 12));
    const { submit, calls } = flaky(errors);
    let thrown: unknown;
    try {
      await submitAgreed(submit, 0);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.equal(errors[9]);
    expect(calls.n).to.equal(10);
  });
});
