import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { encodeReport } from '@oracle-consortium/protocol';
import { ROUND_REPORTED_EVENT } from '../../../chaincode/src/feeds/feeds-contract';
import type { ReportInput, RoundRecord } from '../../../chaincode/src/feeds/types';
import { flipS } from '../../support/ecdsa-der';
import { compositeKey } from '../../support/fake-ledger';
import {
  OTHER,
  T0,
  T0_MS,
  admin,
  expectRejected,
  makeOracles,
  makeReport,
  member,
  setup,
  type ReportOptions,
} from './helpers';

const submit = (report: ReportInput): string => JSON.stringify(report);

describe('feeds: accepting a report', () => {
  it('stores the round with the upper median and returns its round data', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    const report = makeReport(feed, oracles, {
      values: { 0: '300', 1: '100', 2: '400', 3: '200' },
    });
    const result = JSON.parse(
      await ledger.submit(contract, member(), (c, ctx) => c.submitReport(ctx, submit(report))),
    ) as Record<string, unknown>;
    expect(result).to.deep.equal({
      feedId: 'eth-usd',
      roundId: '1',
      answer: '300',
      startedAt: T0 - 5,
      updatedAt: T0,
      answeredInRound: '1',
    });
  });

  it('records signers, config digest and the report digest under the zero-padded round key', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    const report = makeReport(feed, oracles, { roundId: '7', signers: [3, 1] });
    await ledger.submit(contract, member(), (c, ctx) => c.submitReport(ctx, submit(report)));
    const round = ledger.readJson(
      compositeKey('feed.round', ['eth-usd', '00000000000000000007']),
    ) as RoundRecord;
    expect(round.signers).to.deep.equal([1, 3]);
    expect(round).to.not.have.property('observations');
    expect(round).to.not.have.property('signatures');
    expect(round.reportDigest).to.equal(
      createHash('sha256').update(encodeReport(report)).digest('hex'),
    );
    expect(round.configDigest).to.equal(feed.configDigest);
    expect(round.txId).to.match(/^tx/);
    expect(round.premiumHash).to.equal(undefined);
  });

  it('keeps on the latest key only the round data, the rest on the round key', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    const report = makeReport(feed, oracles, { roundId: '7' });
    await ledger.submit(contract, member(), (c, ctx) => c.submitReport(ctx, submit(report)));
    const round = ledger.readJson(
      compositeKey('feed.round', ['eth-usd', '00000000000000000007']),
    ) as RoundRecord;
    expect(Object.keys(round).sort()).to.deep.equal([
      'answer',
      'answeredInRound',
      'configDigest',
      'feedId',
      'reportDigest',
      'roundId',
      'signers',
      'startedAt',
      'txId',
      'updatedAt',
    ]);
    expect(ledger.readJson(compositeKey('feed.latest', ['eth-usd']))).to.deep.equal({
      feedId: round.feedId,
      roundId: round.roundId,
      answer: round.answer,
      startedAt: round.startedAt,
      updatedAt: round.updatedAt,
      answeredInRound: round.answeredInRound,
    });
  });

  it('orders the next report after a latest record written as a full round (before the slim copy)', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(ctx, submit(makeReport(feed, oracles, { roundId: '7' }))),
    );
    const key = compositeKey('feed.latest', ['eth-usd']);
    const full = ledger.readJson(compositeKey('feed.round', ['eth-usd', '00000000000000000007']));
    ledger.state.set(key, Buffer.from(JSON.stringify(full)));
    const latest = JSON.parse(
      await ledger.evaluate(contract, member(), (c, ctx) => c.latestRoundData(ctx, 'eth-usd')),
    ) as Record<string, unknown>;
    expect(Object.keys(latest).sort()).to.deep.equal([
      'answer',
      'answeredInRound',
      'feedId',
      'roundId',
      'startedAt',
      'updatedAt',
    ]);
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, member(), (c, ctx) =>
          c.submitReport(ctx, submit(makeReport(feed, oracles, { roundId: '7' }))),
        ),
      'STALE_ROUND',
    );
    await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(ctx, submit(makeReport(feed, oracles, { roundId: '8' }))),
    );
    expect(Object.keys(ledger.readJson(key) as object)).to.have.length(6);
  });

  it('writes only keys of its own feed', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    const before = new Set(ledger.state.keys());
    await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(ctx, submit(makeReport(feed, oracles))),
    );
    const written = [...ledger.state.keys()].filter((k) => !before.has(k));
    expect(written.sort()).to.deep.equal(
      [
        compositeKey('feed.latest', ['eth-usd']),
        compositeKey('feed.round', ['eth-usd', '00000000000000000001']),
      ].sort(),
    );
  });

  it('emits RoundReported with feed id, round id, answer and updatedAt', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(
        ctx,
        submit(makeReport(feed, oracles, { values: { 0: '5', 1: '6', 2: '7' } })),
      ),
    );
    const event = ledger.events.at(-1)!;
    expect(event.name).to.equal(ROUND_REPORTED_EVENT);
    expect(event.payload.toString('utf8')).to.equal(
      `{"answer":"6","feedId":"eth-usd","roundId":"1","updatedAt":${T0}}`,
    );
  });

  it('accepts exactly f+1 signatures and 2f+1 observations', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    const report = makeReport(feed, oracles, {
      values: { 0: '1', 2: '2', 3: '3' },
      signers: [0, 2],
    });
    const result = await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(ctx, submit(report)),
    );
    expect(JSON.parse(result)).to.include({ answer: '2' });
  });

  it('accepts signatures from oracles that did not observe', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    const report = makeReport(feed, oracles, {
      values: { 0: '1', 1: '2', 2: '3' },
      signers: [3, 0],
    });
    const result = await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(ctx, submit(report)),
    );
    expect(JSON.parse(result)).to.include({ answer: '2' });
  });

  it('accepts a high-S P-256 signature', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    const report = makeReport(feed, oracles);
    const flipped = {
      ...report,
      signatures: report.signatures.map((s) => ({
        oracle: s.oracle,
        signature: flipS(Buffer.from(s.signature, 'base64')).toString('base64'),
      })),
    };
    await ledger.submit(contract, member(), (c, ctx) => c.submitReport(ctx, submit(flipped)));
    expect(ledger.events).to.have.length(1);
  });

  it('accepts a single-provider Ed25519 report', async () => {
    const { ledger, contract, feed, oracles } = await setup(1, { f: 0 }, 'ed25519');
    const report = makeReport(feed, oracles, { values: { 0: '123456789' } });
    const result = await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(ctx, submit(report)),
    );
    expect(JSON.parse(result)).to.include({ answer: '123456789' });
  });

  it('accepts a report of 31 oracles mixing P-256 and Ed25519', async () => {
    const oracles = [...makeOracles(16, 'p256', 'p'), ...makeOracles(15, 'ed25519', 'e')];
    const { ledger, contract } = await setup(1, { f: 0 });
    const updated = await ledger.submit(contract, admin(), async (c, ctx) => {
      return c.createFeed(
        ctx,
        JSON.stringify({
          feedId: 'big',
          description: 'big',
          decimals: 0,
          oracles: oracles.map((o) => ({ id: o.id, publicKey: o.publicKeyPem })),
          f: 10,
          heartbeatSeconds: 60,
          deviationThresholdPpb: 0,
        }),
      );
    });
    const big = JSON.parse(updated) as Parameters<typeof makeReport>[0];
    const result = await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(ctx, submit(makeReport(big, oracles))),
    );
    expect(JSON.parse(result)).to.include({ answer: String(100_000_000_000 + 15) });
  });

  it('accepts a later round with an equal observations timestamp', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(ctx, submit(makeReport(feed, oracles, { roundId: '1' }))),
    );
    await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(ctx, submit(makeReport(feed, oracles, { roundId: '3' }))),
    );
    expect(ledger.events).to.have.length(2);
  });

  it('accepts an observations timestamp exactly at the allowed skew', async () => {
    const { ledger, contract, feed, oracles } = await setup();
    await ledger.submit(contract, member(), (c, ctx) =>
      c.submitReport(ctx, submit(makeReport(feed, oracles, { observationsTimestamp: T0 + 60 }))),
    );
    expect(ledger.events).to.have.length(1);
  });
});

