/**
 * Report acceptance as a pure function: a feed configuration, its latest round, a signed report
 * and the transaction time in; the answer and signers, or the coded refusal, out. No ledger.
 */
import { expect } from 'chai';
import { computeConfigDigest } from '@oracle-consortium/protocol';
import {
  acceptReport,
  checkAnswerBounds,
  checkRoundTiming,
} from '../../../chaincode/src/feeds/report-acceptance';
import { normalizePublicKey } from '../../../chaincode/src/feeds/lib/signatures';
import type { FeedRecord, OracleRecord } from '../../../chaincode/src/feeds/types';
import { T0, T0_MS, makeOracles, makeReport } from './helpers';
import { refusal } from '../../support/refusal';

const oracles = makeOracles(4);

/** A 4-oracle feed (f=1: two signatures, three observations) built without a ledger. */
function feedOf(overrides: Partial<FeedRecord> = {}): FeedRecord {
  const records: OracleRecord[] = oracles.map((o) => {
    const key = normalizePublicKey(o.publicKeyPem);
    if (key === undefined) throw new Error('test key did not parse');
    return { id: o.id, ...key };
  });
  const thresholds = { f: 1, minSignatures: 2, minObservations: 3 };
  return {
    feedId: 'eth-usd',
    description: 'ETH / USD',
    decimals: 8,
    owner: 'Org1MSP',
    oracles: records,
    ...thresholds,
    minAnswer: '1',
    maxAnswer: '100000000000000',
    heartbeatSeconds: 3600,
    deviationThresholdPpb: 0,
    maxFutureSkewSeconds: 60,
    paused: false,
    configVersion: 1,
    configDigest: computeConfigDigest({
      feedId: 'eth-usd',
      configVersion: 1,
      oracles: records,
      ...thresholds,
    }),
    createdAt: T0 - 3600,
    updatedAt: T0 - 3600,
    ...overrides,
  };
}

const latest = { roundId: '7', startedAt: T0 - 60 };

