/**
 * The Caliper anchor reads Caliper's printed summary table by its header.
 */
import { expect } from 'chai';
import { parseCaliperSummary } from '../../../scripts/bench/caliper';

describe('bench: Caliper anchor', () => {
  it('reads Caliper rounds by the summary header, latencies in ms', () => {
    const out = [
      '2026.12.02-15:10:54.123 info [caliper] [report-builder] ### All test results ###',
      '+-------------+------+------+-----------------+-----------------+-----------------+-----------------+------------------+',
      '| Name        | Succ | Fail | Send Rate (TPS) | Max Latency (s) | Min Latency (s) | Avg Latency (s) | Throughput (TPS) |',
      '|-------------|------|------|-----------------|-----------------|-----------------|-----------------|------------------|',
      '| noop-submit | 365  | 0    | 37.6            | 0.93            | 0.11            | 0.41            | 36.5             |',
      '+-------------+------+------+-----------------+-----------------+-----------------+-----------------+------------------+',
    ].join('\n');
    expect(parseCaliperSummary(out)).to.deep.equal([
      {
        name: 'noop-submit',
        succeeded: 365,
        failed: 0,
        sendRate: 37.6,
        maxLatencyMs: 930,
        minLatencyMs: 110,
        avgLatencyMs: 410,
        throughput: 36.5,
      },
    ]);
    expect(() => parseCaliperSummary('no table')).to.throw(Error, 'no summary table');
  });
});
