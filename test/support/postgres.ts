/**
 * A throwaway PostgreSQL server for tests, from the Debian `postgresql` package's binaries
 * (/usr/lib/postgresql/<version>/bin). PostgreSQL refuses to run as root, so under root initdb and
 * postgres run as the `postgres` system user through runuser, with the data folder in a fresh
 * temporary folder owned by that user. It listens on 127.0.0.1 and the given port only (plus a
 * Unix socket inside its own folder), trusts local connections (nothing else can reach it) and
 * trades durability for speed (fsync off): a test's database dies with the test. Stopped by the
 * postmaster's PID, never by name. Nothing is installed here: missing binaries are an error that
 * says what to install.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** A running server. */
export interface PostgresServer {
  /** The TCP port on 127.0.0.1. */
  readonly port: number;
  /** The postmaster's PID. */
  readonly pid: number;
  /** A connection URL for a database (`postgres` when not given). */
  url(database?: string): string;
  /**
   * Creates a database.
   *
   * @returns its connection URL
   */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown by PID) and removes its folder. */
  stop(): Promise<void>;
}

/** The folder of the newest installed PostgreSQL's binaries, or a clear error. */
export function postgresBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined || !existsSync(join(root, newest, 'bin', 'initdb'))) {
    throw new Error(
      `PostgreSQL server binaries not found under ${root}/<version>/bin; install them with ` +
        '`apt-get install postgresql` (scripts/bootstrap.sh does so when run as root)',
    );
  }
  return join(root, newest, 'bin');
}

async function canConnect(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    await c.end().catch(() => undefined);
    return false;
  }
}

/**
 * Starts a PostgreSQL server on 127.0.0.1.
 *
 * @param options - the port (inside the caller's own range)
 * @returns the running server
 * @throws Error when the binaries are missing, the port is taken or the server does not start
 */
export async function startPostgres(options: Readonly<{ port: number }>): Promise<PostgresServer> {
  const bin = postgresBinaries();
  const { port } = options;
  const url = (database = 'postgres'): string =>
    `postgresql://postgres@127.0.0.1:${port}/${database}`;
  if (await canConnect(url())) {
    throw new Error(`port ${port} already has a PostgreSQL server; is another test running?`);
  }
  const asRoot = process.getuid?.() === 0;
  // Under root, run as the postgres user; otherwise as ourselves (postgres refuses only root).
  const command = (exe: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, exe), ...args]]
      : [join(bin, exe), args];
  const dir = mkdtempSync(join(tmpdir(), 'oracle-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const [initExe, initArgs] = command('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  try {
    execFileSync(initExe, initArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${stderr || String(err)}`);
  }
  const [pgExe, pgArgs] = command('postgres', [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=50',
  ]);
  const child: ChildProcess = spawn(pgExe, pgArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const end = Date.now() + 30_000;
  let pid: number | undefined;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`postgres exited with ${child.exitCode}: ${stderr}`);
    }
    const pidFile = join(data, 'postmaster.pid');
    if (pid === undefined && existsSync(pidFile)) {
      const first = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (Number.isInteger(first) && first > 0) pid = first;
    }
    if (pid !== undefined && (await canConnect(url()))) break;
    if (Date.now() > end) {
      if (pid !== undefined) process.kill(pid, 'SIGINT');
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`postgres did not accept connections on port ${port} within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const postmaster = pid;
  let stopped = false;
  return {
    port,
    pid: postmaster,
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
      const c = new Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, no waiting on them.
      if (child.exitCode === null) {
        try {
          process.kill(postmaster, 'SIGINT');
        } catch {
          // Already gone.
        }
        const timer = setTimeout(() => {
          if (child.exitCode === null) {
            try {
              process.kill(postmaster, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }
        }, 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
