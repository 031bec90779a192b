/**
 * The console `npm run demo` leaves running (scripts/demo/console.sh), without running the whole
 * demo (minutes of story): its start step on the harness's network prints a URL that answers and
 * records a live PID in the network's home; a second start replaces that process; the token file
 * it names lets a write through; `stop` ends it, and so does `network.sh down` through the PID
 * file. The down is run against a scratch network home holding only that PID file, so the
 * network the other tests share stays up.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { processAlive, REPO_DIR, sharedDescriptionFile } from '../support/network';

const run = promisify(execFile);

async function consoleSh(
  env: Record<string, string>,
  command: 'start' | 'stop',
): Promise<{ stdout: string; url: string | undefined }> {
  const { stdout } = await run('bash', [join(REPO_DIR, 'scripts', 'demo', 'console.sh'), command], {
    env: { ...process.env, ...env },
    cwd: REPO_DIR,
  });
  return { stdout, url: /runs at (http:\/\/127\.0\.0\.1:[0-9]+\/)/.exec(stdout)?.[1] };
}

function recordedPid(home: string): number {
  const [pid] = readFileSync(join(home, 'pids', 'console.pid'), 'utf8')
    .trim()
    .split(' ');
  return Number(pid);
}

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

describe("the demo's console (scripts/demo/console.sh)", function () {
  this.timeout(180_000);
  let home = '';
  let env: Record<string, string> = {};

  before(function () {
    const description = sharedDescriptionFile();
    const networkHome = process.env.NETWORK_HOME;
    if (description === undefined || networkHome === undefined || networkHome === '') {
      console.warn(
        "SKIPPED the demo's console test: NETWORK_DESCRIPTION is unset (run through scripts/with-network.sh)",
      );
      this.skip();
    }
    home = networkHome;
    // Any free port: the suite's network or another test may hold a fixed one.
    env = {
      NETWORK_NAME: process.env.NETWORK_NAME ?? '',
      NETWORK_HOME: home,
      PORT_BASE: process.env.PORT_BASE ?? '',
      CONSOLE_PORT: '0',
    };
  });

  after(async () => {
    if (home !== '') await consoleSh(env, 'stop');
  });

  it('prints a URL that answers, records a live PID, replaces itself on a rerun, and stops', async () => {
    const first = await consoleSh(env, 'start');
    expect(first.url, first.stdout).to.be.a('string');
    const session = await fetch(new URL('api/session', first.url));
    expect(session.status).to.equal(200);
    expect(await session.json()).to.deep.include({ member: { name: 'Org1', mspId: 'Org1MSP' } });
    const firstPid = recordedPid(home);
    expect(processAlive(firstPid)).to.equal(true);
    expect(readFileSync(`/proc/${String(firstPid)}/cmdline`, 'utf8')).to.include(
      'console/dist/server/main.js',
    );
    // The token is in a file only its owner reads, and nowhere in what the step printed.
    const tokenFile = join(home, 'console.token');
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(statSync(tokenFile).mode & 0o777).to.equal(0o600);
    expect(first.stdout).to.include(tokenFile);
    expect(first.stdout).to.not.include(token);

    const second = await consoleSh(env, 'start');
    const secondPid = recordedPid(home);
    expect(secondPid).to.not.equal(firstPid);
    await waitGone(firstPid);
    expect(processAlive(firstPid)).to.equal(false);
    expect(processAlive(secondPid)).to.equal(true);
    const url = second.url ?? '';
    const newToken = readFileSync(tokenFile, 'utf8').trim();
    const write = (t: string): Promise<Response> =>
      fetch(new URL('api/session/check', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` },
        body: '{}',
      });
    expect((await write(newToken)).status).to.equal(200);
    // The first run's token died with its console.
    expect((await write(token)).status).to.equal(403);

    const stopped = await consoleSh(env, 'stop');
    expect(stopped.stdout).to.include('console stopped');
    await waitGone(secondPid);
    expect(processAlive(secondPid)).to.equal(false);
    expect(existsSync(join(home, 'pids', 'console.pid'))).to.equal(false);
    expect(existsSync(tokenFile)).to.equal(false);
    const refused = await fetch(new URL('api/session', url)).then(
      () => 'answered',
      () => 'refused',
    );
    expect(refused).to.equal('refused');
  });

  it('is ended by network.sh down through the PID file it records', async () => {
    await consoleSh(env, 'start');
    const pid = recordedPid(home);
    expect(processAlive(pid)).to.equal(true);
    const scratch = join(mkdtempSync(join(tmpdir(), 'console-down-')), 'net');
    mkdirSync(join(scratch, 'pids'), { recursive: true });
    cpSync(join(home, 'pids', 'console.pid'), join(scratch, 'pids', 'console.pid'));
    await run('bash', [join(REPO_DIR, 'test-network', 'network.sh'), 'down'], {
      env: { ...process.env, ...env, NETWORK_NAME: 'console-down', NETWORK_HOME: scratch },
      cwd: REPO_DIR,
    });
    await waitGone(pid);
    expect(processAlive(pid)).to.equal(false);
    expect(existsSync(scratch)).to.equal(false);
  });
});
