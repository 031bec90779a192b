/**
 * The steady-state run of the bench's knee search: its windows, total rate and spread are computed
 * from the same completions, and failures are counted. Nothing here asserts a speed.
 */
import { expect } from 'chai';
import { runSteady, Sequence } from '../../../scripts/bench/load';

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
