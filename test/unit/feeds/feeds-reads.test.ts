import { expect } from 'chai';
import type { FeedRecord, RoundRecord } from '../../../chaincode/src/feeds/types';
import { compositeKey } from '../../support/fake-ledger';
import {
  OTHER,
  T0,
  admin,
  expectCode,
  feedInput,
  makeOracles,
  makeReport,
  member,
  setup,
} from './helpers';

interface Page<T> {
  records: T[];
  bookmark: string;
  fetchedRecordsCount: number;
}

async function withRounds(count: number) {
  const s = await setup();
  for (let i = 1; i <= count; i++) {
    const report = makeReport(s.feed, s.oracles, {
      roundId: String(i * 10),
      values: { 0: String(i), 1: String(i), 2: String(i) },
      observationsTimestamp: T0 - 100 + i,
    });
    await s.ledger.submit(s.contract, member(), (c, ctx) =>
      c.submitReport(ctx, JSON.stringify(report)),
    );
  }
  return s;
}

describe('feeds: reads', () => {
  it('returns the latest round data', async () => {
    const { ledger, contract } = await withRounds(3);
    const latest = await ledger.evaluate(contract, member(OTHER), (c, ctx) =>
      c.latestRoundData(ctx, 'eth-usd'),
    );
    expect(JSON.parse(latest)).to.deep.equal({
      feedId: 'eth-usd',
      roundId: '30',
      answer: '3',
      startedAt: T0 - 97,
      updatedAt: T0,
      answeredInRound: '30',
    });
  });

  it('says NO_DATA for the latest round of a feed without rounds', async () => {
    const { ledger, contract } = await setup();
    const err = await expectCode(
      ledger.evaluate(contract, member(), (c, ctx) => c.latestRoundData(ctx, 'eth-usd')),
      'NO_DATA',
    );
    expect(err.message).to.equal('[NO_DATA] feed eth-usd has no rounds yet');
  });

  it('returns one round by id', async () => {
    const { ledger, contract } = await withRounds(3);
    const round = await ledger.evaluate(contract, member(), (c, ctx) =>
      c.getRoundData(ctx, 'eth-usd', '20'),
    );
    expect(JSON.parse(round)).to.include({ roundId: '20', answer: '2', answeredInRound: '20' });
  });

  it('says NO_DATA for a round never reported', async () => {
    const { ledger, contract } = await withRounds(1);
    await expectCode(
      ledger.evaluate(contract, member(), (c, ctx) => c.getRoundData(ctx, 'eth-usd', '11')),
      'NO_DATA',
    );
  });

  it('returns the stored round with its report digest and transaction id from getRound', async () => {
    const { ledger, contract } = await withRounds(3);
    const round = JSON.parse(
      await ledger.evaluate(contract, member(), (c, ctx) => c.getRound(ctx, 'eth-usd', '20')),
    ) as RoundRecord;
    expect(round).to.deep.equal(
      ledger.readJson(compositeKey('feed.round', ['eth-usd', '00000000000000000020'])),
    );
    expect(round.reportDigest).to.match(/^[0-9a-f]{64}$/);
    expect(round.txId).to.be.a('string').and.not.equal('');
  });

  it('says NO_DATA from getRound for a round never reported', async () => {
    const { ledger, contract } = await withRounds(1);
    await expectCode(
      ledger.evaluate(contract, member(), (c, ctx) => c.getRound(ctx, 'eth-usd', '11')),
      'NO_DATA',
    );
  });

  it('refuses a round id that is not a decimal', async () => {
    const { ledger, contract } = await withRounds(1);
    await expectCode(
      ledger.evaluate(contract, member(), (c, ctx) => c.getRoundData(ctx, 'eth-usd', '0x0a')),
      'MALFORMED_INPUT',
    );
  });

  it('returns decimals as a JSON number', async () => {
    const { ledger, contract } = await setup();
    expect(
      await ledger.evaluate(contract, member(), (c, ctx) => c.decimals(ctx, 'eth-usd')),
    ).to.equal('8');
  });

  it('returns the description as a JSON string', async () => {
    const { ledger, contract } = await setup();
    expect(
      await ledger.evaluate(contract, member(), (c, ctx) => c.description(ctx, 'eth-usd')),
    ).to.equal('"ETH / USD"');
  });

  it('returns the whole feed', async () => {
    const { ledger, contract, feed } = await setup();
    const got = await ledger.evaluate(contract, member(OTHER), (c, ctx) =>
      c.getFeed(ctx, 'eth-usd'),
    );
    expect(JSON.parse(got)).to.deep.equal(feed);
  });

  it('says FEED_NOT_FOUND for an unknown feed', async () => {
    const { ledger, contract } = await setup();
    await expectCode(
      ledger.evaluate(contract, member(), (c, ctx) => c.decimals(ctx, 'nope')),
      'FEED_NOT_FOUND',
    );
  });

  it('refuses a malformed feed id', async () => {
    const { ledger, contract } = await setup();
    await expectCode(
      ledger.evaluate(contract, member(), (c, ctx) => c.getFeed(ctx, 'Bad Id')),
      'MALFORMED_INPUT',
    );
  });

  it('lists feeds page by page in id order', async () => {
    const { ledger, contract } = await setup();
    for (const id of ['a-feed', 'z-feed', 'm-feed']) {
      await ledger.submit(contract, admin(OTHER), (c, ctx) =>
        c.createFeed(ctx, feedInput(makeOracles(1), { feedId: id, f: 0 })),
      );
    }
    const first = JSON.parse(
      await ledger.evaluate(contract, member(), (c, ctx) => c.listFeeds(ctx, '3', '')),
    ) as Page<FeedRecord>;
    expect(first.records.map((f) => f.feedId)).to.deep.equal(['a-feed', 'eth-usd', 'm-feed']);
    expect(first.fetchedRecordsCount).to.equal(3);
    const second = JSON.parse(
      await ledger.evaluate(contract, member(), (c, ctx) => c.listFeeds(ctx, '3', first.bookmark)),
    ) as Page<FeedRecord>;
    expect(second.records.map((f) => f.feedId)).to.deep.equal(['z-feed']);
    expect(second.bookmark).to.equal('');
  });

  it('refuses a page size of 0', async () => {
    const { ledger, contract } = await setup();
    await expectCode(
      ledger.evaluate(contract, member(), (c, ctx) => c.listFeeds(ctx, '0', '')),
      'MALFORMED_INPUT',
    );
  });

  it('refuses a page size above 1000', async () => {
    const { ledger, contract } = await setup();
    await expectCode(
      ledger.evaluate(contract, member(), (c, ctx) => c.listFeeds(ctx, '1001', '')),
      'MALFORMED_INPUT',
    );
  });

  it('pages through round history in numeric round order', async () => {
    const { ledger, contract } = await withRounds(12);
    const first = JSON.parse(
      await ledger.evaluate(contract, member(), (c, ctx) =>
        c.getRoundHistory(ctx, 'eth-usd', '10', ''),
      ),
    ) as Page<RoundRecord>;
    expect(first.records.map((r) => r.roundId)).to.deep.equal([
      '10',
      '20',
      '30',
      '40',
      '50',
      '60',
      '70',
      '80',
      '90',
      '100',
    ]);
    const second = JSON.parse(
      await ledger.evaluate(contract, member(), (c, ctx) =>
        c.getRoundHistory(ctx, 'eth-usd', '10', first.bookmark),
      ),
    ) as Page<RoundRecord>;
    expect(second.records.map((r) => r.roundId)).to.deep.equal(['110', '120']);
    expect(second.bookmark).to.equal('');
  });

  it('keeps round history of one feed apart from a feed whose id extends it', async () => {
    const s = await withRounds(1);
    await s.ledger.submit(s.contract, admin(), (c, ctx) =>
      c.createFeed(ctx, feedInput(s.oracles, { feedId: 'eth-usd-2' })),
    );
    const page = JSON.parse(
      await s.ledger.evaluate(s.contract, member(), (c, ctx) =>
        c.getRoundHistory(ctx, 'eth-usd-2', '10', ''),
      ),
    ) as Page<RoundRecord>;
    expect(page.records).to.deep.equal([]);
  });
});
