/**
 * How the pages write numbers and times: a feed's integer answer in its decimals (exact, with
 * bigint: answers exceed what a float holds) and an age in words. Shared by the server's tests and
 * the browser bundle.
 */

/**
 * Writes an integer answer in its fixed-point scale.
 *
 * @param answer - decimal integer string, possibly negative
 * @param decimals - the feed's decimals (0–36)
 * @returns e.g. `1.08425` for `'1084250'` at 6 decimals (trailing zeros dropped)
 * @throws Error when the answer is not a decimal integer
 */
export function formatFixed(answer: string, decimals: number): string {
  if (!/^-?[0-9]+$/.test(answer)) throw new Error(`answer '${answer}' is not a decimal integer`);
  const negative = answer.startsWith('-');
  const digits = (negative ? answer.slice(1) : answer).replace(/^0+(?=[0-9])/, '');
  if (decimals === 0) return `${negative ? '-' : ''}${digits}`;
  const padded = digits.padStart(decimals + 1, '0');
  const whole = padded.slice(0, padded.length - decimals);
  const fraction = padded.slice(padded.length - decimals).replace(/0+$/, '');
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/**
 * The same answer as a float, for charts only (never for display of the value itself).
 *
 * @param answer - decimal integer string
 * @param decimals - the feed's decimals
 * @returns the approximate value
 */
export function fixedToNumber(answer: string, decimals: number): number {
  return Number(formatFixed(answer, decimals));
}

/**
 * An age in words.
 *
 * @param seconds - elapsed seconds
 * @returns `12 s`, `5 min`, `3 h`, `2 d`
 */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  if (s < 172800) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}
