/**
 * The node's configuration and job specs: a valid TOML file loads with its defaults and relative
 * paths resolved, JSON loads the same, and every kind of bad input is refused with the code and
 * the path of the field at fault.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { loadConfig, parseConfig } from '../../../oracle-node/src/config/config';
import { parseCron } from '../../../oracle-node/src/config/cron';
import { OracleNodeError } from '../../../oracle-node/src/errors';

const VALID = `
oracleId = "oracle-0"
oracleKey = { type = "file", path = "keys/oracle.pem" }

[database]
path = "state/node.db"
maxSuccessfulRuns = 50

[fabric]
networkDescription = "../network.json"
member = "Org1"
certificate = "fabric/cert.pem"
key = { type = "kms", keyId = "k-1", region = "us-east-1", endpoint = "http://127.0.0.1:23999" }

[p2p]
listen = { port = 23001 }
tls = { cert = "tls/node.pem", key = "tls/node.key", ca = "tls/ca.pem" }
peers = [ { oracleId = "oracle-1", url = "https://127.0.0.1:23011" } ]

[api]
port = 23002

[rounds]
progressTimeout = "8s"
grace = "1500ms"

[[bridges]]
name = "coingecko"
url = "http://127.0.0.1:23100/"

[[bridges]]
name = "kaiko"
url = "http://127.0.0.1:23101/"

[[jobs]]
type = "fluxmonitor"
name = "eth-usd"
feedId = "eth-usd"
threshold = 0.5
absoluteThreshold = 0.01
idleTimerPeriod = "1h"
pollTimerPeriod = "1m"
sources = [
  { bridge = "coingecko", requestData = { from = "ETH", to = "USD" }, timeout = "2s", retries = 2 },
  { bridge = "kaiko", requestData = { base = "ETH" }, path = ["data", "price"] },
]

[[jobs]]
type = "cron"
name = "btc-usd-daily"
feedId = "btc-usd"
schedule = "0 0 * * *"
sources = [ { bridge = "kaiko" } ]
`;

function refusal(text: string, format: 'toml' | 'json' = 'toml'): OracleNodeError {
  try {
    parseConfig(text, format, '/etc/oracle/node.toml');
  } catch (err) {
    expect(err).to.be.instanceOf(OracleNodeError);
    return err as OracleNodeError;
  }
  expect.fail('the configuration was accepted');
}

/** The valid file with one line replaced. */
function withLine(from: string, to: string): string {
  expect(VALID).to.include(from);
  return VALID.replace(from, to);
}

