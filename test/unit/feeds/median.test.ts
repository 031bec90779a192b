import { expect } from 'chai';
import { median } from '../../../chaincode/src/feeds/lib/median';

describe('median', () => {
  it('takes the middle value of an odd count', () => {
    expect(median([5n, 1n, 3n])).to.equal(3n);
  });

  it('takes the upper middle value of an even count, as OCR does', () => {
    expect(median([40n, 10n, 30n, 20n])).to.equal(30n);
  });

  it('returns the only value of a single observation', () => {
    expect(median([-7n])).to.equal(-7n);
  });

  it('orders values beyond 2^53 exactly', () => {
    const big = 2n ** 190n;
    expect(median([big + 2n, big, big + 1n])).to.equal(big + 1n);
  });

  it('does not reorder its input', () => {
    const input = [3n, 1n, 2n];
    median(input);
    expect(input).to.deep.equal([3n, 1n, 2n]);
  });

  it('refuses an empty list', () => {
    expect(() => median([])).to.throw(RangeError);
  });
});
