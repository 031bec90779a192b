/**
 * Durations as job specs write them (`500ms`, `15s`, `1m30s`, `2h`), Chainlink's notation, parsed
 * to milliseconds. A bare number is refused: `60` could be seconds or milliseconds, and a
 * heartbeat off by a factor of 1000 is a silent outage.
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/**
 * Parses a duration.
 *
 * @param text - one or more `<number><unit>` parts, units `ms`, `s`, `m`, `h`
 * @returns milliseconds, or `undefined` when the text is not a duration
 */
export function parseDuration(text: string): number | undefined {
  if (text.length === 0) return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (m === null || m.index !== at) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}