describe('oracle-node configuration', () => {
  it('loads a TOML file with defaults and paths relative to its folder', () => {
    const c = parseConfig(VALID, 'toml', '/etc/oracle/node.toml');
    expect(c.oracleId).to.equal('oracle-0');
    expect(c.oracleKey).to.deep.equal({ type: 'file', path: '/etc/oracle/keys/oracle.pem' });
    expect(c.database).to.deep.equal({ path: '/etc/oracle/state/node.db', maxSuccessfulRuns: 50 });
    expect(c.fabric.networkDescription).to.equal('/etc/network.json');
    expect(c.fabric.chaincode).to.equal('consortium');
    expect(c.fabric.key).to.deep.equal({
      type: 'kms',
      keyId: 'k-1',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:23999',
    });
    expect(c.p2p.listen).to.deep.equal({ host: '127.0.0.1', port: 23001 });
    expect(c.rounds).to.deep.equal({
      progressTimeoutMs: 8000,
      graceMs: 1500,
      requestTimeoutMs: 10_000,
      transmitStaggerMs: 5000,
    });
    const [flux, cron] = c.jobs;
    expect(flux).to.deep.include({
      type: 'fluxmonitor',
      threshold: 0.5,
      absoluteThreshold: '0.01',
      idleTimerPeriodMs: 3_600_000,
      pollTimerPeriodMs: 60_000,
      minSources: 1,
    });
    expect(flux?.sources[0]).to.deep.equal({
      bridge: 'coingecko',
      requestData: { from: 'ETH', to: 'USD' },
      path: ['data', 'result'],
      timeoutMs: 2000,
      retries: 2,
    });
    expect(flux?.sources[1]?.path).to.deep.equal(['data', 'price']);
    expect(cron?.type).to.equal('cron');
  });

  it('loads the same configuration from JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oracle-config-'));
    writeFileSync(join(dir, 'node.json'), JSON.stringify(parseToml(VALID)));
    const c = await loadConfig(join(dir, 'node.json'));
    expect(c.jobs.map((j) => j.name)).to.deep.equal(['eth-usd', 'btc-usd-daily']);
    expect(c.oracleKey).to.deep.equal({ type: 'file', path: join(dir, 'keys/oracle.pem') });
  });

  it('refuses a file that is not TOML, naming the file', () => {
    const e = refusal('oracleId = ');
    expect(e.code).to.equal('INVALID_CONFIG');
    expect(e.message).to.include('/etc/oracle/node.toml is not valid TOML');
  });

  it('refuses a missing file with INVALID_CONFIG', async () => {
    const err = await loadConfig('/nonexistent/node.toml').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(OracleNodeError);
    expect((err as OracleNodeError).code).to.equal('INVALID_CONFIG');
  });

  it('names a missing required field', () => {
    const e = refusal(withLine('oracleId = "oracle-0"', ''));
    expect(e).to.include({ code: 'INVALID_CONFIG', field: 'oracleId' });
  });

  it('names a misspelt setting instead of ignoring it', () => {
    const e = refusal(withLine('threshold = 0.5', 'treshold = 0.5\nthreshold = 0.5'));
    expect(e).to.include({ code: 'INVALID_JOB', field: 'jobs[0].treshold' });
  });

  it('refuses a threshold out of range in a job, with INVALID_JOB and its path', () => {
    const e = refusal(withLine('threshold = 0.5', 'threshold = 150'));
    expect(e).to.include({ code: 'INVALID_JOB', field: 'jobs[0].threshold' });
    expect(e.message).to.include('150 is outside 0 to 100');
  });

  it('refuses a bare number where a duration is due', () => {
    const e = refusal(withLine('pollTimerPeriod = "1m"', 'pollTimerPeriod = 60'));
    expect(e).to.include({ code: 'INVALID_JOB', field: 'jobs[0].pollTimerPeriod' });
  });

  it('refuses a source naming an unknown bridge', () => {
    const e = refusal(withLine('{ bridge = "kaiko" }', '{ bridge = "nobody" }'));
    expect(e).to.include({ code: 'INVALID_JOB', field: 'jobs[1].sources[0].bridge' });
    expect(e.message).to.include('no bridge named "nobody"');
  });

  it('refuses a job without sources', () => {
    const e = refusal(withLine('sources = [ { bridge = "kaiko" } ]', 'sources = []'));
    expect(e).to.include({ code: 'INVALID_JOB', field: 'jobs[1].sources' });
  });

  it('refuses an unknown job type', () => {
    const e = refusal(withLine('type = "cron"', 'type = "webhook"'));
    expect(e).to.include({ code: 'INVALID_JOB', field: 'jobs[1].type' });
  });

  it('refuses a cron schedule that parses but never fires, naming the field', () => {
    const e = refusal(withLine('schedule = "0 0 * * *"', 'schedule = "0 0 30 2 *"'));
    expect(e).to.include({ code: 'INVALID_JOB', field: 'jobs[1].schedule' });
    expect(e.message).to.contain('never fires');
  });

  it('refuses a cron schedule that does not parse, naming the field', () => {
    const e = refusal(withLine('schedule = "0 0 * * *"', 'schedule = "0 25 * * *"'));
    expect(e).to.include({ code: 'INVALID_JOB', field: 'jobs[1].schedule' });
    expect(e.message).to.include('hour');
  });

  it('refuses two jobs on one feed', () => {
    const e = refusal(withLine('feedId = "btc-usd"', 'feedId = "eth-usd"'));
    expect(e).to.include({ code: 'INVALID_CONFIG', field: 'jobs[1].feedId' });
  });

  it('refuses a flux monitor that could never report', () => {
    const e = refusal(
      withLine('threshold = 0.5', 'threshold = 0').replace('idleTimerPeriod = "1h"\n', ''),
    );
    expect(e).to.include({ code: 'INVALID_JOB', field: 'jobs[0].threshold' });
  });

  it('refuses a peer that is this node', () => {
    const e = refusal(withLine('oracleId = "oracle-1"', 'oracleId = "oracle-0"'));
    expect(e).to.include({ code: 'INVALID_CONFIG', field: 'p2p.peers[0].oracleId' });
  });

  it('refuses a signer of an unknown type', () => {
    const e = refusal(withLine('type = "kms"', 'type = "vault"'));
    expect(e).to.include({ code: 'INVALID_CONFIG', field: 'fabric.key.type' });
  });

  it('refuses both a network description and a connection profile', () => {
    const e = refusal(
      withLine('member = "Org1"', 'member = "Org1"\nconnectionProfile = "profile.yaml"'),
    );
    expect(e).to.include({ code: 'INVALID_CONFIG', field: 'fabric.networkDescription' });
  });

  const PG = 'url = "postgresql://oracle@127.0.0.1:22500/oracle"';

  it('selects PostgreSQL with a url, with the lease defaults', () => {
    const c = parseConfig(withLine('path = "state/node.db"', PG), 'toml', '/etc/oracle/node.toml');
    expect(c.database.postgres).to.deep.equal({
      url: 'postgresql://oracle@127.0.0.1:22500/oracle',
      leaseDurationMs: 5000,
      leaseRenewIntervalMs: 1666,
    });
    expect(c.database.maxSuccessfulRuns).to.equal(50);
  });

  it('reads the lease duration, renewal interval and holder id', () => {
    const c = parseConfig(
      withLine(
        'path = "state/node.db"',
        `${PG}\nleaseDuration = "3s"\nleaseRenewInterval = "500ms"\nholderId = "eu-1"`,
      ),
      'toml',
      '/etc/oracle/node.toml',
    );
    expect(c.database.postgres).to.deep.include({
      leaseDurationMs: 3000,
      leaseRenewIntervalMs: 500,
      holderId: 'eu-1',
    });
  });

  it('refuses both a PostgreSQL url and a SQLite path', () => {
    const e = refusal(withLine('path = "state/node.db"', `path = "state/node.db"\n${PG}`));
    expect(e).to.include({ code: 'INVALID_CONFIG', field: 'database.url' });
  });

  it('refuses a database url that is not PostgreSQL', () => {
    const e = refusal(withLine('path = "state/node.db"', 'url = "mysql://127.0.0.1/x"'));
    expect(e).to.include({ code: 'INVALID_CONFIG', field: 'database.url' });
  });

  it('refuses lease settings without PostgreSQL', () => {
    const e = refusal(withLine('path = "state/node.db"', 'leaseDuration = "3s"'));
    expect(e).to.include({ code: 'INVALID_CONFIG', field: 'database.leaseDuration' });
  });

  it('refuses a renewal interval longer than half the lease', () => {
    const e = refusal(
      withLine('path = "state/node.db"', `${PG}\nleaseDuration = "3s"\nleaseRenewInterval = "2s"`),
    );
    expect(e).to.include({ code: 'INVALID_CONFIG', field: 'database.leaseRenewInterval' });
  });

  it('reads the standby URLs of a peer and refuses one that is not https', () => {
    const peer = '{ oracleId = "oracle-1", url = "https://127.0.0.1:23011" }';
    const c = parseConfig(
      withLine(
        peer,
        '{ oracleId = "oracle-1", url = "https://127.0.0.1:23011", standbyUrls = ["https://127.0.0.1:23012"] }',
      ),
      'toml',
      '/etc/oracle/node.toml',
    );
    expect(c.p2p.peers[0]).to.deep.equal({
      oracleId: 'oracle-1',
      url: 'https://127.0.0.1:23011',
      standbyUrls: ['https://127.0.0.1:23012'],
    });
    const e = refusal(
      withLine(
        peer,
        '{ oracleId = "oracle-1", url = "https://127.0.0.1:23011", standbyUrls = ["http://x:1"] }',
      ),
    );
    expect(e).to.include({ code: 'INVALID_CONFIG', field: 'p2p.peers[0].standbyUrls[0]' });
  });
});

