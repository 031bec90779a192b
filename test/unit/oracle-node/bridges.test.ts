/**
 * Bridges to external adapters (against fake adapters on 127.0.0.1) and the value rules: scaling
 * adapter answers without float error, the chaincode's upper median, Chainlink's deviation rule.
 */
import { expect } from 'chai';
import { callSource, observeSources } from '../../../oracle-node/src/bridges/bridge';
import { median, outsideDeviation, toScaled } from '../../../oracle-node/src/bridges/values';
import type { SourceSpec } from '../../../oracle-node/src/config/jobs';
import { OracleNodeError } from '../../../oracle-node/src/errors';
import { startFakeAdapter, type FakeAdapter } from '../../support/oracle-node/fake-adapter';

function source(bridge: string, over: Partial<SourceSpec> = {}): SourceSpec {
  return {
    bridge,
    requestData: { from: 'ETH', to: 'USD' },
    path: ['data', 'result'],
    timeoutMs: 300,
    retries: 0,
    ...over,
  };
}

describe('oracle-node values', () => {
  it('scales numbers and decimal strings without float error', () => {
    expect(toScaled(0.1 + 0.2, 2)).to.equal(30n);
    expect(toScaled('3150.25', 8)).to.equal(315025000000n);
    expect(toScaled(1.5e-7, 8)).to.equal(15n);
    expect(toScaled('-2.005', 2)).to.equal(-201n);
    expect(toScaled('12', 0)).to.equal(12n);
  });

  it('refuses what is not a finite decimal', () => {
    for (const v of [
      'NaN',
      'abc',
      '',
      true,
      null,
      { result: 1 },
      Number.POSITIVE_INFINITY,
      '1,5',
    ]) {
      expect(toScaled(v, 8), JSON.stringify(v)).to.equal(undefined);
    }
  });

  it('takes the upper median, as the chaincode does', () => {
    expect(median([5n, 1n, 3n])).to.equal(3n);
    expect(median([1n, 1000n])).to.equal(1000n);
    expect(median([1n, 2n, 3n, 40n])).to.equal(3n);
    expect(() => median([])).to.throw(RangeError);
  });

  it('needs both the relative and the absolute threshold exceeded for a deviation', () => {
    expect(outsideDeviation(10000n, 10101n, 1, 0n)).to.equal(true);
    expect(outsideDeviation(10000n, 10100n, 1, 0n)).to.equal(false);
    expect(outsideDeviation(10000n, 10200n, 1, 500n)).to.equal(false);
    expect(outsideDeviation(10000n, 9000n, 1, 500n)).to.equal(true);
    expect(outsideDeviation(0n, 1n, 1, 0n)).to.equal(true);
  });
});

describe('oracle-node bridges', () => {
  const adapters: FakeAdapter[] = [];
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
  });
  async function adapter(...args: Parameters<typeof startFakeAdapter>): Promise<FakeAdapter> {
    const a = await startFakeAdapter(...args);
    adapters.push(a);
    return a;
  }

  it('sends {id, data} and reads data.result', async () => {
    const a = await adapter({ price: 3150.25 });
    const r = await callSource({ name: 'a', url: a.url }, source('a'), 'run-1', 8);
    expect(r).to.include({ bridge: 'a', value: 315025000000n, attempts: 1 });
    expect(a.lastRequest).to.deep.equal({ id: 'run-1', data: { from: 'ETH', to: 'USD' } });
  });

  it('reports an adapter error answer as SOURCE_ERROR with its message, without retrying', async () => {
    const a = await adapter({ mode: 'error' });
    const r = await callSource({ name: 'a', url: a.url }, source('a', { retries: 3 }), 'run-2', 8);
    expect(r.error).to.be.instanceOf(OracleNodeError);
    expect(r.error).to.include({ code: 'SOURCE_ERROR', source: 'a' });
    expect(r.error?.message).to.include('market closed');
    expect(r.attempts).to.equal(1);
  });

  it('reports a body that is not JSON as BAD_ANSWER', async () => {
    const a = await adapter({ mode: 'garbage' });
    const r = await callSource({ name: 'a', url: a.url }, source('a'), 'run-3', 8);
    expect(r.error).to.include({ code: 'BAD_ANSWER', source: 'a' });
  });

  it('reports a result that is not a number as BAD_ANSWER naming the path', async () => {
    const a = await adapter({ mode: 'nan' });
    const r = await callSource({ name: 'a', url: a.url }, source('a'), 'run-4', 8);
    expect(r.error).to.include({ code: 'BAD_ANSWER' });
    expect(r.error?.message).to.include('data.result is "NaN"');
  });

  it('retries a timeout and gives up with SOURCE_TIMEOUT after the retries', async () => {
    const a = await adapter({ delayMs: 1000 });
    const r = await callSource(
      { name: 'a', url: a.url },
      source('a', { timeoutMs: 100, retries: 1 }),
      'run-5',
      8,
    );
    expect(r.error).to.include({ code: 'SOURCE_TIMEOUT', source: 'a' });
    expect(r.attempts).to.equal(2);
    expect(a.requests).to.equal(2);
  });

  it('retries a 5xx answer and succeeds when the adapter recovers', async () => {
    const a = await adapter({ mode: 'http500' });
    const pending = callSource({ name: 'a', url: a.url }, source('a', { retries: 3 }), 'run-6', 2);
    a.set({ mode: 'ok', price: 7 });
    const r = await pending;
    expect(r.value).to.equal(700n);
  });

  it("retries a proxy's 502 page (not JSON) as a failing adapter, and gives up with SOURCE_UNAVAILABLE", async () => {
    const a = await adapter({ mode: 'proxy502' });
    const r = await callSource({ name: 'a', url: a.url }, source('a', { retries: 2 }), 'run-8', 2);
    expect(r.error).to.include({ code: 'SOURCE_UNAVAILABLE', source: 'a' });
    expect(r.error?.message).to.include('answered 502');
    expect(a.requests).to.equal(3);
  });

  it('reports an unreachable adapter as SOURCE_UNAVAILABLE', async () => {
    const a = await adapter();
    const url = a.url;
    await a.close();
    const r = await callSource({ name: 'a', url }, source('a'), 'run-7', 8);
    expect(r.error).to.include({ code: 'SOURCE_UNAVAILABLE' });
  });

  it('takes the median of the good sources and records the skipped one', async () => {
    const [a, b, c] = await Promise.all([
      adapter({ price: 10 }),
      adapter({ price: 12 }),
      adapter({ mode: 'garbage' }),
    ]);
    const bridges = new Map([
      ['a', { name: 'a', url: a.url }],
      ['b', { name: 'b', url: b.url }],
      ['c', { name: 'c', url: c.url }],
    ]);
    const o = await observeSources(bridges, [source('a'), source('b'), source('c')], 2, 'run-8', 0);
    expect(o.value).to.equal(12n);
    expect(o.sources.map((s) => s.error?.code)).to.deep.equal([undefined, undefined, 'BAD_ANSWER']);
  });

  it('has no observation when fewer than minSources answer', async () => {
    const [a, b] = await Promise.all([adapter({ price: 10 }), adapter({ mode: 'error' })]);
    const bridges = new Map([
      ['a', { name: 'a', url: a.url }],
      ['b', { name: 'b', url: b.url }],
    ]);
    const o = await observeSources(bridges, [source('a'), source('b')], 2, 'run-9', 0);
    expect(o.value).to.equal(undefined);
    expect(o.sources).to.have.length(2);
  });
});
