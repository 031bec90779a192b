/**
 * The SQLite store: runs with their sources, bounded retention of successful runs (errored ones
 * stay), one signed report per round, attempt and feed configuration (and the migration of claims
 * made before the configuration was recorded), and a job position that survives a reopen.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OracleNodeError } from '../../../oracle-node/src/errors';
import { newSqliteStore } from '../../../oracle-node/src/store/sqlite-store';
import { Database } from 'node-sqlite3-wasm';
import { DIGEST_B, claim } from '../../support/oracle-node/claims';

describe('oracle-node SQLite store', () => {
  it('keeps a run with each source answer and error', async () => {
    const s = newSqliteStore({ path: ':memory:', maxSuccessfulRuns: 10 });
    await s.startRun({ id: 'r1', job: 'eth', trigger: 'observe' });
    await s.finishRun('r1', { status: 'completed', result: '100' }, [
      { runId: 'r1', bridge: 'a', value: '100', latencyMs: 3 },
      { runId: 'r1', bridge: 'b', errorCode: 'SOURCE_TIMEOUT', error: 'slow', latencyMs: 500 },
    ]);
    const [run] = await s.listRuns('eth', 10);
    expect(run).to.include({ id: 'r1', status: 'completed', result: '100', trigger: 'observe' });
    expect(await s.listSources('r1')).to.deep.equal([
      { runId: 'r1', bridge: 'a', value: '100', latencyMs: 3 },
      { runId: 'r1', bridge: 'b', errorCode: 'SOURCE_TIMEOUT', error: 'slow', latencyMs: 500 },
    ]);
    await s.close();
  });

  it('keeps only the newest successful runs per job, and every errored one', async () => {
    const s = newSqliteStore({ path: ':memory:', maxSuccessfulRuns: 3 });
    for (let i = 0; i < 6; i++) {
      await s.startRun({ id: `ok${i}`, job: 'eth', trigger: 'poll' });
      await s.finishRun(`ok${i}`, { status: 'completed', result: String(i) }, [
        { runId: `ok${i}`, bridge: 'a', value: String(i), latencyMs: 1 },
      ]);
      await s.startRun({ id: `bad${i}`, job: 'eth', trigger: 'poll' });
      await s.finishRun(`bad${i}`, { status: 'errored', error: 'no sources' }, []);
    }
    await s.startRun({ id: 'other', job: 'btc', trigger: 'poll' });
    await s.finishRun('other', { status: 'completed', result: '1' }, []);
    const runs = await s.listRuns('eth', 100);
    expect(runs.filter((r) => r.status === 'completed').map((r) => r.id)).to.deep.equal([
      'ok5',
      'ok4',
      'ok3',
    ]);
    expect(runs.filter((r) => r.status === 'errored')).to.have.length(6);
    expect(await s.listSources('ok0')).to.deep.equal([]);
    expect(await s.listRuns('btc', 10)).to.have.length(1);
    await s.close();
  });

  it('lets a node sign one report per round and attempt, and the same one again', async () => {
    const s = newSqliteStore({ path: ':memory:', maxSuccessfulRuns: 3 });
    expect(await s.claimSignature(claim('7', 0, 'h1'))).to.equal(true);
    expect(await s.claimSignature(claim('7', 0, 'h1'))).to.equal(true);
    expect(await s.claimSignature(claim('7', 0, 'h2'))).to.equal(false);
    expect(await s.claimSignature(claim('7', 1, 'h2'))).to.equal(true);
    await s.close();
  });

  it('lets a report rebuilt under a new feed configuration be signed in the same attempt, once', async () => {
    const s = newSqliteStore({ path: ':memory:', maxSuccessfulRuns: 3 });
    expect(await s.claimSignature(claim('7', 0, 'h1'))).to.equal(true);
    expect(await s.claimSignature(claim('7', 0, 'h2', DIGEST_B))).to.equal(true);
    expect(await s.claimSignature(claim('7', 0, 'h3', DIGEST_B))).to.equal(false);
    expect(await s.claimSignature(claim('7', 0, 'h3'))).to.equal(false);
    expect(await s.claimSignature(claim('7', 0, 'h1'))).to.equal(true);
    await s.close();
  });

  it('migrates a file made before claims recorded their digest; its claims bind every digest', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oracle-store-')), 'node.db');
    const old = new Database(file);
    old.exec(
      `CREATE TABLE signed_reports (
         feed_id TEXT NOT NULL, round_id TEXT NOT NULL, attempt INTEGER NOT NULL,
         report_hash TEXT NOT NULL, PRIMARY KEY (feed_id, round_id, attempt));
       INSERT INTO signed_reports VALUES ('eth', '7', 0, 'old');`,
    );
    old.close();
    const s = newSqliteStore({ path: file, maxSuccessfulRuns: 3 });
    expect(await s.claimSignature(claim('7', 0, 'new', DIGEST_B))).to.equal(false);
    expect(await s.claimSignature(claim('7', 0, 'old', DIGEST_B))).to.equal(true);
    expect(await s.claimSignature(claim('7', 1, 'new', DIGEST_B))).to.equal(true);
    await s.close();
    const reopened = new Database(file);
    expect(
      reopened.all(
        'SELECT attempt, config_digest, report_hash FROM signed_reports ORDER BY attempt',
      ),
    ).to.deep.equal([
      { attempt: 0, config_digest: '', report_hash: 'old' },
      { attempt: 1, config_digest: DIGEST_B, report_hash: 'new' },
    ]);
    reopened.close();
  });

  it('resumes a job position, rounds, transmissions and errors after a reopen', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oracle-store-')), 'state', 'node.db');
    const s = newSqliteStore({ path: file, maxSuccessfulRuns: 3 });
    await s.saveJobState('eth', { roundId: '12', attempt: 2 });
    await s.recordRound({
      feedId: 'eth',
      roundId: '12',
      attempt: 2,
      role: 'leader',
      leader: 'o2',
      status: 'observed',
    });
    await s.recordRound({
      feedId: 'eth',
      roundId: '12',
      attempt: 2,
      role: 'leader',
      leader: 'o2',
      status: 'reported',
      answer: '5',
      reason: 'deviation',
    });
    await s.recordTransmission({
      feedId: 'eth',
      roundId: '12',
      status: 'stale',
      error: 'STALE_ROUND',
    });
    await s.recordError({
      component: 'source',
      job: 'eth',
      source: 'a',
      code: 'SOURCE_TIMEOUT',
      message: 'slow',
    });
    await s.close();
    const again = newSqliteStore({ path: file, maxSuccessfulRuns: 3 });
    expect(await again.loadJobState('eth')).to.deep.equal({ roundId: '12', attempt: 2 });
    expect(await again.loadJobState('btc')).to.equal(undefined);
    const [round] = await again.listRounds('eth', 5);
    expect(round).to.include({
      roundId: '12',
      status: 'reported',
      answer: '5',
      reason: 'deviation',
    });
    expect((await again.listTransmissions('eth', 5))[0]).to.include({
      status: 'stale',
      error: 'STALE_ROUND',
    });
    expect((await again.listErrors(5))[0]).to.include({
      code: 'SOURCE_TIMEOUT',
      source: 'a',
      job: 'eth',
    });
    await again.close();
  });

  it('refuses a database it cannot create with STORE_FAILED', () => {
    // A folder path through a regular file cannot be created.
    const file = join(mkdtempSync(join(tmpdir(), 'oracle-store-')), 'plain-file');
    writeFileSync(file, '');
    try {
      newSqliteStore({ path: join(file, 'state', 'node.db'), maxSuccessfulRuns: 1 });
      expect.fail('opened');
    } catch (err) {
      expect(err).to.be.instanceOf(OracleNodeError);
      expect((err as OracleNodeError).code).to.equal('STORE_FAILED');
    }
  });
});
