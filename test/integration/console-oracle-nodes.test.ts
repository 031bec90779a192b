/**
 * The console's Oracle nodes page end to end: two `oracle-node start` processes (a feed of two
 * oracles, f = 0, owned by Org1; each node acts with Org1's admin identity and asks one fake
 * adapter) and Org1's console configured with their operations listeners, driven in Debian's
 * headless chromium. The page lists both nodes healthy with their job, bridge, lease state (what
 * the node's /v1/lease says, "n/a" where it answers 404) and recent runs; after one node is
 * stopped by PID the page shows it down, pushed as a live event, while the other stays up.
 *
 * Ports: p2p 25510-25511 and operations 25520-25521 (the console tests' range 25500-25599;
 * ORACLE_CONSOLE_PORT_BASE moves them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  newOracleNodesMonitor,
  openBackend,
  startConsoleServer,
  type ConsoleServer,
} from '@oracle-consortium/console';
import type { Connection } from '@oracle-consortium/gateway';
import { CHROMIUM, shot, waitForCount } from '../support/console-page';
import { processAlive, REPO_DIR, sharedDescriptionFile } from '../support/network';
import { makeNodeFiles, writeNodeConfig, type NodeFiles } from '../support/oracle-node/cluster';
import { connectAdmin } from '../support/oracle-node/admin';
import { startFakeAdapter, type FakeAdapter } from '../support/oracle-node/fake-adapter';

const CLI = join(REPO_DIR, 'oracle-node', 'dist', 'cli.js');
const BASE = Number(process.env.ORACLE_CONSOLE_PORT_BASE ?? '25500');
const P2P_BASE = BASE + 10;
const API_BASE = BASE + 20;

async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('operator console: the Oracle nodes page in a browser', function () {
  this.timeout(300_000);
  const run = Date.now().toString(36);
  const feedId = `cn-${run}`;
  const ids = [0, 1].map((i) => `console-node-${run}-${i}`);
  const children: (ChildProcess | undefined)[] = [];
  let files: NodeFiles[] = [];
  let adapters: FakeAdapter[] = [];
  let conn: Connection | undefined;
  let server: ConsoleServer | undefined;
  let browser: Browser | undefined;
  let root: string | undefined;

  async function stopNode(i: number): Promise<void> {
    const child = children[i];
    children[i] = undefined;
    if (child?.pid === undefined || child.exitCode !== null) return;
    const pid = child.pid;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        resolve();
      }),
    );
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(timer);
  }

  before(async function () {
    const description = sharedDescriptionFile();
    if (description === undefined) {
      console.warn(
        'SKIPPED console oracle nodes test: NETWORK_DESCRIPTION is unset (run through scripts/with-network.sh)',
      );
      this.skip();
    }
    if (!existsSync(CHROMIUM)) {
      console.warn(`SKIPPED console oracle nodes test: no chromium at ${CHROMIUM}`);
      this.skip();
    }
    const org1 = await connectAdmin(description);
    const admin = org1.files;
    conn = org1.connection;
    root = mkdtempSync(join(tmpdir(), 'console-oracle-nodes-'));
    files = await makeNodeFiles(root, ids);
    await org1.feeds.createFeed({
      feedId,
      description: 'ETH / USD (console oracle nodes test)',
      decimals: 8,
      oracles: files.map((f) => ({ id: f.oracleId, publicKey: f.publicKey })),
      f: 0,
      heartbeatSeconds: 3600,
      deviationThresholdPpb: 10_000_000,
    });
    adapters = await Promise.all(ids.map((_, i) => startFakeAdapter({ price: 3150 + i })));
    files.forEach((f, i) => {
      const config = writeNodeConfig({
        index: i,
        all: files,
        p2pBase: P2P_BASE,
        apiBase: API_BASE,
        adapters: [adapters[i]?.url ?? ''],
        feedId,
        fabric: `networkDescription = ${JSON.stringify(description)}\nmember = "Org1"\ncertificate = ${JSON.stringify(admin.certificatePath)}\nkey = { type = "file", path = ${JSON.stringify(admin.privateKeyPath)} }`,
        job: 'threshold = 1\nidleTimerPeriod = "1h"\npollTimerPeriod = "2s"',
        rounds:
          'progressTimeout = "8s"\ngrace = "1500ms"\nrequestTimeout = "3s"\ntransmitStagger = "4s"',
        sourceTimeout: '1500ms',
      });
      const child = spawn(process.execPath, [CLI, 'start', '--config', config], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      const log = createWriteStream(join(f.dir, 'node.log'), { flags: 'a' });
      child.stdout.pipe(log);
      child.stderr.pipe(log);
      children[i] = child;
    });
    for (let i = 0; i < ids.length; i++) {
      await until(
        `oracle node ${String(i)} ready`,
        async () => {
          const res = await fetch(`http://127.0.0.1:${String(API_BASE + i)}/readyz`);
          return res.status === 200 ? true : undefined;
        },
        90_000,
      );
    }
    const backend = await openBackend({
      descriptionPath: description,
      member: 'Org1',
      stateDir: join(root, 'console'),
      probeIntervalMs: 1000,
      probeTimeoutMs: 1000,
    });
    server = await startConsoleServer({
      backend,
      port: 0,
      oracleNodes: newOracleNodesMonitor({
        nodes: ids.map((name, i) => ({ name, url: `http://127.0.0.1:${String(API_BASE + i)}` })),
        intervalMs: 1000,
        timeoutMs: 1000,
      }),
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all(ids.map((_, i) => stopNode(i)));
    await Promise.all(adapters.map((a) => a.close()));
    conn?.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  async function open(hash: string): Promise<Page> {
    if (browser === undefined || server === undefined) throw new Error('not started');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}${hash}`);
    await page.waitForSelector('[data-testid=live][data-live=true]');
    return page;
  }

  it('lists every oracle node healthy with its job, bridge, lease state and recent runs', async () => {
    const page = await open('#/oracle-nodes');
    await page.waitForSelector('[data-testid=nav-oracle-nodes]');
    await waitForCount(page, 'article[data-oracle-node][data-health=up]', ids.length, 30_000);
    const articles = page.locator('article[data-oracle-node]');
    const names: (string | null)[] = [];
    for (let i = 0; i < (await articles.count()); i++) {
      names.push(await articles.nth(i).getAttribute('data-oracle-node'));
    }
    expect(names).to.deep.equal(ids);
    for (const [i, id] of ids.entries()) {
      const node = page.locator(`article[data-oracle-node="${id}"]`);
      expect(
        await node.locator('[data-testid=jobs] tr[data-job]').getAttribute('data-feed'),
      ).to.equal(feedId);
      expect(await node.locator('[data-testid=bridges] li').getAttribute('data-bridge')).to.equal(
        'adapter-0',
      );
      // Before the node service serves /v1/lease it answers 404 ("n/a"); after, the role it states.
      const res = await fetch(`http://127.0.0.1:${String(API_BASE + i)}/v1/lease`);
      const expected = res.status === 404 ? 'n/a' : ((await res.json()) as { role: string }).role;
      // The page shows the snapshot the console last pushed: a probe that timed out on a loaded
      // machine shows 'error' until the next one, so wait for the node's own answer to arrive.
      const lease = node.locator(`[data-testid=lease][data-lease="${expected}"]`);
      await lease.waitFor({ timeout: 30_000 }).catch(() => undefined);
      expect(await node.locator('[data-testid=lease]').getAttribute('data-lease')).to.equal(
        expected,
      );
      // Runs arrive with later snapshots, pushed to the open page.
      await node.locator('[data-testid=runs] tr[data-run]').first().waitFor({ timeout: 60_000 });
    }
    expect(await page.textContent('[data-testid=oracle-summary]')).to.include('2 nodes, 0 down');
    await shot(page, 'oracle-nodes');
    await page.context().close();
  });

  it('shows a node down once its process is stopped, without a reload, and the other up', async () => {
    const page = await open('#/oracle-nodes');
    await waitForCount(page, 'article[data-oracle-node][data-health=up]', ids.length, 30_000);
    const pid = children[1]?.pid;
    await stopNode(1);
    expect(pid !== undefined && processAlive(pid)).to.equal(false);
    const down = await page.waitForSelector(
      `article[data-oracle-node="${ids[1] ?? ''}"][data-health=down]`,
      { timeout: 30_000 },
    );
    expect(await down.textContent()).to.include('ECONNREFUSED');
    expect(
      await page.locator(`article[data-oracle-node="${ids[0] ?? ''}"]`).getAttribute('data-health'),
    ).to.equal('up');
    expect(await page.textContent('[data-testid=oracle-summary]')).to.include('2 nodes, 1 down');
    await shot(page, 'oracle-nodes-node-down');
    await page.context().close();
  });
});
