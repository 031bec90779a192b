/**
 * The PostgreSQL client is an optional part of the node: a node on SQLite never loads `pg`; it is
 * loaded when a PostgreSQL store is opened.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

describe('oracle-node: the PostgreSQL client is loaded only when used', function () {
  this.timeout(20_000);
  it('loads pg neither with the package nor with a SQLite store, and loads it for a PostgreSQL store', () => {
    const script = `
      const node = require('./oracle-node/src');
      const isLoaded = () => Object.keys(require.cache).some((p) => /[/]node_modules[/]pg[/]/.test(p));
      (async () => {
        const s = node.newSqliteStore({ path: ':memory:', maxSuccessfulRuns: 1 });
        await s.check();
        const before = isLoaded();
        // Nothing listens on port 1: the store fails to open, after loading the client.
        const err = await node
          .newPostgresStore({ url: 'postgresql://x@127.0.0.1:1/x', maxSuccessfulRuns: 1, leaseName: 'o', leaseDurationMs: 3000 })
          .then(() => undefined, (e) => e.code);
        console.log(JSON.stringify({ before, after: isLoaded(), err }));
      })();
    `;
    const out = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-e', script],
      {
        cwd: resolve(__dirname, '../../..'),
        encoding: 'utf8',
      },
    );
    expect(out.status, out.stderr).to.equal(0);
    expect(JSON.parse(out.stdout.trim())).to.deep.equal({
      before: false,
      after: true,
      err: 'STORE_FAILED',
    });
  });
});