describe('feeds: report acceptance (pure)', () => {
  const feed = feedOf();

  it('accepts the first report with the upper median of its observations and every signer', () => {
    const report = makeReport(feed, oracles, {
      values: { 0: '300', 1: '100', 2: '200', 3: '400' },
      signers: [3, 1],
    });
    const accepted = acceptReport(feed, undefined, report, T0_MS);
    expect(accepted.answer).to.equal(300n);
    expect(accepted.signers).to.deep.equal([1, 3]);
  });

  it('accepts a report for the round after the latest one, observed no earlier', () => {
    const report = makeReport(feed, oracles, { roundId: '8', observationsTimestamp: T0 - 60 });
    expect(acceptReport(feed, latest, report, T0_MS).signers).to.deep.equal([0, 1, 2, 3]);
  });

  it('refuses any report for a paused feed with FEED_PAUSED before checking anything else', () => {
    const paused = feedOf({ paused: true });
    const report = makeReport(paused, oracles, { roundId: '1', signers: [] });
    const err = refusal(() => acceptReport(paused, latest, report, T0_MS));
    expect(err.code).to.equal('FEED_PAUSED');
    expect(err.message).to.equal('[FEED_PAUSED] feed eth-usd is paused');
  });

  it('refuses a round id equal to the latest with STALE_ROUND', () => {
    const err = refusal(() => {
      checkRoundTiming(feed, latest, { roundId: '7', observationsTimestamp: T0 }, T0_MS);
    });
    expect(err.code).to.equal('STALE_ROUND');
    expect(err.message).to.equal('[STALE_ROUND] round 7 is not above round 7 of feed eth-usd');
  });

  it('compares round ids as integers, not text (round 10 follows round 9)', () => {
    expect(() => {
      checkRoundTiming(
        feed,
        { roundId: '9', startedAt: T0 - 60 },
        { roundId: '10', observationsTimestamp: T0 - 60 },
        T0_MS,
      );
    }).not.to.throw();
  });

  it('refuses observations older than the latest round with STALE_TIMESTAMP', () => {
    const err = refusal(() => {
      checkRoundTiming(feed, latest, { roundId: '8', observationsTimestamp: T0 - 61 }, T0_MS);
    });
    expect(err.code).to.equal('STALE_TIMESTAMP');
    expect(err.message).to.contain(`observations at ${T0 - 61} are older than round 7's`);
  });

  it('accepts observations exactly maxFutureSkewSeconds after the transaction time', () => {
    expect(() => {
      checkRoundTiming(feed, undefined, { roundId: '1', observationsTimestamp: T0 + 60 }, T0_MS);
    }).not.to.throw();
  });

  it('refuses observations one second beyond the allowed skew with FUTURE_TIMESTAMP', () => {
    const err = refusal(() => {
      checkRoundTiming(feed, undefined, { roundId: '1', observationsTimestamp: T0 + 61 }, T0_MS);
    });
    expect(err.code).to.equal('FUTURE_TIMESTAMP');
    expect(err.message).to.contain('more than 60s after the transaction time');
  });

  it('accepts an answer on either bound and refuses one just outside with ANSWER_OUT_OF_BOUNDS', () => {
    const bounds = { minAnswer: '10', maxAnswer: '20' };
    expect(() => {
      checkAnswerBounds(bounds, 10n);
    }).not.to.throw();
    expect(() => {
      checkAnswerBounds(bounds, 20n);
    }).not.to.throw();
    const below = refusal(() => {
      checkAnswerBounds(bounds, 9n);
    });
    expect(below.code).to.equal('ANSWER_OUT_OF_BOUNDS');
    expect(below.message).to.equal('[ANSWER_OUT_OF_BOUNDS] answer 9 is outside [10, 20]');
    expect(
      refusal(() => {
        checkAnswerBounds(bounds, 21n);
      }).code,
    ).to.equal('ANSWER_OUT_OF_BOUNDS');
  });

  it('refuses a median above maxAnswer after the signatures verified', () => {
    const narrow = feedOf({ maxAnswer: '150' });
    const report = makeReport(narrow, oracles, { values: { 0: '100', 1: '200', 2: '300' } });
    expect(refusal(() => acceptReport(narrow, undefined, report, T0_MS)).code).to.equal(
      'ANSWER_OUT_OF_BOUNDS',
    );
  });

  it('checks round order before the signatures: a stale report with no signatures is STALE_ROUND', () => {
    const report = makeReport(feed, oracles, { roundId: '3', signers: [] });
    expect(refusal(() => acceptReport(feed, latest, report, T0_MS)).code).to.equal('STALE_ROUND');
  });

  it('refuses fewer observations than minObservations with INSUFFICIENT_OBSERVATIONS', () => {
    const report = makeReport(feed, oracles, { values: { 0: '1', 1: '2' } });
    const err = refusal(() => acceptReport(feed, undefined, report, T0_MS));
    expect(err.code).to.equal('INSUFFICIENT_OBSERVATIONS');
    expect(err.message).to.contain('2 observations, feed eth-usd needs 3');
  });

  it('refuses an observation by an index with no oracle with UNKNOWN_OBSERVER', () => {
    const report = makeReport(feed, oracles, { values: { 0: '1', 1: '2', 4: '3' } });
    expect(refusal(() => acceptReport(feed, undefined, report, T0_MS)).code).to.equal(
      'UNKNOWN_OBSERVER',
    );
  });

  it('refuses a single signature where two are needed with INSUFFICIENT_SIGNATURES', () => {
    const report = makeReport(feed, oracles, { signers: [2] });
    const err = refusal(() => acceptReport(feed, undefined, report, T0_MS));
    expect(err.code).to.equal('INSUFFICIENT_SIGNATURES');
    expect(err.message).to.contain('1 signatures, feed eth-usd needs 2');
  });

  it('refuses a signature by the same oracle twice with DUPLICATE_SIGNER', () => {
    const report = makeReport(feed, oracles, { signers: [1, 1] });
    expect(refusal(() => acceptReport(feed, undefined, report, T0_MS)).code).to.equal(
      'DUPLICATE_SIGNER',
    );
  });

  it('refuses a report signed under another configuration with CONFIG_MISMATCH', () => {
    const report = makeReport(feed, oracles, { configDigest: 'ab'.repeat(32) });
    expect(refusal(() => acceptReport(feed, undefined, report, T0_MS)).code).to.equal(
      'CONFIG_MISMATCH',
    );
  });

  it('refuses a report whose observations were changed after signing with BAD_SIGNATURE', () => {
    const signed = makeReport(feed, oracles);
    const tampered = {
      ...signed,
      observations: signed.observations.map((o, i) => (i === 0 ? { ...o, value: '1' } : o)),
    };
    const err = refusal(() => acceptReport(feed, undefined, tampered, T0_MS));
    expect(err.code).to.equal('BAD_SIGNATURE');
    expect(err.message).to.contain('signature of oracle o0 (index 0) does not verify');
  });
});
