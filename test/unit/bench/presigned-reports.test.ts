/**
 * The report workloads' stock of reports signed ahead: topped up between runs only when a feed runs
 * low, rounds already reported forgotten, and a report signed inside an operation counted.
 */
import { expect } from 'chai';
import { PresignedReports, type BenchFeed } from '../../../scripts/bench/workloads';

/** A signer that records what it signed; its "report" names the feed and round. */
function recordingSigner(): { sign: (f: BenchFeed, r: number) => string; signed: string[] } {
  const signed: string[] = [];
  return {
    signed,
    sign: (f, r) => {
      const report = `${f.feedId}#${String(r)}`;
      signed.push(report);
      return report;
    },
  };
}

const feed = (feedId: string, round = 0): BenchFeed => ({ feedId, configDigest: 'd', round });

describe('bench reports signed ahead', () => {
  it('signs every feed `ahead` rounds past its last reported round at the first top-up', () => {
    const s = recordingSigner();
    const stock = new PresignedReports(s.sign, 3);
    const feeds = [feed('a'), feed('b', 5)];
    expect(stock.topUp(feeds)).to.equal(6);
    expect(s.signed).to.deep.equal(['a#1', 'a#2', 'a#3', 'b#6', 'b#7', 'b#8']);
    expect(stock.report(feeds[1] as BenchFeed, 7)).to.equal('b#7');
    expect(stock.signedOnDemand).to.equal(0);
  });

  it('signs nothing while every feed has at least half of its rounds left', () => {
    const s = recordingSigner();
    const stock = new PresignedReports(s.sign, 4);
    const feeds = [feed('a'), feed('b')];
    stock.topUp(feeds);
    (feeds[0] as BenchFeed).round = 2; // two of four left
    expect(stock.topUp(feeds)).to.equal(0);
    expect(s.signed).to.have.length(8);
  });

  it('tops every feed up once one runs low, and forgets the rounds already reported', () => {
    const s = recordingSigner();
    const stock = new PresignedReports(s.sign, 4);
    const feeds = [feed('a'), feed('b')];
    stock.topUp(feeds);
    (feeds[0] as BenchFeed).round = 3; // one of four left: below half
    (feeds[1] as BenchFeed).round = 1;
    s.signed.length = 0;
    expect(stock.topUp(feeds)).to.equal(4);
    expect(s.signed).to.deep.equal(['a#5', 'a#6', 'a#7', 'b#5']);
    // A reported round is gone from the stock: asking for it again signs it on demand.
    expect(stock.report(feeds[0] as BenchFeed, 2)).to.equal('a#2');
    expect(stock.signedOnDemand).to.equal(1);
    expect(stock.report(feeds[0] as BenchFeed, 4)).to.equal('a#4');
    expect(stock.signedOnDemand).to.equal(1);
  });

  it('signs a round past the stock on demand and counts it', () => {
    const s = recordingSigner();
    const stock = new PresignedReports(s.sign, 2);
    const f = feed('a');
    stock.topUp([f]);
    expect(stock.report(f, 3)).to.equal('a#3');
    expect(stock.report(f, 4)).to.equal('a#4');
    expect(stock.signedOnDemand).to.equal(2);
  });

  it('refuses a count of rounds ahead that is not a positive integer', () => {
    const s = recordingSigner();
    expect(() => new PresignedReports(s.sign, 0)).to.throw(RangeError, /got 0/);
    expect(() => new PresignedReports(s.sign, Number.NaN)).to.throw(RangeError, /got NaN/);
  });
});
