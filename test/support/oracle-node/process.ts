/**
 * Oracle nodes as separate processes for the integration suites: started from the built CLI
 * (oracle-node/dist/cli.js) with their JSON log lines collected as events and everything they
 * write kept in a log file, and stopped by their own PID with a signal (SIGKILL after 10 s).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { REPO_DIR } from '../network';

/** The built oracle-node CLI. */
export const ORACLE_NODE_CLI = join(REPO_DIR, 'oracle-node', 'dist', 'cli.js');

/** A running oracle-node process and the log events it has written so far. */
export interface NodeProcess {
  /** The process, its stdout and stderr piped here. */
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Its stdout lines that parse as JSON (its log), in order. */
  readonly events: Record<string, unknown>[];
}

/**
 * Starts `oracle-node start --config <config>`, appending its output to `logFile`.
 *
 * @param config - the node's configuration file
 * @param logFile - where its stdout and stderr go
 * @returns the process and its growing list of events
 */
export function startNodeProcess(config: string, logFile: string): NodeProcess {
  const child = spawn(process.execPath, [ORACLE_NODE_CLI, 'start', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const events: Record<string, unknown>[] = [];
  const log = createWriteStream(logFile, { flags: 'a' });
  createInterface({ input: child.stdout }).on('line', (line) => {
    log.write(line + '\n');
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a log line of the node (a library's warning): kept in the log file only.
    }
  });
  child.stderr.pipe(log);
  return { child, events };
}

/**
 * Sends `signal` to the node's own PID and waits for it to exit, with SIGKILL after 10 s; a node
 * already gone (or never started) is left alone.
 *
 * @param node - the node, or `undefined`
 * @param signal - SIGTERM for a clean stop, SIGKILL for a crash
 */
export async function stopNodeProcess(
  node: NodeProcess | undefined,
  signal: NodeJS.Signals,
): Promise<void> {
  const pid = node?.child.pid;
  if (node === undefined || node.child.exitCode !== null || pid === undefined) return;
  const exited = new Promise<void>((resolve) =>
    node.child.once('exit', () => {
      resolve();
    }),
  );
  process.kill(pid, signal);
  const timer = setTimeout(() => {
    if (node.child.exitCode === null) process.kill(pid, 'SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