describe('feeds: rejecting a report', () => {
  async function rejectWith(
    code: string,
    opts: ReportOptions | ((r: ReportInput) => unknown),
    prepare?: (s: Awaited<ReturnType<typeof setup>>) => Promise<void>,
    txOpts = member(),
  ): Promise<void> {
    const s = await setup();
    await prepare?.(s);
    const report =
      typeof opts === 'function'
        ? opts(makeReport(s.feed, s.oracles))
        : makeReport(s.feed, s.oracles, opts);
    const text = typeof report === 'string' ? report : JSON.stringify(report);
    await expectRejected(
      s.ledger,
      () => s.ledger.submit(s.contract, txOpts, (c, ctx) => c.submitReport(ctx, text)),
      code,
    );
  }

  const firstRound = async (s: Awaited<ReturnType<typeof setup>>): Promise<void> => {
    await s.ledger.submit(s.contract, member(), (c, ctx) =>
      c.submitReport(
        ctx,
        JSON.stringify(
          makeReport(s.feed, s.oracles, { roundId: '5', observationsTimestamp: T0 - 10 }),
        ),
      ),
    );
  };

  it('rejects a report for an unknown feed', async () => {
    await rejectWith('FEED_NOT_FOUND', { feedId: 'btc-usd' });
  });

  it('rejects a report carrying a field the encoding does not sign', async () => {
    await rejectWith('MALFORMED_INPUT', (r) => ({ ...r, answer: '1' }));
  });

  it('rejects a report for a paused feed', async () => {
    await rejectWith('FEED_PAUSED', {}, async (s) => {
      await s.ledger.submit(s.contract, admin(), (c, ctx) => c.pauseFeed(ctx, 'eth-usd'));
    });
  });

  it('rejects a report transmitted by another member', async () => {
    await rejectWith('FORBIDDEN', {}, undefined, member(OTHER));
  });

  it('rejects a replayed round', async () => {
    await rejectWith('STALE_ROUND', { roundId: '5' }, firstRound);
  });

  it('rejects a round id below the latest', async () => {
    await rejectWith('STALE_ROUND', { roundId: '4' }, firstRound);
  });

  it('rejects observations older than the latest round', async () => {
    await rejectWith(
      'STALE_TIMESTAMP',
      { roundId: '6', observationsTimestamp: T0 - 11 },
      firstRound,
    );
  });

  it('rejects observations too far ahead of the transaction time', async () => {
    await rejectWith('FUTURE_TIMESTAMP', { observationsTimestamp: T0 + 61 });
  });

  it('rejects a report signed under an earlier config', async () => {
    await rejectWith('CONFIG_MISMATCH', {}, async (s) => {
      await s.ledger.submit(s.contract, admin(), (c, ctx) =>
        c.setThresholds(ctx, 'eth-usd', JSON.stringify({ f: 1 })),
      );
    });
  });

  it('rejects an observation by an index with no oracle', async () => {
    await rejectWith('UNKNOWN_OBSERVER', { values: { 0: '1', 1: '2', 4: '3' } });
  });

  it('rejects two observations by one oracle', async () => {
    await rejectWith('DUPLICATE_OBSERVER', (r) => ({
      ...r,
      observations: [...r.observations, { oracle: 0, value: '1' }],
    }));
  });

  it('rejects fewer than 2f+1 observations', async () => {
    await rejectWith('INSUFFICIENT_OBSERVATIONS', { values: { 0: '1', 1: '2' } });
  });

  it('rejects a signature by an index with no oracle', async () => {
    await rejectWith('UNKNOWN_SIGNER', (r) => ({
      ...r,
      signatures: [...r.signatures, { oracle: 9, signature: r.signatures[0]!.signature }],
    }));
  });

  it('rejects a report signed twice by the same oracle', async () => {
    await rejectWith('DUPLICATE_SIGNER', (r) => ({
      ...r,
      signatures: [r.signatures[0]!, r.signatures[0]!],
    }));
  });

  it('rejects fewer than f+1 signatures', async () => {
    await rejectWith('INSUFFICIENT_SIGNATURES', { signers: [2] });
  });

  it("rejects a signature made by another oracle's key", async () => {
    await rejectWith('BAD_SIGNATURE', (r) => ({
      ...r,
      signatures: [
        { oracle: 0, signature: r.signatures[1]!.signature },
        { oracle: 1, signature: r.signatures[1]!.signature },
      ],
    }));
  });

  it('rejects a report whose observations changed after signing', async () => {
    await rejectWith('BAD_SIGNATURE', (r) => ({
      ...r,
      observations: r.observations.map((o, i) => (i === 0 ? { ...o, value: '1' } : o)),
    }));
  });

  it('names the oracle whose signature fails', async () => {
    const s = await setup();
    const r = makeReport(s.feed, s.oracles);
    const bad = {
      ...r,
      signatures: [r.signatures[0]!, { oracle: 2, signature: r.signatures[3]!.signature }],
    };
    const err = await expectRejected(
      s.ledger,
      () =>
        s.ledger.submit(s.contract, member(), (c, ctx) => c.submitReport(ctx, JSON.stringify(bad))),
      'BAD_SIGNATURE',
    );
    expect(err.message).to.contain('oracle o2 (index 2)');
  });

  it('rejects an answer above maxAnswer', async () => {
    await rejectWith('ANSWER_OUT_OF_BOUNDS', {
      values: { 0: '100000000000001', 1: '100000000000002', 2: '100000000000003' },
    });
  });

  it('rejects an answer below minAnswer', async () => {
    await rejectWith('ANSWER_OUT_OF_BOUNDS', { values: { 0: '0', 1: '-1', 2: '0' } });
  });

  const malformed: [string, (r: ReportInput) => unknown][] = [
    ['text that is not JSON', () => 'not json'],
    ['a JSON array', () => []],
    ['a numeric round id', (r) => ({ ...r, roundId: 1 })],
    ['round id 0', (r) => ({ ...r, roundId: '0' })],
    ['a float observation value', (r) => ({ ...r, observations: [{ oracle: 0, value: 1.5 }] })],
    [
      'a value with a decimal point',
      (r) => ({ ...r, observations: [{ oracle: 0, value: '1.5' }] }),
    ],
    ['an observation that is not an object', (r) => ({ ...r, observations: ['1'] })],
    ['a negative oracle index', (r) => ({ ...r, observations: [{ oracle: -1, value: '1' }] })],
    [
      'a signature that is not base64',
      (r) => ({ ...r, signatures: [{ oracle: 0, signature: '***' }] }),
    ],
    ['a signature that is not an object', (r) => ({ ...r, signatures: [7] })],
    ['a missing config digest', (r) => ({ ...r, configDigest: undefined })],
    ['a timestamp in a string', (r) => ({ ...r, observationsTimestamp: String(T0) })],
    ['observations that are not an array', (r) => ({ ...r, observations: {} })],
    ['signatures that are not an array', (r) => ({ ...r, signatures: null })],
  ];
  for (const [what, mutate] of malformed) {
    it(`rejects ${what} as MALFORMED_INPUT`, async () => {
      await rejectWith('MALFORMED_INPUT', mutate);
    });
  }

  it('rejects a transient salt without a premium value', async () => {
    const s = await setup();
    const text = JSON.stringify(makeReport(s.feed, s.oracles));
    await expectRejected(
      s.ledger,
      () =>
        s.ledger.submit(
          s.contract,
          { ...member(), transient: { salt: 'ab'.repeat(32) } },
          (c, ctx) => c.submitReport(ctx, text),
        ),
      'MALFORMED_INPUT',
    );
  });

  it('keeps the transaction time, not the clock, as updatedAt', async () => {
    const s = await setup();
    const later = T0_MS + 3_600_000;
    const result = await s.ledger.submit(s.contract, member(undefined, later), (c, ctx) =>
      c.submitReport(ctx, JSON.stringify(makeReport(s.feed, s.oracles))),
    );
    expect(JSON.parse(result)).to.include({ updatedAt: later / 1000 });
  });
});
