/**
 * Structured logs: one JSON object a line on stdout (`time`, `level`, `msg`, then fields), so a
 * log shipper or a test reads events without parsing prose. Bigints are written as decimal text.
 */

/** Log levels, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A structured logger. */
export interface Logger {
  /** Logs at a level with fields. */
  log(level: LogLevel, msg: string, fields?: Readonly<Record<string, unknown>>): void;
  /** A logger that adds fields to every line. */
  child(fields: Readonly<Record<string, unknown>>): Logger;
}

/** Options of {@link newLogger}. */
export interface LoggerOptions {
  /** The least severe level written; `info` by default. */
  readonly level?: LogLevel;
  /** Where lines go; stdout by default. */
  readonly write?: (line: string) => void;
  /** Fields on every line. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return value;
}

/**
 * Makes a JSON-lines logger.
 *
 * @param options - level, sink and common fields
 * @returns the logger
 */
export function newLogger(options: Readonly<LoggerOptions> = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const write =
    options.write ??
    ((line: string) => {
      process.stdout.write(line + '\n');
    });
  const base = options.fields ?? {};
  return {
    log(level, msg, fields = {}) {
      if (ORDER[level] < min) return;
      write(
        JSON.stringify(
          { time: new Date().toISOString(), level, msg, ...base, ...fields },
          replacer,
        ),
      );
    },
    child(fields) {
      return newLogger({ ...options, write, fields: { ...base, ...fields } });
    },
  };
}
