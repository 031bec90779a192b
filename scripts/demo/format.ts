/**
 * How the demo prints what it reads: fixed-point answers in the feed's decimals (with bigint, as
 * answers exceed Number's exact range), Unix times as ISO-8601 UTC with their age, and every step
 * time measured from the one moment `npm run demo` started, so the shell's steps and this
 * process's steps share a clock.
 */

/**
 * A fixed-point integer as a decimal string: `301150000000` with 8 decimals is `3011.50000000`.
 *
 * @param value - the integer, as a decimal string or a bigint
 * @param decimals - the feed's decimals
 * @returns the value with the decimal point placed
 * @throws RangeError when `value` is not a decimal integer
 */
export function formatFixedPoint(value: string | bigint, decimals: number): string {
  const text = typeof value === 'bigint' ? value.toString() : value;
  if (!/^-?\d+$/.test(text)) throw new RangeError(`not a decimal integer: ${text}`);
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}

/**
 * Unix seconds as ISO-8601 UTC, to the second.
 *
 * @param unixSeconds - seconds since the epoch
 * @returns for example `2026-01-01T00:00:00Z`
 */
export function formatUnixTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * How long before `nowMs` a Unix time was, in whole seconds.
 *
 * @param unixSeconds - the time, seconds since the epoch
 * @param nowMs - now, milliseconds since the epoch
 * @returns `3 s ago`, or `10 s in the future` for a later time
 */
export function formatAge(unixSeconds: number, nowMs: number): string {
  const seconds = Math.trunc((nowMs - unixSeconds * 1000) / 1000);
  return seconds >= 0 ? `${String(seconds)} s ago` : `${String(-seconds)} s in the future`;
}

/**
 * The time since the demo started, as every step line prints it.
 *
 * @param startedMs - when `npm run demo` started, milliseconds since the epoch
 * @param nowMs - now, milliseconds since the epoch
 * @returns for example `[ 12.5s]`
 */
export function formatElapsed(startedMs: number, nowMs: number): string {
  return `[${((nowMs - startedMs) / 1000).toFixed(1).padStart(5)}s]`;
}
