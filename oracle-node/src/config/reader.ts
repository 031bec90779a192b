/**
 * Reads one table of a parsed configuration (TOML or JSON) field by field. Every refusal names the
 * full path of the field (`jobs[1].sources[0].timeout`) and what it must be, and a key the table
 * does not know is refused too, since a misspelt `threshold` that silently falls back to a default
 * would report on the wrong trigger.
 */
import { OracleNodeError, type OracleNodeErrorCode } from '../errors';
import { parseDuration } from '../lib/durations';

/** A field reader over one table. */
export class TableReader {
  readonly #table: Record<string, unknown>;
  readonly #path: string;
  readonly #code: OracleNodeErrorCode;
  readonly #read = new Set<string>();

  /**
   * @param value - the table
   * @param path - its path (`''` for the root)
   * @param code - the code of refusals (`INVALID_CONFIG` or `INVALID_JOB`)
   */
  constructor(value: unknown, path: string, code: OracleNodeErrorCode) {
    this.#path = path;
    this.#code = code;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.error(path, 'must be a table');
    }
    this.#table = value as Record<string, unknown>;
  }

  /**
   * An error naming a field.
   *
   * @param field - the field's full path
   * @param problem - what is wrong with it
   * @returns the error
   */
  error(field: string, problem: string): OracleNodeError {
    return new OracleNodeError({
      code: this.#code,
      field: field === '' ? '(root)' : field,
      message: `${field === '' ? '(root)' : field}: ${problem}`,
    });
  }

  /**
   * The full path of a key of this table.
   *
   * @param key - the key
   * @returns `path.key`
   */
  pathOf(key: string): string {
    return this.#path === '' ? key : `${this.#path}.${key}`;
  }

  /**
   * Whether the table has a key.
   *
   * @param key - the key
   * @returns true when present
   */
  has(key: string): boolean {
    return this.#table[key] !== undefined;
  }

  /**
   * The raw value of a key, marked as read.
   *
   * @param key - the key
   * @returns the value, possibly undefined
   */
  raw(key: string): unknown {
    this.#read.add(key);
    return this.#table[key];
  }

  /**
   * A required string.
   *
   * @param key - the key
   * @param pattern - a pattern the string must match
   * @returns the string
   * @throws OracleNodeError when absent, not a string or not matching
   */
  string(key: string, pattern?: RegExp): string {
    const v = this.raw(key);
    if (typeof v !== 'string' || v.length === 0) {
      throw this.error(this.pathOf(key), `must be a non-empty string, got ${describe(v)}`);
    }
    if (pattern !== undefined && !pattern.test(v)) {
      throw this.error(this.pathOf(key), `"${v}" must match ${String(pattern)}`);
    }
    return v;
  }

  /**
   * An optional string.
   *
   * @param key - the key
   * @returns the string or undefined
   * @throws OracleNodeError when present and not a non-empty string
   */
  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : (this.raw(key), undefined);
  }

  /**
   * A number within bounds.
   *
   * @param key - the key
   * @param min - smallest accepted value
   * @param max - largest accepted value
   * @param fallback - the value when absent; required when undefined
   * @returns the number
   * @throws OracleNodeError when absent without a fallback, not a number, or out of bounds
   */
  number(key: string, min: number, max: number, fallback?: number): number {
    const v = this.raw(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw this.error(this.pathOf(key), `must be a number, got ${describe(v)}`);
    }
    if (v < min || v > max) {
      throw this.error(this.pathOf(key), `${v} is outside ${min} to ${max}`);
    }
    return v;
  }

  /**
   * An integer within bounds.
   *
   * @param key - the key
   * @param min - smallest accepted value
   * @param max - largest accepted value
   * @param fallback - the value when absent; required when undefined
   * @returns the integer
   * @throws OracleNodeError when absent without a fallback, not an integer, or out of bounds
   */
  integer(key: string, min: number, max: number, fallback?: number): number {
    const v = this.number(key, min, max, fallback);
    if (!Number.isInteger(v)) throw this.error(this.pathOf(key), `${v} must be an integer`);
    return v;
  }

  /**
   * A duration (`500ms`, `15s`, `1m`) in milliseconds.
   *
   * @param key - the key
   * @param minMs - smallest accepted duration
   * @param fallbackMs - the value when absent; required when undefined
   * @returns milliseconds
   * @throws OracleNodeError when absent without a fallback, not a duration, or too short
   */
  duration(key: string, minMs: number, fallbackMs?: number): number {
    const v = this.raw(key);
    if (v === undefined && fallbackMs !== undefined) return fallbackMs;
    const ms = typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined) {
      throw this.error(
        this.pathOf(key),
        `must be a duration such as "500ms", "15s" or "1m", got ${describe(v)}`,
      );
    }
    if (ms < minMs) throw this.error(this.pathOf(key), `${String(v)} is shorter than ${minMs} ms`);
    return ms;
  }

  /**
   * A sub-table.
   *
   * @param key - the key
   * @param optional - whether an absent table is an empty one
   * @returns its reader
   * @throws OracleNodeError when absent (unless optional) or not a table
   */
  table(key: string, optional = false): TableReader {
    const v = this.raw(key);
    if (v === undefined && optional) return new TableReader({}, this.pathOf(key), this.#code);
    if (v === undefined) throw this.error(this.pathOf(key), 'is required');
    return new TableReader(v, this.pathOf(key), this.#code);
  }

  /**
   * An array of tables.
   *
   * @param key - the key
   * @param minItems - fewest items accepted
   * @returns a reader per item
   * @throws OracleNodeError when not an array of tables or too short
   */
  tables(key: string, minItems = 0): TableReader[] {
    const v = this.raw(key) ?? [];
    if (!Array.isArray(v))
      throw this.error(this.pathOf(key), `must be an array, got ${describe(v)}`);
    if (v.length < minItems) {
      throw this.error(this.pathOf(key), `needs at least ${minItems} item(s), has ${v.length}`);
    }
    return v.map((item, i) => new TableReader(item, `${this.pathOf(key)}[${i}]`, this.#code));
  }

  /**
   * An array of strings.
   *
   * @param key - the key
   * @returns the strings (empty when absent)
   * @throws OracleNodeError when not an array of non-empty strings
   */
  strings(key: string): string[] {
    const v = this.raw(key) ?? [];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.length > 0)) {
      throw this.error(
        this.pathOf(key),
        `must be an array of non-empty strings, got ${describe(v)}`,
      );
    }
    return v as string[];
  }

  /**
   * Refuses keys that were never read.
   *
   * @throws OracleNodeError naming the first unknown key
   */
  done(): void {
    for (const key of Object.keys(this.#table)) {
      if (!this.#read.has(key)) throw this.error(this.pathOf(key), 'is not a known setting');
    }
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return `${typeof v} ${v.toString()}`;
  }
  return typeof v === 'object' ? 'a table' : typeof v;
}
