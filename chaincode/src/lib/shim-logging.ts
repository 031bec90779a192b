/**
 * fabric-shim logs through winston 3, which runs every message through its formats (timestamp,
 * metadata, colours, padding, printf) and only then lets its transport drop the ones below the
 * level `CORE_CHAINCODE_LOGGING_LEVEL` sets. The shim writes debug messages for every transaction
 * and every state call; at the usual level none of them is printed, yet formatting them took about
 * a fifth of this chaincode's CPU per membership vote (a CPU profile of the chaincode server under
 * the bench's vote workload, issue 16). `gateShimLogging` drops such a message before any
 * formatting, on winston's own `isLevelEnabled`, which weighs the logger's and its transports'
 * levels as the transports do: what is printed does not change.
 */
import { dirname } from 'node:path';

/** triple-beam's key for a message's level, which winston sets on every message it writes. */
const LEVEL = Symbol.for('level');
/** Marks a winston Logger prototype already gated, so loading the chaincode twice gates once. */
const GATED = Symbol.for('oracle-consortium.gated-logging');

/** The part of winston's Logger the gate uses. */
interface WinstonLogger {
  isLevelEnabled: (this: WinstonLogger, level: string) => boolean;
  log: (this: WinstonLogger, level: unknown, ...rest: unknown[]) => unknown;
  write: (this: WinstonLogger, chunk: unknown, ...rest: unknown[]) => boolean;
  [GATED]?: true;
}

/** The packages whose loggers the gate covers: each may load a nested winston of its own. */
const LOGGING_PACKAGES = ['fabric-shim', 'fabric-contract-api'];

/**
 * The winston Logger class a package loads (its own nested copy when it has one), or `undefined`
 * when it cannot be found.
 *
 * @param pkg - the package name
 */
function winstonLoggerOf(pkg: string): { prototype: WinstonLogger } | undefined {
  try {
    const dir = dirname(require.resolve(`${pkg}/package.json`));
    const file = require.resolve('winston/lib/winston/logger', { paths: [dir] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as { prototype: WinstonLogger };
  } catch {
    return undefined;
  }
}

/**
 * Gates one winston Logger class: `log` and `write` drop a message whose level is not enabled.
 *
 * @returns whether the class is gated (now or before)
 */
function gate(logger: { prototype: WinstonLogger } | undefined): boolean {
  const proto = logger?.prototype;
  if (proto === undefined || typeof proto.isLevelEnabled !== 'function') return false;
  if (proto[GATED] === true) return true;
  // `logger.debug(message, ...args)` goes through `log(level, ...)`, which builds the message
  // (string interpolation, metadata) before writing it; `logger.debug(message)` writes directly.
  const log = proto.log;
  proto.log = function gatedLog(this: WinstonLogger, level: unknown, ...rest: unknown[]) {
    if (typeof level === 'string' && rest.length > 0 && !this.isLevelEnabled(level)) return this;
    return log.call(this, level, ...rest);
  };
  const write = proto.write;
  proto.write = function gatedWrite(this: WinstonLogger, chunk: unknown, ...rest: unknown[]) {
    if (chunk !== null && typeof chunk === 'object') {
      const info = chunk as { [LEVEL]?: unknown; level?: unknown };
      const level = info[LEVEL] ?? info.level;
      if (typeof level === 'string' && !this.isLevelEnabled(level)) return true;
    }
    return write.call(this, chunk, ...rest);
  };
  proto[GATED] = true;
  return true;
}

/**
 * Makes the loggers of fabric-shim and fabric-contract-api drop a message they would not print
 * before formatting it.
 *
 * @returns how many winston copies are gated (now or by an earlier call): 0 when none of the
 *   expected winston 3 was found, and logging then stays as it was
 */
export function gateShimLogging(): number {
  const classes = new Set(LOGGING_PACKAGES.map(winstonLoggerOf));
  let gated = 0;
  for (const c of classes) if (gate(c)) gated++;
  return gated;
}
