/**
 * The one way the scripts and the tests run a command (network.sh above all): `runCommand` reports
 * how it ended without throwing, for callers that check a refusal's exit code and message;
 * `runChecked` throws a {@link CommandError} naming the command, its exit code or signal and the
 * tail of its stderr, for callers to which any failure is fatal. Each had grown its own copy
 * (the demo's governance chapter, the governance and network-member tests).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** test-network/network.sh, from this file's place in the repository. */
export const NETWORK_SH = path.resolve(__dirname, '..', '..', 'test-network', 'network.sh');

/** Large enough for `network.sh status --json` and definitions of several members. */
const MAX_BUFFER = 16 * 1024 * 1024;

/** How many of stderr's last lines an error carries. */
const STDERR_TAIL_LINES = 5;

/** How a command ended. */
export interface CommandResult {
  /** The exit code; null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it, or null. */
  readonly signal: NodeJS.Signals | null;
  /** Everything it wrote to stdout. */
  readonly out: string;
  /** Everything it wrote to stderr. */
  readonly err: string;
}

/** Options of {@link runCommand} and {@link runChecked}. */
export interface RunOptions {
  /** Variables set over the current process's environment; an undefined value removes one. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The working directory; the current one when absent. */
  readonly cwd?: string;
}

/** A command that exited non-zero or was ended by a signal. */
export class CommandError extends Error {
  /** The command and its arguments. */
  readonly command: readonly string[];
  /** Its exit code; null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it, or null. */
  readonly signal: NodeJS.Signals | null;
  /** The last lines of its stderr (up to five), trimmed. */
  readonly stderrTail: string;
  /** Its whole stdout, for callers that print it. */
  readonly out: string;

  /**
   * @param command - the command and its arguments
   * @param result - how it ended
   */
  constructor(command: readonly string[], result: CommandResult) {
    const tail = stderrTail(result.err);
    const how =
      result.code === null
        ? `was ended by ${result.signal ?? 'a signal'}`
        : `exited ${String(result.code)}`;
    super(`${displayCommand(command)} ${how}${tail === '' ? '' : `:\n${tail}`}`);
    this.name = 'CommandError';
    this.command = command;
    this.code = result.code;
    this.signal = result.signal;
    this.stderrTail = tail;
    this.out = result.out;
  }
}

function stderrTail(stderr: string): string {
  return stderr.trim().split('\n').slice(-STDERR_TAIL_LINES).join('\n');
}

/** network.sh by its name rather than its absolute path, so messages stay short. */
function displayCommand(command: readonly string[]): string {
  return command
    .map((part) => (part === NETWORK_SH ? 'network.sh' : part))
    .filter((part, i) => !(i === 0 && part === 'bash' && command[1] === NETWORK_SH))
    .join(' ');
}

/**
 * Runs a command to its end and reports how it ended; never rejects for a failing command.
 *
 * @param command - the program and its arguments
 * @param options - environment additions and working directory
 * @returns its exit code, signal, stdout and stderr
 * @throws Error when the command list is empty
 * @example
 * ```ts
 * const r = await runCommand(['bash', NETWORK_SH, 'member', 'prepare', 'org-5']);
 * expect(r.code).to.equal(2);
 * ```
 */
export function runCommand(
  command: readonly string[],
  options: Readonly<RunOptions> = {},
): Promise<CommandResult> {
  const [program, ...args] = command;
  if (program === undefined) return Promise.reject(new Error('runCommand: no command given'));
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      {
        env: { ...process.env, ...options.env },
        maxBuffer: MAX_BUFFER,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        // A program that could not be started (ENOENT, EACCES) has a string code and no exit
        // status: 127, as a shell says for a missing command. Any other string code means Node
        // ended a running child (ERR_CHILD_PROCESS_STDIO_MAXBUFFER): no exit code, and the reason
        // goes last in stderr, so the error's stderr tail names it.
        const notStarted = e !== null && (e.code === 'ENOENT' || e.code === 'EACCES');
        const nodeError = e !== null && typeof e.code === 'string';
        resolve({
          code: e === null ? 0 : typeof e.code === 'number' ? e.code : notStarted ? 127 : null,
          signal: e?.signal ?? null,
          out: stdout,
          err: nodeError ? `${stderr === '' ? '' : `${stderr.trimEnd()}\n`}${e.message}` : stderr,
        });
      },
    );
  });
}

/**
 * Runs a command that must succeed.
 *
 * @param command - the program and its arguments
 * @param options - environment additions and working directory
 * @returns how it ended (always with code 0)
 * @throws CommandError when it exits non-zero or a signal ends it
 */
export async function runChecked(
  command: readonly string[],
  options: Readonly<RunOptions> = {},
): Promise<CommandResult> {
  const result = await runCommand(command, options);
  if (result.code !== 0) throw new CommandError(command, result);
  return result;
}

/**
 * The command line that runs network.sh with the given arguments.
 *
 * @param args - network.sh's arguments
 * @returns `bash <repo>/test-network/network.sh ...args`
 */
export function networkShCommand(...args: string[]): string[] {
  return ['bash', NETWORK_SH, ...args];
}
