/**
 * The PostgreSQL store and its active/standby lease, against a real PostgreSQL server started for
 * this file (Debian's binaries; test/support/postgres.ts): who takes the lease, that a renewing
 * holder keeps it, takeover only after expiry with a new epoch, the old holder fenced by its own
 * clock and by the database, signatures recorded under the epoch, a graceful release, migrations
 * applied once by two processes, and the store's records. Renewals are driven by hand, so no test
 * depends on a timer's schedule; only expiry is waited for.
 */
import { expect } from 'chai';
import { Client } from 'pg';
import { OracleNodeError } from '../../../oracle-node/src/errors';
import { newFencedSigner } from '../../../oracle-node/src/store/lease';
import type { PostgresLease } from '../../../oracle-node/src/store/postgres-lease';
import { newPostgresStore } from '../../../oracle-node/src/store/postgres-store';
import type { Store } from '../../../oracle-node/src/store/store';
import { DIGEST_A, DIGEST_B, claim } from '../../support/oracle-node/claims';
import { signers } from '@oracle-consortium/gateway';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresServer } from '../../support/postgres';

// Inside the PostgreSQL range of this suite (22500-22599); the integration test takes 22500.
const PORT = Number(process.env.ORACLE_PG_UNIT_PORT ?? 22501);
const DURATION_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('oracle-node PostgreSQL store and lease', function () {
  this.timeout(60_000);
  let server: PostgresServer;
  let db = 0;
  const open: Store[] = [];

  before(async () => {
    server = await startPostgres({ port: PORT });
  });
  after(async () => {
    await Promise.all(open.map((s) => s.close()));
    await server.stop();
  });

  /** A fresh database and `n` processes of oracle `o1` on it. */
  async function processes(n: number): Promise<{ url: string; stores: Store[] }> {
    const url = await server.createDatabase(`lease_${++db}`);
    const stores: Store[] = [];
    for (let i = 0; i < n; i++) {
      const s = await newPostgresStore({
        url,
        maxSuccessfulRuns: 3,
        leaseName: 'o1',
        leaseDurationMs: DURATION_MS,
        holderId: `p${i}`,
      });
      open.push(s);
      stores.push(s);
    }
    return { url, stores };
  }
  const lease = (s: Store | undefined) => s!.lease as PostgresLease;

  async function sql(url: string, text: string, params: unknown[] = []) {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  }

  it('gives the lease to the first process and makes the second the standby', async () => {
    const { stores } = await processes(2);
    await lease(stores[0]).renew();
    await lease(stores[1]).renew();
    expect(lease(stores[0]).state()).to.include({
      store: 'postgres',
      role: 'active',
      holder: 'p0',
      epoch: 1,
    });
    expect(lease(stores[0]).isActive()).to.equal(true);
    const standby = lease(stores[1]).state();
    expect(standby).to.include({ store: 'postgres', role: 'standby', holder: 'p0', epoch: 1 });
    expect(Date.parse(standby.expiresAt!)).to.be.greaterThan(Date.now() - 5000);
    expect(lease(stores[1]).isActive()).to.equal(false);
    expect(lease(stores[1]).activeEpoch()).to.equal(undefined);
  });

  it('keeps the lease with a holder that renews, past several lease durations', async () => {
    const { stores } = await processes(2);
    await lease(stores[0]).renew();
    for (let i = 0; i < 8; i++) {
      await sleep(DURATION_MS / 4);
      await lease(stores[0]).renew();
      await lease(stores[1]).renew();
      expect(lease(stores[1]).state().role).to.equal('standby');
    }
    expect(lease(stores[0]).state()).to.include({ role: 'active', epoch: 1 });
  });

  it('lets the standby take over only after expiry, under the next epoch', async () => {
    const { stores } = await processes(2);
    await lease(stores[0]).renew();
    await lease(stores[1]).renew();
    expect(lease(stores[1]).isActive()).to.equal(false);
    await sleep(DURATION_MS + 100);
    // By its own clock the silent holder stopped before the database let anyone else in.
    expect(lease(stores[0]).isActive()).to.equal(false);
    expect(lease(stores[0]).state().role).to.equal('standby');
    await lease(stores[1]).renew();
    expect(lease(stores[1]).state()).to.include({ role: 'active', holder: 'p1', epoch: 2 });
    await lease(stores[0]).renew();
    expect(lease(stores[0]).state()).to.include({ role: 'standby', holder: 'p1', epoch: 2 });
  });

  it('refuses a signature claim from a holder whose lease the database gave away', async () => {
    const { url, stores } = await processes(2);
    await lease(stores[0]).renew();
    expect(await stores[0]!.claimSignature(claim('1', 0, 'h1'))).to.equal(true);
    // The lease ends early in the database (as if the holder stalled); the standby takes it
    // while the old holder's own clock still counts it active.
    await sql(url, `UPDATE node_lease SET expires_at = now() - interval '1 second'`);
    await lease(stores[1]).renew();
    expect(lease(stores[1]).state()).to.include({ role: 'active', epoch: 2 });
    expect(lease(stores[0]).isActive()).to.equal(true);
    const err = await rejection(stores[0]!.claimSignature(claim('2', 0, 'h2')));
    expect(err).to.be.instanceOf(OracleNodeError);
    expect(err).to.include({ code: 'LEASE_LOST' });
    expect(await sql(url, `SELECT * FROM signed_reports WHERE round_id = '2'`)).to.deep.equal([]);
    // At its next renewal the old holder learns it and stands by.
    await lease(stores[0]).renew();
    expect(lease(stores[0]).state()).to.include({ role: 'standby', holder: 'p1' });
  });

  it('records each signed round under the epoch that signed it, once per round and attempt', async () => {
    const { url, stores } = await processes(2);
    await lease(stores[0]).renew();
    expect(await stores[0]!.claimSignature(claim('7', 0, 'aa'))).to.equal(true);
    expect(await stores[0]!.claimSignature(claim('7', 0, 'aa'))).to.equal(true);
    expect(await stores[0]!.claimSignature(claim('7', 0, 'bb'))).to.equal(false);
    await sql(url, `UPDATE node_lease SET expires_at = now() - interval '1 second'`);
    await lease(stores[1]).renew();
    // The new holder is bound by what the old one signed for that round and attempt.
    expect(await stores[1]!.claimSignature(claim('7', 0, 'bb'))).to.equal(false);
    expect(await stores[1]!.claimSignature(claim('7', 1, 'cc'))).to.equal(true);
    const rows = await sql(
      url,
      'SELECT round_id, attempt, report_hash, holder, epoch FROM signed_reports ORDER BY attempt',
    );
    expect(rows).to.deep.equal([
      { round_id: '7', attempt: 0, report_hash: 'aa', holder: 'p0', epoch: '1' },
      { round_id: '7', attempt: 1, report_hash: 'cc', holder: 'p1', epoch: '2' },
    ]);
  });

  it('lets a report rebuilt under a new feed configuration be signed in the same attempt, once', async () => {
    const { url, stores } = await processes(1);
    await lease(stores[0]).renew();
    expect(await stores[0]!.claimSignature(claim('7', 0, 'aa'))).to.equal(true);
    expect(await stores[0]!.claimSignature(claim('7', 0, 'bb', DIGEST_B))).to.equal(true);
    expect(await stores[0]!.claimSignature(claim('7', 0, 'cc', DIGEST_B))).to.equal(false);
    expect(await stores[0]!.claimSignature(claim('7', 0, 'cc'))).to.equal(false);
    expect(
      await sql(
        url,
        'SELECT config_digest, report_hash FROM signed_reports ORDER BY config_digest',
      ),
    ).to.deep.equal([
      { config_digest: DIGEST_A, report_hash: 'aa' },
      { config_digest: DIGEST_B, report_hash: 'bb' },
    ]);
  });

  it('keeps a claim made before digests were recorded binding under every digest after migrating', async () => {
    const { url, stores } = await processes(1);
    await stores[0]!.close();
    // The database as the first migration left it, with one claim in it.
    await sql(
      url,
      `ALTER TABLE signed_reports DROP CONSTRAINT signed_reports_pkey;
       ALTER TABLE signed_reports DROP COLUMN config_digest;
       ALTER TABLE signed_reports ADD PRIMARY KEY (feed_id, round_id, attempt);
       DELETE FROM schema_migrations WHERE version = 2;
       INSERT INTO signed_reports (feed_id, round_id, attempt, report_hash, holder, epoch, at)
         VALUES ('eth', '7', 0, 'old', 'p0', 1, 0);`,
    );
    const s = await newPostgresStore({
      url,
      maxSuccessfulRuns: 3,
      leaseName: 'o1',
      leaseDurationMs: DURATION_MS,
      holderId: 'p1',
    });
    open.push(s);
    await lease(s).renew();
    expect(await s.claimSignature(claim('7', 0, 'new', DIGEST_B))).to.equal(false);
    expect(await s.claimSignature(claim('7', 0, 'old', DIGEST_B))).to.equal(true);
    expect(await s.claimSignature(claim('7', 1, 'new', DIGEST_B))).to.equal(true);
    expect(
      await sql(
        url,
        'SELECT attempt, config_digest, report_hash FROM signed_reports ORDER BY attempt',
      ),
    ).to.deep.equal([
      { attempt: 0, config_digest: '', report_hash: 'old' },
      { attempt: 1, config_digest: DIGEST_B, report_hash: 'new' },
    ]);
  });

  it('refuses a claim from the standby without touching the database', async () => {
    const { url, stores } = await processes(2);
    await lease(stores[0]).renew();
    await lease(stores[1]).renew();
    const err = await rejection(stores[1]!.claimSignature(claim('1', 0, 'aa')));
    expect(err).to.be.instanceOf(OracleNodeError);
    expect(err).to.include({ code: 'LEASE_LOST' });
    expect(await sql(url, 'SELECT * FROM signed_reports')).to.deep.equal([]);
  });

  it('fences the oracle key: the standby cannot sign, the holder can', async () => {
    const { stores } = await processes(2);
    await lease(stores[0]).renew();
    await lease(stores[1]).renew();
    const dir = mkdtempSync(join(tmpdir(), 'fenced-'));
    const key = await signers.generateFileKey({ path: join(dir, 'k.pem') });
    const digest = new Uint8Array(32).fill(7);
    expect((await newFencedSigner(key, lease(stores[0])).sign(digest)).length).to.be.greaterThan(
      60,
    );
    const err = await rejection(newFencedSigner(key, lease(stores[1])).sign(digest));
    expect(err).to.be.instanceOf(OracleNodeError);
    expect(err).to.include({ code: 'LEASE_LOST' });
    await key.close();
  });

  it('gives the lease up on stop, so the standby takes it at once', async () => {
    const { stores } = await processes(2);
    await lease(stores[0]).renew();
    await lease(stores[1]).renew();
    await lease(stores[0]).stop();
    expect(lease(stores[0]).isActive()).to.equal(false);
    await lease(stores[1]).renew();
    expect(lease(stores[1]).state()).to.include({ role: 'active', holder: 'p1', epoch: 2 });
  });

  it('gives a holder that lost the lease and takes it back a new epoch', async () => {
    const { url, stores } = await processes(1);
    await lease(stores[0]).renew();
    await sql(url, `UPDATE node_lease SET expires_at = now() - interval '1 second'`);
    await lease(stores[0]).renew();
    expect(lease(stores[0]).state()).to.include({ role: 'active', holder: 'p0', epoch: 2 });
  });

  it('applies the migrations once when two processes open the database together', async () => {
    const { url } = await processes(0);
    const opened = await Promise.all(
      [0, 1].map((i) =>
        newPostgresStore({
          url,
          maxSuccessfulRuns: 3,
          leaseName: 'o1',
          leaseDurationMs: DURATION_MS,
          holderId: `m${i}`,
        }),
      ),
    );
    open.push(...opened);
    expect(await sql(url, 'SELECT version FROM schema_migrations ORDER BY version')).to.deep.equal([
      { version: 1 },
      { version: 2 },
    ]);
  });

  it('fails with STORE_FAILED naming PostgreSQL when the database cannot be reached', async () => {
    const err = await rejection(
      newPostgresStore({
        url: `postgresql://postgres@127.0.0.1:${PORT}/no_such_database`,
        maxSuccessfulRuns: 3,
        leaseName: 'o1',
        leaseDurationMs: DURATION_MS,
      }),
    );
    expect(err).to.be.instanceOf(OracleNodeError);
    expect(err).to.include({ code: 'STORE_FAILED' });
    expect((err as Error).message).to.match(/PostgreSQL.*no_such_database/);
  });

  it('keeps runs with their sources and only the newest successful ones per job', async () => {
    const { stores } = await processes(1);
    const s = stores[0]!;
    for (let i = 0; i < 5; i++) {
      await s.startRun({ id: `ok${i}`, job: 'eth', trigger: 'poll' });
      await s.finishRun(`ok${i}`, { status: 'completed', result: String(i) }, [
        { runId: `ok${i}`, bridge: 'a', value: String(i), latencyMs: 2 },
        { runId: `ok${i}`, bridge: 'b', errorCode: 'SOURCE_TIMEOUT', error: 'slow', latencyMs: 9 },
      ]);
    }
    await s.startRun({ id: 'bad', job: 'eth', trigger: 'poll' });
    await s.finishRun('bad', { status: 'errored', error: 'no sources' }, []);
    const runs = await s.listRuns('eth', 50);
    expect(runs.map((r) => r.id)).to.deep.equal(['bad', 'ok4', 'ok3', 'ok2']);
    expect(runs[1]).to.include({ status: 'completed', result: '4', trigger: 'poll' });
    expect(await s.listSources('ok4')).to.deep.equal([
      { runId: 'ok4', bridge: 'a', value: '4', latencyMs: 2 },
      { runId: 'ok4', bridge: 'b', errorCode: 'SOURCE_TIMEOUT', error: 'slow', latencyMs: 9 },
    ]);
    expect(await s.listSources('ok0')).to.deep.equal([]);
  });

  it('keeps rounds, transmissions, errors and job positions', async () => {
    const { stores } = await processes(1);
    const s = stores[0]!;
    const round = { feedId: 'eth', attempt: 0, role: 'leader' as const, leader: 'o1' };
    await s.recordRound({ ...round, roundId: '9', status: 'observing' });
    await s.recordRound({ ...round, roundId: '10', status: 'observing' });
    await s.recordRound({
      ...round,
      roundId: '10',
      status: 'reported',
      answer: '5',
      reason: 'first',
    });
    const rounds = await s.listRounds('eth', 10);
    expect(rounds.map((r) => [r.roundId, r.status, r.answer])).to.deep.equal([
      ['10', 'reported', '5'],
      ['9', 'observing', undefined],
    ]);
    await s.recordTransmission({ feedId: 'eth', roundId: '10', status: 'committed', txId: 't1' });
    expect(await s.listTransmissions('eth', 10)).to.have.length(1);
    await s.recordError({ component: 'source', job: 'j', source: 'a', code: 'X', message: 'm' });
    expect((await s.listErrors(5))[0]).to.include({ component: 'source', code: 'X', source: 'a' });
    expect(await s.loadJobState('j')).to.equal(undefined);
    await s.saveJobState('j', { roundId: '10', attempt: 2 });
    expect(await s.loadJobState('j')).to.deep.equal({ roundId: '10', attempt: 2 });
    await s.check();
  });
});
