/**
 * The leader's decision whether a round is due (rounds/due.ts): the first report, the heartbeat,
 * a deviation beyond both thresholds, a cron tick, and nothing otherwise.
 */
import { expect } from 'chai';
import type { JobSpec } from '../../../oracle-node/src/config/jobs';
import { dueReason } from '../../../oracle-node/src/rounds/due';

const flux = {
  type: 'fluxmonitor',
  name: 'eth',
  feedId: 'eth-usd',
  threshold: 1,
  absoluteThreshold: '0.5',
  idleTimerPeriodMs: 60_000,
  pollTimerPeriodMs: 1000,
} as unknown as JobSpec;
const cron = { type: 'cron', name: 'btc', feedId: 'btc-usd' } as unknown as JobSpec;
// Answer 100.00 with 2 decimals, committed at t = 1000 s.
const latest = { roundId: '4', answer: '10000', startedAt: 999, updatedAt: 1000 };
const at = (seconds: number) => seconds * 1000;
const base = { job: flux, latest, answer: 10000n, nowMs: at(1010), cronDue: false, decimals: 2 };

describe('oracle-node: when a round is due', () => {
  it('is due as the first report when the feed has no round', () => {
    expect(dueReason({ ...base, latest: undefined })).to.equal('first');
  });

  it('is due on the heartbeat once idleTimerPeriod has passed since the last commit', () => {
    expect(dueReason({ ...base, nowMs: at(1059) })).to.equal(undefined);
    expect(dueReason({ ...base, nowMs: at(1060) })).to.equal('heartbeat');
  });

  it('is due on a deviation beyond both the relative and the absolute threshold', () => {
    // 1% of 100.00 is 1.00 and beyond 0.50: 101.01 is due, 100.99 is not.
    expect(dueReason({ ...base, answer: 10101n })).to.equal('deviation');
    expect(dueReason({ ...base, answer: 10099n })).to.equal(undefined);
  });

  it('is not due when the move passes the relative but not the absolute threshold', () => {
    const strict = { ...flux, threshold: 0.1, absoluteThreshold: '2' } as unknown as JobSpec;
    expect(dueReason({ ...base, job: strict, answer: 10150n })).to.equal(undefined);
    expect(dueReason({ ...base, job: strict, answer: 10201n })).to.equal('deviation');
  });

  it('is due for a cron job only on a pending tick', () => {
    expect(dueReason({ ...base, job: cron, answer: 99999n })).to.equal(undefined);
    expect(dueReason({ ...base, job: cron, cronDue: true })).to.equal('cron');
  });
});
