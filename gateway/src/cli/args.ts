/**
 * Command-line parsing for `amb`, shaped like `aws managedblockchain <command> --option value`:
 * kebab-case options, each taking one value unless it is a flag, `--help` anywhere, and global
 * options (`--network-description`, `--member`, `--identity`, `--output`) beside the command's
 * own. The description file is `--network-description`, not `--description`, because
 * `create-proposal --description` is the managed service's proposal text.
 */

/** How results are printed. */
export type OutputFormat = 'json' | 'table';

/** One option a command takes. */
export interface OptionSpec {
  /** The name without dashes, for example `proposal-id`. */
  readonly name: string;
  /** One line for `--help`. */
  readonly help: string;
  /** Whether the command cannot run without it. */
  readonly required?: boolean;
}

/** What the global options say. */
export interface GlobalOptions {
  /**
   * The network description file (`--network-description`; `--description` is the managed
   * service's proposal description); absent means `NETWORK_DESCRIPTION` or the local network's.
   */
  readonly networkDescription?: string;
  /** The member to act as (name, id or MSP id); absent means the description's first. */
  readonly member?: string;
  /** The member's identity from the description; `admin` when absent. */
  readonly identity: string;
  /** JSON by default. */
  readonly output: OutputFormat;
}

/** The options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'network-description',
    help: 'network description file (default: $NETWORK_DESCRIPTION, else the local network)',
  },
  { name: 'member', help: 'member to act as: name, member id or MSP id (default: the first)' },
  { name: 'identity', help: "identity of the member in the description (default: 'admin')" },
  { name: 'output', help: "'json' (default) or 'table'" },
];

/** A parsed command line. */
export interface ParsedArgs {
  /** The command, or undefined when none was given. */
  readonly command?: string;
  /** Whether `--help` or `help` was asked for. */
  readonly help: boolean;
  /** The global options. */
  readonly globals: GlobalOptions;
  /** The command's own options, by name. */
  readonly options: Readonly<Record<string, string>>;
}

/** A command line `amb` cannot run; the message says what to fix. */
export class UsageError extends Error {
  /**
   * @param message - what is wrong with the command line
   */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses `amb` arguments (without `node` and the script). Option values come as `--name value`
 * or `--name=value`; the command's own options are checked against `specs` once the command is
 * known.
 *
 * @param argv - the arguments
 * @param specs - each command's options, by command name
 * @returns the command, help request, global and command options
 * @throws UsageError for an unknown command or option, a missing value or a bad `--output`
 * @example
 * ```ts
 * parseArgs(['get-proposal', '--proposal-id', 'p-0123456789abcdef'], specs);
 * ```
 */
export function parseArgs(
  argv: readonly string[],
  specs: Readonly<Record<string, readonly OptionSpec[]>>,
): ParsedArgs {
  let command: string | undefined;
  let help = false;
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h' || (arg === 'help' && command === undefined)) {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (command !== undefined) {
        throw new UsageError(`unexpected argument ${JSON.stringify(arg)} after ${command}`);
      }
      command = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new UsageError(`--${name} needs a value`);
      }
      i++;
    }
    if (name in values) throw new UsageError(`--${name} is given twice`);
    values[name] = value;
  }
  if (command !== undefined && !(command in specs)) {
    throw new UsageError(
      `unknown command ${JSON.stringify(command)}; commands: ${Object.keys(specs).join(', ')}`,
    );
  }
  const own = command === undefined ? [] : (specs[command] ?? []);
  const known = new Set([...GLOBAL_OPTIONS, ...own].map((o) => o.name));
  const options: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!known.has(name)) {
      throw new UsageError(
        `unknown option --${name}${command === undefined ? '' : ` for ${command}`}; see amb ${command ?? ''} --help`.trim(),
      );
    }
    if (!GLOBAL_OPTIONS.some((o) => o.name === name)) options[name] = value;
  }
  const output = values.output ?? 'json';
  if (output !== 'json' && output !== 'table') {
    throw new UsageError(`--output is 'json' or 'table', got ${JSON.stringify(output)}`);
  }
  if (!help) {
    for (const spec of own) {
      if (spec.required === true && !(spec.name in options)) {
        throw new UsageError(`${command ?? ''} needs --${spec.name}: ${spec.help}`);
      }
    }
  }
  return {
    command,
    help,
    options,
    globals: {
      networkDescription: values['network-description'],
      member: values.member,
      identity: values.identity ?? 'admin',
      output,
    },
  };
}
