/**
 * Every list function of the feeds contract on "nothing yet": a new ledger, a feed without rounds
 * or subscribers. The fake ledger delivers an empty paginated page without metadata, as
 * fabric-shim does, so these tests fail on a contract that reads `metadata.bookmark` blindly.
 */
import { expect } from 'chai';
import { FeedsContract } from '../../../chaincode/src/feeds/feeds-contract';
import { FakeLedger } from '../../support/fake-ledger';
import { member, setup } from './helpers';

const EMPTY_PAGE = { records: [], bookmark: '', fetchedRecordsCount: 0 };

describe('feeds: list functions with nothing to list', () => {
  it('lists no feeds on a new ledger as an empty page', async () => {
    const ledger = new FakeLedger();
    const out = await ledger.evaluate(new FeedsContract(), member(), (c, ctx) =>
      c.listFeeds(ctx, '10', ''),
    );
    expect(JSON.parse(out)).to.deep.equal(EMPTY_PAGE);
  });

  it('returns an empty round history for a feed with no rounds', async () => {
    const { ledger, contract } = await setup();
    const out = await ledger.evaluate(contract, member(), (c, ctx) =>
      c.getRoundHistory(ctx, 'eth-usd', '10', ''),
    );
    expect(JSON.parse(out)).to.deep.equal(EMPTY_PAGE);
  });

  it('returns an empty page past the last feed when the previous page was full', async () => {
    const { ledger, contract } = await setup();
    const first = JSON.parse(
      await ledger.evaluate(contract, member(), (c, ctx) => c.listFeeds(ctx, '1', '')),
    ) as { bookmark: string; fetchedRecordsCount: number };
    expect(first.fetchedRecordsCount).to.equal(1);
    const out = await ledger.evaluate(contract, member(), (c, ctx) =>
      c.listFeeds(ctx, '1', 'feed\u0000zzz\u0000'),
    );
    expect(JSON.parse(out)).to.deep.equal(EMPTY_PAGE);
  });

  it('lists no subscriptions of a feed nobody subscribed to', async () => {
    const { ledger, contract } = await setup();
    const out = await ledger.evaluate(contract, member(), (c, ctx) =>
      c.listSubscriptions(ctx, 'eth-usd'),
    );
    expect(JSON.parse(out)).to.deep.equal([]);
  });
});
