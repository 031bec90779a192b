/**
 * The demo's formatting helpers: fixed-point answers as decimal strings (bigint-safe), Unix times
 * as ISO-8601 UTC with their age, and step times measured from one origin.
 */
import { expect } from 'chai';
import {
  formatAge,
  formatElapsed,
  formatFixedPoint,
  formatUnixTime,
} from '../../../scripts/demo/format';

describe('demo formatting', () => {
  describe('formatFixedPoint', () => {
    it('places the decimal point the feed decimals say', () => {
      expect(formatFixedPoint('301150000000', 8)).to.equal('3011.50000000');
    });

    it('keeps every digit of a value beyond Number.MAX_SAFE_INTEGER', () => {
      expect(formatFixedPoint('123456789012345678901234567890', 18)).to.equal(
        '123456789012.345678901234567890',
      );
    });

    it('pads values smaller than one unit with leading zeros', () => {
      expect(formatFixedPoint('42', 8)).to.equal('0.00000042');
    });

    it('keeps the sign of a negative value', () => {
      expect(formatFixedPoint('-5', 2)).to.equal('-0.05');
    });

    it('prints an integer feed (0 decimals) without a point', () => {
      expect(formatFixedPoint(7n, 0)).to.equal('7');
    });

    it('refuses text that is not a decimal integer', () => {
      expect(() => formatFixedPoint('3.5', 2)).to.throw(RangeError, 'not a decimal integer: 3.5');
    });
  });

  describe('formatUnixTime', () => {
    it('prints Unix seconds as ISO-8601 UTC without milliseconds', () => {
      expect(formatUnixTime(1_767_225_600)).to.equal('2026-01-01T00:00:00Z');
    });
  });

  describe('formatAge', () => {
    it('says how long ago a time was, in seconds', () => {
      expect(formatAge(1_767_225_600, 1_767_225_603_400)).to.equal('3 s ago');
    });

    it('says "in the future" for a time after now', () => {
      expect(formatAge(1_767_225_610, 1_767_225_600_000)).to.equal('10 s in the future');
    });
  });

  describe('formatElapsed', () => {
    it('prints the time since the demo started, right-aligned, in tenths of a second', () => {
      expect(formatElapsed(1_000, 13_460)).to.equal('[ 12.5s]');
    });
  });
});
