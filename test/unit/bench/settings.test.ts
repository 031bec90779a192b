/**
 * The bench's settings: defaults when unset, values taken as given when in range, and a clear
 * error naming the variable for anything else, so a mistyped value stops `npm run bench` before it
 * starts a network instead of running windows of NaN milliseconds or no workload at all.
 */
import { expect } from 'chai';
import { benchSettings, envNumber, WORKLOAD_NAMES } from '../../../scripts/bench/settings';

describe('bench: settings', () => {
  it('uses the defaults when nothing is set, and an empty value as unset', () => {
    const s = benchSettings({ BENCH_DURATION_MS: '' });
    expect(s).to.deep.equal({
      durationMs: 5000,
      warmupMs: 3000,
      repeats: 3,
      maxInFlight: 256,
      only: [],
      noisyThreshold: 0.1,
      latencyWarmupMs: 2000,
      proposals: 16000,
      presignedRounds: 96,
      voteResult: 'tally',
    });
  });

  it("takes the vote's answer as tally or proposal and refuses anything else, naming it", () => {
    expect(benchSettings({ BENCH_VOTE_RESULT: 'proposal' }).voteResult).to.equal('proposal');
    expect(benchSettings({ BENCH_VOTE_RESULT: 'tally' }).voteResult).to.equal('tally');
    expect(() => benchSettings({ BENCH_VOTE_RESULT: 'full' })).to.throw(
      "BENCH_VOTE_RESULT must be 'proposal' or 'tally', got 'full'",
    );
  });

  it('takes values in range, zero warm-ups and a fractional noise threshold included', () => {
    const s = benchSettings({
      BENCH_DURATION_MS: '2000',
      BENCH_WARMUP_MS: '0',
      BENCH_LATENCY_WARMUP_MS: '0',
      BENCH_REPEATS: '1',
      BENCH_NOISY_SPREAD: '0.25',
      BENCH_ONLY: 'noop-submit, membership-vote',
    });
    expect([
      s.durationMs,
      s.warmupMs,
      s.latencyWarmupMs,
      s.repeats,
      s.noisyThreshold,
    ]).to.deep.equal([2000, 0, 0, 1, 0.25]);
    expect(s.only).to.deep.equal(['noop-submit', 'membership-vote']);
  });

  it('refuses a value that is not a number, naming the variable and the value', () => {
    expect(() => benchSettings({ BENCH_DURATION_MS: '5s' })).to.throw(
      "BENCH_DURATION_MS must be a whole number ≥ 1 (milliseconds), got '5s'",
    );
  });

  it('refuses values out of range or fractional where a count is needed', () => {
    expect(() => benchSettings({ BENCH_REPEATS: '0' })).to.throw(/^BENCH_REPEATS must be/);
    expect(() => benchSettings({ BENCH_PRESIGNED_ROUNDS: '0' })).to.throw(
      "BENCH_PRESIGNED_ROUNDS must be a whole number ≥ 1 (rounds), got '0'",
    );
    expect(() => benchSettings({ BENCH_MAX_INFLIGHT: '2.5' })).to.throw(
      /^BENCH_MAX_INFLIGHT must be a whole number/,
    );
    expect(() => benchSettings({ BENCH_NOISY_SPREAD: '-0.1' })).to.throw(
      /^BENCH_NOISY_SPREAD must be a number ≥ 0/,
    );
    expect(() =>
      envNumber({ X: '11' }, 'X', 1, { min: 1, max: 10, integer: true, unit: 'things' }),
    ).to.throw("X must be a whole number from 1 to 10 (things), got '11'");
  });

  it('refuses an unknown workload in BENCH_ONLY and lists the known ones', () => {
    expect(() => benchSettings({ BENCH_ONLY: 'noop-submit,report-16' })).to.throw(
      `BENCH_ONLY names no workload 'report-16'; workloads: ${WORKLOAD_NAMES.join(', ')} (or 'none')`,
    );
  });

  it("accepts 'none', which runs no workload", () => {
    expect(benchSettings({ BENCH_ONLY: 'none' }).only).to.deep.equal(['none']);
  });
});