describe('oracle-node cron schedules', () => {
  it('fires a five-field schedule at the next matching minute, in UTC', () => {
    const s = parseCron('30 2 * * *');
    expect(new Date(s.next(Date.parse('2026-12-02T02:29:59Z'))).toISOString()).to.equal(
      '2026-12-02T02:30:00.000Z',
    );
    expect(new Date(s.next(Date.parse('2026-12-02T02:30:00Z'))).toISOString()).to.equal(
      '2026-12-03T02:30:00.000Z',
    );
  });

  it('takes seconds first in a six-field schedule, with steps', () => {
    const s = parseCron('*/15 * * * * *');
    expect(new Date(s.next(Date.parse('2026-12-02T08:00:16Z'))).toISOString()).to.equal(
      '2026-12-02T08:00:30.000Z',
    );
  });

  it('fires @every at multiples of the interval from the epoch', () => {
    expect(parseCron('@every 10s').next(1_000_001_234)).to.equal(1_000_010_000);
  });

  it('combines restricted day-of-month and day-of-week with OR', () => {
    // 2026-12-05 is a Saturday (6); the 10th is a Thursday.
    const s = parseCron('0 0 10 * 6');
    expect(new Date(s.next(Date.parse('2026-12-02T00:00:00Z'))).toISOString()).to.equal(
      '2026-12-05T00:00:00.000Z',
    );
  });

  it('refuses a schedule with the wrong number of fields', () => {
    expect(() => parseCron('* * *')).to.throw('has 3 fields');
  });
});
