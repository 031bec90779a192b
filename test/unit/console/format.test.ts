/**
 * How the console writes answers and ages: exact fixed-point text from integer strings.
 */
import { expect } from 'chai';
import { fixedToNumber, formatAge, formatFixed } from '../../../console/src/lib/format';

describe('console: number and age formatting', () => {
  it('writes an answer in its decimals without trailing zeros', () => {
    expect(formatFixed('1084250', 6)).to.equal('1.08425');
  });

  it('pads answers smaller than one unit with leading zeros', () => {
    expect(formatFixed('5', 8)).to.equal('0.00000005');
  });

  it('keeps the sign of negative answers and drops it for zero', () => {
    expect(formatFixed('-1500', 3)).to.equal('-1.5');
    expect(formatFixed('-0', 3)).to.equal('0');
  });

  it('writes answers beyond a float exactly', () => {
    expect(formatFixed('123456789012345678901234567890', 18)).to.equal(
      '123456789012.34567890123456789',
    );
  });

  it('writes a zero-decimal answer as the integer', () => {
    expect(formatFixed('0042', 0)).to.equal('42');
  });

  it('refuses an answer that is not a decimal integer, naming it', () => {
    expect(() => formatFixed('1.5', 2)).to.throw(Error, "answer '1.5' is not a decimal integer");
  });

  it('gives charts a float of the scaled answer', () => {
    expect(fixedToNumber('1084250', 6)).to.equal(1.08425);
  });

  it('writes ages in the largest sensible unit', () => {
    expect([
      formatAge(12),
      formatAge(300),
      formatAge(3 * 3600),
      formatAge(3 * 86400),
    ]).to.deep.equal(['12 s', '5 min', '3 h', '3 d']);
  });
});
