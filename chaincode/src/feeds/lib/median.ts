/**
 * The median a report's answer is. For an odd count it is the middle value; for an even count it
 * is the **upper** middle, `sorted[n / 2]`, exactly as Chainlink OCR's aggregator takes
 * `observations[observations.length / 2]`. Taking one of the observed values (never an average)
 * keeps the answer an honest oracle's value and keeps the arithmetic exact.
 *
 * @param values - at least one value
 * @returns the element at index `floor(n / 2)` of the values sorted ascending
 * @throws RangeError when `values` is empty
 */
export function median(values: readonly bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) {
    throw new RangeError('the median of no values is undefined');
  }
  return middle;
}
