/**
 * Numbers as adapters give them and as feeds store them: an adapter answers a JSON number or a
 * decimal string in the feed's units ("3150.25"); a feed stores integers scaled by its
 * `decimals`. The conversion works on the decimal text, never on floating-point products, so
 * 0.1 + 0.2 problems cannot move an answer. The median is the chaincode's: the upper middle.
 */

const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Scales a decimal value to an integer with `decimals` places, rounding half away from zero.
 *
 * @param value - a finite JSON number or a decimal string (exponent allowed)
 * @param decimals - the feed's scale, 0-36
 * @returns the scaled integer, or `undefined` when the value is not a finite decimal
 */
export function toScaled(value: unknown, decimals: number): bigint | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return undefined;
  }
  const m = DECIMAL.exec(text);
  if (m === null) return undefined;
  const negative = m[1] === '-';
  const digits = (m[2] ?? '') + (m[3] ?? '');
  // Position of the decimal point in `digits` after applying the exponent and the scale.
  const point = (m[2] ?? '').length + Number(m[4] ?? '0') + decimals;
  if (point > 200 || point < -200) return undefined;
  let whole: bigint;
  let roundUp = false;
  if (point <= 0) {
    whole = 0n;
    roundUp = point === 0 && (digits[0] ?? '0') >= '5';
  } else if (point >= digits.length) {
    whole = BigInt(digits + '0'.repeat(point - digits.length));
  } else {
    whole = BigInt(digits.slice(0, point));
    roundUp = (digits[point] ?? '0') >= '5';
  }
  if (roundUp) whole += 1n;
  return negative ? -whole : whole;
}

/**
 * The upper median, as the feeds chaincode computes a report's answer (`sorted[floor(n / 2)]`).
 *
 * @param values - at least one value
 * @returns the median
 * @throws RangeError for no values
 */
export function median(values: readonly bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const m = sorted[Math.floor(sorted.length / 2)];
  if (m === undefined) throw new RangeError('the median of no values is undefined');
  return m;
}

/**
 * Whether a new value is outside Chainlink's deviation band around the current one: the change
 * must exceed **both** `thresholdPercent` of the current value and `absolute` (Chainlink's flux
 * monitor requires both). A current value of 0 counts any change as a deviation.
 *
 * @param current - the answer on chain
 * @param next - the new median
 * @param thresholdPercent - relative threshold, percent
 * @param absolute - absolute threshold, scaled like the values
 * @returns true when a round is due
 */
export function outsideDeviation(
  current: bigint,
  next: bigint,
  thresholdPercent: number,
  absolute: bigint,
): boolean {
  const diff = next > current ? next - current : current - next;
  if (diff <= absolute) return false;
  if (current === 0n) return diff > 0n;
  const base = current < 0n ? -current : current;
  // diff / base * 100 > threshold, in integers: parts per billion avoid float error.
  const ppb = BigInt(Math.round(thresholdPercent * 10_000_000));
  return diff * 1_000_000_000n > ppb * base;
}
