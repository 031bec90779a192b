/**
 * The operator console end to end: two consoles (Org1's and Org2's, each acting through the
 * gateway library as its member's admin) served on loopback and driven in Debian's headless
 * chromium through playwright-core, against the local network. The network page shows every node
 * healthy and one down after `network.sh stop`; a proposal created and voted in the browser by
 * both members' consoles reaches APPROVED with its tally; a feed's chart shows the rounds this test
 * reported with the library's report builder, live; a write without the token is refused.
 * Screenshots of each page go to a temporary folder, or to docs/screenshots/ (the README's) with
 * UPDATE_SCREENSHOTS=1, so a test run leaves the checkout as it found it.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openBackend, startConsoleServer, type ConsoleServer } from '@oracle-consortium/console';
import { clients, connection, reports, signers, type Connection } from '@oracle-consortium/gateway';
import { formatFixed } from '../../console/src/lib/format';
import { definitionFor, mspVectors } from '../support/msp-vectors';
import { CHROMIUM, shot, waitForCount } from '../support/console-page';
import { describedMembers, networkSh, sharedDescriptionFile } from '../support/network';

/** The policy every integration test initialises the membership contract with. */
const POLICY = {
  ProposalDurationInHours: 24,
  ThresholdComparator: 'GREATER_THAN',
  ThresholdPercentage: 50,
} as const;

async function adminConnection(description: string, member: string): Promise<Connection> {
  const network = await connection.loadNetworkDescription({ path: description, member });
  const admin = network.identities.admin;
  if (admin === undefined) throw new Error(`no admin identity for ${member}`);
  return connection.connect({
    network,
    identity: { certificate: readFileSync(admin.certificatePath, 'utf8') },
    signer: await signers.newFileSigner({ path: admin.privateKeyPath }),
  });
}

async function enableWrites(page: Page, token: string): Promise<void> {
  await page.fill('input[name=token]', token);
  await page.click('[data-testid=token-form] button[type=submit]');
  await page.waitForSelector('[data-testid=token-state]');
}

/** The given attributes of every element a selector matches, in document order. */
async function attributes(
  page: Page,
  selector: string,
  ...names: string[]
): Promise<(string | null)[][]> {
  const found = page.locator(selector);
  const out: (string | null)[][] = [];
  for (let i = 0; i < (await found.count()); i++) {
    out.push(await Promise.all(names.map((n) => found.nth(i).getAttribute(n))));
  }
  return out;
}

