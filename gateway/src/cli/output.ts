/**
 * Printing `amb` results: JSON exactly as the managed service's CLI prints it (two-space
 * indentation), or a table of the result's list (or of its single record) with one column per
 * field, nested values shown as compact JSON.
 */
import type { OutputFormat } from './args';

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value);
}

/** The rows a table shows: the first array field's entries, else the single object's fields. */
function rowsOf(result: Record<string, unknown>): Record<string, unknown>[] {
  for (const value of Object.values(result)) {
    if (Array.isArray(value)) {
      return value.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object');
    }
  }
  const values = Object.values(result);
  const only = values.length === 1 ? values[0] : undefined;
  if (only !== null && typeof only === 'object') return [only as Record<string, unknown>];
  return Object.keys(result).length === 0 ? [] : [result];
}

/**
 * Renders a command's result.
 *
 * @param result - the result object (AMB-shaped)
 * @param format - `json` or `table`
 * @returns the text to print, ending in a newline
 */
export function render(result: Record<string, unknown>, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  const rows = rowsOf(result);
  if (rows.length === 0) return '(none)\n';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) =>
    Math.max(c.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')}\n`;
}
