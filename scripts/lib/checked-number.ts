/**
 * Numbers from text a person typed (a command-line flag, an environment variable), checked: a
 * value that is not a number in range stops the script with a message naming where it came from,
 * the value given and what is accepted, before anything is started.
 */

/** What a number accepts. */
export interface NumberRule {
  /** Smallest value accepted, or the bound values must exceed when `minExclusive`. */
  readonly min: number;
  /** Whether `min` itself is refused (a positive number: `min` 0, exclusive). */
  readonly minExclusive?: boolean;
  /** Largest value accepted (default: no bound). */
  readonly max?: number;
  /** Whether the value must be a whole number. */
  readonly integer: boolean;
  /** What the value means (e.g. `milliseconds`), for the message; left out when absent. */
  readonly unit?: string;
}

/**
 * Parses and checks one number. Empty or blank text is not a number (`Number('')` would be 0).
 *
 * @param label - where the text came from, as the message names it (`--rate`, `BENCH_REPEATS`)
 * @param text - the text given
 * @param rule - what it accepts
 * @returns the value
 * @throws Error `<label> must be <a number | a whole number> <range> (<unit>), got '<text>'`
 */
export function checkedNumber(label: string, text: string, rule: NumberRule): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const inRange =
    Number.isFinite(value) &&
    (rule.minExclusive === true ? value > rule.min : value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (!rule.integer || Number.isInteger(value));
  if (!inRange) {
    const kind = rule.integer ? 'a whole number' : 'a number';
    const lower = `${rule.minExclusive === true ? '>' : '≥'} ${rule.min}`;
    const range =
      rule.max === undefined
        ? lower
        : rule.minExclusive === true
          ? `${lower} and ≤ ${rule.max}`
          : `from ${rule.min} to ${rule.max}`;
    const unit = rule.unit === undefined ? '' : ` (${rule.unit})`;
    throw new Error(`${label} must be ${kind} ${range}${unit}, got '${text}'`);
  }
  return value;
}