describe('operator console in a browser', function () {
  let description: string;
  let browser: Browser | undefined;
  const consoles: ConsoleServer[] = [];
  const admins: Connection[] = [];
  let org1: ConsoleServer;
  let org2: ConsoleServer;
  let state: string | undefined;

  before(async function () {
    const desc = sharedDescriptionFile();
    if (desc === undefined) {
      console.warn(
        'SKIPPED console end-to-end tests: NETWORK_DESCRIPTION is unset (run through scripts/with-network.sh)',
      );
      this.skip();
    }
    if (!existsSync(CHROMIUM)) {
      console.warn(
        `SKIPPED console end-to-end tests: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
      );
      this.skip();
    }
    description = desc;
    const founders = describedMembers(description).map((m) => m.mspId);
    // Initialised by whichever file runs first; the same policy and founders everywhere.
    for (const member of describedMembers(description)) {
      const conn = await adminConnection(description, member.name);
      admins.push(conn);
      try {
        await clients.newMembershipClient({ connection: conn }).initialize(POLICY, founders);
      } catch (err) {
        if (!(clients.isMembershipError(err) && err.chaincodeCode === 'ALREADY_INITIALIZED'))
          throw err;
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
    state = dir;
    for (const member of ['Org1', 'Org2']) {
      const backend = await openBackend({
        descriptionPath: description,
        member,
        stateDir: join(dir, member),
        probeIntervalMs: 1000,
        probeTimeoutMs: 1000,
      });
      consoles.push(await startConsoleServer({ backend, port: 0 }));
    }
    [org1, org2] = consoles as [ConsoleServer, ConsoleServer];
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  });

  after(async () => {
    await browser?.close();
    await Promise.all(consoles.map((c) => c.close()));
    for (const conn of admins) conn.close();
    if (state !== undefined) rmSync(state, { recursive: true, force: true });
  });

  async function open(server: ConsoleServer, hash: string): Promise<Page> {
    if (browser === undefined) throw new Error('no browser');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}${hash}`);
    await page.waitForSelector('[data-testid=live][data-live=true]');
    return page;
  }

  it('lists every node of the network healthy, then shows a stopped peer down', async () => {
    const doc = JSON.parse(readFileSync(description, 'utf8')) as { Orderers: { Id: string }[] };
    const members = describedMembers(description);
    const expected = [
      ...members.flatMap((m) => [`ca-${m.name.toLowerCase()}`, ...m.peers]),
      ...doc.Orderers.map((o) => o.Id),
      'ca-orderer',
    ].sort();
    const page = await open(org1, '#/network');
    await waitForCount(page, 'tr[data-node][data-health=up]', expected.length, 30000);
    const rows = await attributes(page, 'tr[data-node]', 'data-node', 'data-health');
    expect(rows.map(([name]) => name).sort()).to.deep.equal(expected);
    expect(rows.every(([, health]) => health === 'up')).to.equal(true);
    expect(await page.textContent('[data-testid=raft-leader]')).to.match(/^orderer[0-9]+$/);
    await shot(page, 'network');

    // A member's last peer: with two peers a member still endorses through the other.
    const last = members[members.length - 1];
    const victim =
      last !== undefined && last.peers.length > 1 ? last.peers[last.peers.length - 1] : undefined;
    const node = victim ?? `ca-${members[0]?.name.toLowerCase() ?? 'org1'}`;
    const env = {
      NETWORK_NAME: process.env.NETWORK_NAME ?? '',
      NETWORK_HOME: process.env.NETWORK_HOME ?? '',
      PORT_BASE: process.env.PORT_BASE ?? '',
    };
    await networkSh(env, 'stop', node);
    try {
      // Arrives as a live `network` event: the page is not reloaded.
      await page.waitForSelector(`tr[data-node="${node}"][data-health=down]`, { timeout: 30000 });
      const up = await page.locator('tr[data-node][data-health=up]').count();
      expect(up).to.equal(expected.length - 1);
      expect(await page.textContent('[data-testid=network-summary]')).to.include('1 down');
      await shot(page, 'network-node-down');
    } finally {
      await networkSh(env, 'start', node);
    }
    await page.waitForSelector(`tr[data-node="${node}"][data-health=up]`, { timeout: 60000 });
    await page.context().close();
  });

  it('refuses a write without the token: 403 with a JSON error, from the page and from outside', async () => {
    const page = await open(org1, '#/proposals');
    const fromPage = await page.evaluate(async () => {
      const res = await fetch('/api/proposals/any/votes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ vote: 'YES' }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(fromPage).to.deep.equal({
      status: 403,
      body: {
        error: {
          code: 'TOKEN_REQUIRED',
          message: 'writing needs the console token: send Authorization: Bearer <token>',
          source: 'console',
        },
      },
    });
    const res = await fetch(new URL('/api/proposals', org1.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token-0123456' },
      body: JSON.stringify({ description: 'x', remove: { memberId: 'Org2MSP' } }),
    });
    expect(res.status).to.equal(403);
    expect(await res.json()).to.deep.equal({
      error: {
        code: 'TOKEN_INVALID',
        message: "the console token presented is not this console's token",
        source: 'console',
      },
    });
    await page.context().close();
  });

  it("shows the contract's own error code when it refuses a proposal made in the page", async () => {
    const page = await open(org1, '#/proposals');
    await enableWrites(page, org1.token);
    await page.click('[data-testid=create-open]');
    await page.check('input[type=radio][name=kind] >> nth=1');
    await page.fill('input[name=description]', 'remove a member that does not exist');
    await page.fill('input[name=memberId]', 'NoSuchMSP');
    await page.click('[data-testid=create-submit]');
    const error = await page.waitForSelector('[data-testid=create-form] [data-testid=error]');
    expect(await error.getAttribute('data-code')).to.equal('MEMBER_NOT_FOUND');
    expect(await error.textContent()).to.include('contract, HTTP 422');
    await page.context().close();
  });

  it("approves a proposal created and voted in the browser through both members' consoles", async () => {
    const principal = `Console${Date.now() % 1000000}MSP`;
    const definition = definitionFor(principal);
    const page1 = await open(org1, '#/proposals');
    await enableWrites(page1, org1.token);
    await page1.click('[data-testid=create-open]');
    await page1.fill('input[name=description]', `invite ${principal}`);
    await page1.fill('input[name=principal]', principal);
    await page1.fill('textarea[name=rootCerts]', mspVectors.certificates.orgRoot);
    await page1.fill('textarea[name=tlsRootCerts]', mspVectors.certificates.orgTlsRoot);
    await page1.fill('input[name=rationale]', 'runs two oracle nodes');
    await page1.click('[data-testid=create-submit]');
    const article = await page1.waitForSelector('[data-testid=proposal]');
    const proposalId = (await article.getAttribute('data-proposal')) ?? '';
    expect(page1.url()).to.include(`#/proposals/${encodeURIComponent(proposalId)}`);
    expect(definition.mspId).to.equal(principal);
    await page1.waitForSelector('[data-testid=tally][data-status=IN_PROGRESS]');
    await page1.click('[data-testid=vote-yes]');
    await page1.waitForSelector('[data-testid=tally-yes]:text-is("1")');

    const page2 = await open(org2, `#/proposals/${encodeURIComponent(proposalId)}`);
    await enableWrites(page2, org2.token);
    await page2.waitForSelector('[data-testid=tally][data-status=IN_PROGRESS]');
    await page2.click('[data-testid=vote-yes]');
    await page2.waitForSelector('[data-testid=tally][data-status=APPROVED]', { timeout: 60000 });
    // Org1's page learns of Org2's vote from the membership event stream, without a reload.
    await page1.waitForSelector('[data-testid=tally][data-status=APPROVED]', { timeout: 60000 });

    const tally = async (page: Page) => ({
      yes: await page.textContent('[data-testid=tally-yes]'),
      no: await page.textContent('[data-testid=tally-no]'),
      outstanding: await page.textContent('[data-testid=tally-outstanding]'),
    });
    const onLedger = await clients
      .newMembershipClient({ connection: admins[0]! })
      .getProposal(proposalId);
    expect(onLedger.status).to.equal('APPROVED');
    const expected = {
      yes: String(onLedger.yesVoteCount),
      no: String(onLedger.noVoteCount),
      outstanding: String(onLedger.outstandingVoteCount),
    };
    expect(expected).to.deep.equal({ yes: '2', no: '0', outstanding: '0' });
    expect(await tally(page1)).to.deep.equal(expected);
    expect(await tally(page2)).to.deep.equal(expected);
    expect(await page1.textContent('[data-testid=tally]')).to.include(
      `/ ${onLedger.requiredYesVotes} required`,
    );
    const voters = page1.locator('[data-testid=votes] tr[data-voter]');
    const votes: [string | null, string | null][] = [];
    for (let i = 0; i < (await voters.count()); i++) {
      const row = voters.nth(i);
      votes.push([
        await row.getAttribute('data-voter'),
        await row.locator('td').nth(1).textContent(),
      ]);
    }
    expect(votes).to.deep.equal([
      ['Org1MSP', 'YES'],
      ['Org2MSP', 'YES'],
    ]);
    expect(await page1.textContent('[data-testid=proposal]')).to.include('runs two oracle nodes');
    await shot(page1, 'proposals');

    await page1.click('[data-testid=nav-invitations]');
    const invitation = await page1.waitForSelector(`tr[data-status=PENDING] >> text=${principal}`);
    expect(invitation).to.not.equal(null);
    await shot(page1, 'invitations');
    await page1.click('[data-testid=nav-members]');
    await page1.waitForSelector('[data-testid=members] tr[data-member=Org1MSP]');
    await page1.waitForSelector(`[data-testid=channel-changes] >> text=${principal}`);
    await shot(page1, 'members');
    await page1.context().close();
    await page2.context().close();
  });

  it('charts the rounds reported to a feed, and a new round arrives live', async () => {
    const feeds = clients.newFeedsClient({ connection: admins[0]! });
    const keys: KeyObject[] = [];
    const oracles = ['provider-a', 'provider-b', 'provider-c', 'provider-d'].map((id) => {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      keys.push(pair.privateKey);
      return { id, publicKey: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString() };
    });
    const feedId = `console-${Date.now()}`;
    const { value: feed } = await feeds.createFeed({
      feedId,
      description: 'EUR / USD',
      decimals: 8,
      oracles,
      f: 1,
      heartbeatSeconds: 60,
      deviationThresholdPpb: 1_000_000,
    });
    const start = Math.floor(Date.now() / 1000) - 60;
    const report = async (round: number, values: string[]): Promise<void> => {
      // Four oracles tolerate f = 1: oracles 0 and 1 sign (f + 1), all four observe (2f + 1 needed).
      const signed = await reports.buildReport(
        {
          feedId,
          roundId: String(round),
          observationsTimestamp: start + round,
          configDigest: feed.configDigest,
          observations: values.map((value, oracle) => ({ oracle, value })),
        },
        [0, 1].map((oracle) => ({ oracle, key: keys[oracle]! })),
      );
      await feeds.submitReport(signed);
    };
    await report(1, ['108420000', '108425000', '108430000', '108425000']);
    await report(2, ['108510000', '108500000', '108520000', '108510000']);
    await report(3, ['108390000', '108400000', '108410000', '108400000']);

    const page = await open(org1, `#/feeds/${feedId}`);
    const chart = await page.waitForSelector('[data-testid=round-chart][data-rounds="1,2,3"]');
    expect(await chart.$('canvas')).to.not.equal(null);
    const latest = await feeds.latestRoundData(feedId);
    expect(latest).to.include({ roundId: '3', answer: '108400000' });
    expect(await page.textContent('[data-testid=latest-answer]')).to.equal(
      formatFixed(latest.answer, feed.decimals),
    );
    const signedBy = await page
      .locator('[data-testid=rounds] tr[data-round] [data-testid=signers]')
      .allTextContents();
    expect(signedBy).to.deep.equal([
      'provider-a, provider-b',
      'provider-a, provider-b',
      'provider-a, provider-b',
    ]);

    // Round 4 reaches the open page through the RoundReported event stream.
    await report(4, ['108600000', '108610000', '108620000', '108610000']);
    await page.waitForSelector('[data-testid=round-chart][data-rounds="1,2,3,4"]', {
      timeout: 30000,
    });
    expect(await page.textContent('[data-testid=latest-answer]')).to.equal('1.0861');
    expect((await feeds.latestRoundData(feedId)).answer).to.equal('108610000');
    await shot(page, 'feeds');
    await page.context().close();
  });
});
