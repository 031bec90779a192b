/**
 * The scripts' checked numbers (bench settings, chaos flags): a value in range comes back as a
 * number, anything else is an error that names where it came from, the value and what is accepted.
 */
import { expect } from 'chai';
import { checkedNumber } from '../../../scripts/lib/checked-number';

describe('scripts: checked numbers', () => {
  it('takes values in range, bounds included unless the lower one is exclusive', () => {
    expect(checkedNumber('X', '1', { min: 1, integer: true })).to.equal(1);
    expect(checkedNumber('X', '10', { min: 1, max: 10, integer: true })).to.equal(10);
    expect(checkedNumber('X', '0.25', { min: 0, minExclusive: true, integer: false })).to.equal(
      0.25,
    );
    expect(checkedNumber('X', ' 7 ', { min: 0, integer: true })).to.equal(7);
  });

  it('refuses empty and blank text, which Number() would read as 0', () => {
    expect(() => checkedNumber('--ops', '', { min: 0, integer: true })).to.throw(
      "--ops must be a whole number ≥ 0, got ''",
    );
    expect(() => checkedNumber('--ops', '  ', { min: 0, integer: true })).to.throw(
      "--ops must be a whole number ≥ 0, got '  '",
    );
  });

  it('words each kind of range and the unit in the message', () => {
    expect(() => checkedNumber('A', '0', { min: 0, minExclusive: true, integer: false })).to.throw(
      "A must be a number > 0, got '0'",
    );
    expect(() =>
      checkedNumber('B', '11', { min: 0, minExclusive: true, max: 10, integer: false }),
    ).to.throw("B must be a number > 0 and ≤ 10, got '11'");
    expect(() =>
      checkedNumber('C', '2.5', { min: 1, max: 9, integer: true, unit: 'runs' }),
    ).to.throw("C must be a whole number from 1 to 9 (runs), got '2.5'");
    expect(() => checkedNumber('D', 'Infinity', { min: 0, integer: false })).to.throw(
      "D must be a number ≥ 0, got 'Infinity'",
    );
  });
});
