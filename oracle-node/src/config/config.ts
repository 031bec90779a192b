/**
 * The node's configuration file, TOML or JSON (by extension), validated as a whole on load: a
 * node that starts has a usable configuration, and one that does not names the field at fault.
 *
 * TOML is read with smol-toml: TOML 1.0 compliant, no dependencies, typed, and maintained (the
 * older `@iarna/toml` has had no release since 2020). Relative paths are taken from the
 * configuration file's folder, so a node's folder can move as a whole.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { OracleNodeError } from '../errors';
import { readJob, type JobSpec } from './jobs';
import { TableReader } from './reader';

/** Where a key lives: a PEM file, a KMS key or an HSM key (the gateway library's signers). */
export type SignerSpec =
  | {
      /** A PEM private key file. */
      readonly type: 'file';
      /** Its path. */
      readonly path: string;
    }
  | {
      /** A key in AWS KMS (or local-kms); credentials from the SDK's default chain. */
      readonly type: 'kms';
      /** Key id or ARN. */
      readonly keyId: string;
      /** Region. */
      readonly region: string;
      /** Endpoint override. */
      readonly endpoint?: string;
    }
  | {
      /** A key in a PKCS#11 token. */
      readonly type: 'hsm';
      /** The PKCS#11 module. */
      readonly library: string;
      /** The token's label. */
      readonly tokenLabel: string;
      /** The key's CKA_ID, hex. */
      readonly id: string;
      /** The environment variable holding the user PIN (never the PIN itself in a file). */
      readonly pinEnv: string;
    };

/** A bridge: a named external adapter. */
export interface BridgeSpec {
  /** Its name, as sources refer to it. */
  readonly name: string;
  /** The adapter's URL (http or https). */
  readonly url: string;
}

/** Another oracle node of the feed. */
export interface PeerSpec {
  /** Its oracle id in the feed (and the CN of its TLS certificate). */
  readonly oracleId: string;
  /** Its peer-to-peer URL, `https://host:port`. */
  readonly url: string;
  /**
   * The URLs of its other processes (an active/standby pair): tried in turn when one is down or
   * answers that it is the standby.
   */
  readonly standbyUrls?: readonly string[];
}

/** A host and port to listen on. */
export interface ListenSpec {
  /** Address to bind. */
  readonly host: string;
  /** Port; 0 picks a free one. */
  readonly port: number;
}

/** Timings of rounds between nodes. */
export interface RoundTimings {
  /** A follower moves to the next leader when the current one completed no round this long. */
  readonly progressTimeoutMs: number;
  /** Once enough observations are in, how long the leader waits for the rest. */
  readonly graceMs: number;
  /** Deadline of one request to a peer. */
  readonly requestTimeoutMs: number;
  /** A follower transmits a final report this long times its rank after the leader. */
  readonly transmitStaggerMs: number;
}

/** The PostgreSQL store and its active/standby lease. */
export interface PostgresSpec {
  /** The database URL (`postgresql://user:password@host:port/database`). */
  readonly url: string;
  /** How long the lease lasts without renewal (`leaseDuration`, default 5 s). */
  readonly leaseDurationMs: number;
  /** How often it is renewed or, as standby, tried (`leaseRenewInterval`, default a third). */
  readonly leaseRenewIntervalMs: number;
  /** This process's holder id (`holderId`); `<oracleId>@<host>:<pid>` when absent. */
  readonly holderId?: string;
}

/** A validated node configuration. */
export interface NodeConfig {
  /** The file it was read from. */
  readonly file: string;
  /** This node's oracle id in its feeds. */
  readonly oracleId: string;
  /** The key this node signs observations and reports with. */
  readonly oracleKey: SignerSpec;
  /** The state database. */
  readonly database: {
    /** SQLite file (unused when `postgres` is set). */
    readonly path: string;
    /** Successful job runs kept per job; older ones are deleted (errored runs are kept). */
    readonly maxSuccessfulRuns: number;
    /**
     * PostgreSQL instead of SQLite, shared by an active and a standby process of this oracle:
     * present when `[database] url` is set.
     */
    readonly postgres?: PostgresSpec;
  };
  /** How the node reaches the Fabric network. */
  readonly fabric: {
    /** A network description (the local network's network.json), or absent. */
    readonly networkDescription?: string;
    /** A Fabric connection profile (JSON or YAML), or absent. */
    readonly connectionProfile?: string;
    /** The member (name, id or MSP id) to connect as. */
    readonly member: string;
    /** The node's enrolled certificate (PEM file). */
    readonly certificate: string;
    /** The key of that certificate. */
    readonly key: SignerSpec;
    /** The feeds chaincode's name. */
    readonly chaincode: string;
  };
  /** Peer-to-peer listener and peers (mutual TLS). */
  readonly p2p: {
    /** Where to listen. */
    readonly listen: ListenSpec;
    /** The node's TLS certificate, key and the CA that issued every node's certificate. */
    readonly tls: {
      /** Path of the node's TLS certificate (PEM), presented as server and as client. */
      readonly cert: string;
      /** Path of its private key (PEM). */
      readonly key: string;
      /** Path of the CA certificate (PEM) every node's certificate must chain to. */
      readonly ca: string;
    };
    /** The other nodes. */
    readonly peers: readonly PeerSpec[];
  };
  /** The operations listener (health, metrics, REST API). */
  readonly api: ListenSpec;
  /** Round timings. */
  readonly rounds: RoundTimings;
  /** Bridges by name. */
  readonly bridges: ReadonlyMap<string, BridgeSpec>;
  /** Jobs. */
  readonly jobs: readonly JobSpec[];
}

const ORACLE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function readListen(r: TableReader, key: string, fallbackPort?: number): ListenSpec {
  const t = r.table(key, fallbackPort !== undefined);
  const listen = {
    host: t.has('host') ? t.string('host') : (t.raw('host'), '127.0.0.1'),
    port: t.integer('port', 0, 65535, fallbackPort),
  };
  t.done();
  return listen;
}

function readSigner(r: TableReader, key: string, dir: string): SignerSpec {
  const t = r.table(key);
  const type = t.string('type');
  let spec: SignerSpec;
  if (type === 'file') {
    spec = { type, path: path.resolve(dir, t.string('path')) };
  } else if (type === 'kms') {
    const endpoint = t.optionalString('endpoint');
    spec = {
      type,
      keyId: t.string('keyId'),
      region: t.string('region'),
      ...(endpoint === undefined ? {} : { endpoint }),
    };
  } else if (type === 'hsm') {
    spec = {
      type,
      library: t.string('library'),
      tokenLabel: t.string('tokenLabel'),
      id: t.string('id', /^[0-9a-fA-F]+$/),
      pinEnv: t.string('pinEnv', /^[A-Z_][A-Z0-9_]*$/),
    };
  } else {
    throw t.error(t.pathOf('type'), `"${type}" is not a signer type (file, kms, hsm)`);
  }
  t.done();
  return spec;
}

/**
 * Validates a parsed configuration.
 *
 * @param value - the parsed file
 * @param file - its path (relative paths are taken from its folder)
 * @returns the configuration
 * @throws OracleNodeError `INVALID_CONFIG` or `INVALID_JOB` naming the field at fault
 */
export function readConfig(value: unknown, file: string): NodeConfig {
  const dir = path.dirname(path.resolve(file));
  const r = new TableReader(value, '', 'INVALID_CONFIG');
  const oracleId = r.string('oracleId', ORACLE_ID);
  const oracleKey = readSigner(r, 'oracleKey', dir);

  const db = r.table('database', true);
  const url = db.optionalString('url');
  if (url !== undefined && db.has('path')) {
    throw db.error(db.pathOf('url'), 'give either url (PostgreSQL) or path (SQLite), not both');
  }
  let postgres: PostgresSpec | undefined;
  if (url === undefined) {
    for (const key of ['leaseDuration', 'leaseRenewInterval', 'holderId']) {
      if (db.has(key)) throw db.error(db.pathOf(key), 'applies only with url (PostgreSQL)');
    }
  } else {
    if (!/^postgres(ql)?:\/\/\S+$/.test(url)) {
      throw db.error(db.pathOf('url'), 'must be a postgresql:// URL');
    }
    const leaseDurationMs = db.duration('leaseDuration', 300, 5_000);
    const leaseRenewIntervalMs = db.duration(
      'leaseRenewInterval',
      50,
      Math.floor(leaseDurationMs / 3),
    );
    if (leaseRenewIntervalMs * 2 > leaseDurationMs) {
      throw db.error(
        db.pathOf('leaseRenewInterval'),
        `must be at most half of leaseDuration (${leaseDurationMs} ms), so one failed renewal does not lose the lease`,
      );
    }
    const holderId = db.optionalString('holderId');
    postgres = {
      url,
      leaseDurationMs,
      leaseRenewIntervalMs,
      ...(holderId === undefined ? {} : { holderId }),
    };
  }
  const database = {
    path: path.resolve(
      dir,
      db.has('path') ? db.string('path') : (db.raw('path'), 'oracle-node.db'),
    ),
    maxSuccessfulRuns: db.integer('maxSuccessfulRuns', 1, 10_000_000, 1000),
    ...(postgres === undefined ? {} : { postgres }),
  };
  db.done();

  const f = r.table('fabric');
  const networkDescription = f.optionalString('networkDescription');
  const connectionProfile = f.optionalString('connectionProfile');
  if ((networkDescription === undefined) === (connectionProfile === undefined)) {
    throw f.error(
      f.pathOf('networkDescription'),
      'give exactly one of networkDescription and connectionProfile',
    );
  }
  const fabric = {
    ...(networkDescription === undefined
      ? {}
      : { networkDescription: path.resolve(dir, networkDescription) }),
    ...(connectionProfile === undefined
      ? {}
      : { connectionProfile: path.resolve(dir, connectionProfile) }),
    member: f.string('member'),
    certificate: path.resolve(dir, f.string('certificate')),
    key: readSigner(f, 'key', dir),
    chaincode: f.has('chaincode') ? f.string('chaincode') : (f.raw('chaincode'), 'consortium'),
  };
  f.done();

  const p = r.table('p2p');
  const listen = readListen(p, 'listen');
  const tlsTable = p.table('tls');
  const tls = {
    cert: path.resolve(dir, tlsTable.string('cert')),
    key: path.resolve(dir, tlsTable.string('key')),
    ca: path.resolve(dir, tlsTable.string('ca')),
  };
  tlsTable.done();
  const seenPeers = new Set<string>([oracleId]);
  const peers = p.tables('peers').map((t) => {
    const oracleId = t.string('oracleId', ORACLE_ID);
    const url = t.string('url', /^https:\/\/[^/\s]+\/?$/);
    const standbyUrls = t.strings('standbyUrls');
    standbyUrls.forEach((u, k) => {
      if (!/^https:\/\/[^/\s]+\/?$/.test(u)) {
        throw t.error(`${t.pathOf('standbyUrls')}[${k}]`, `must be an https://host:port URL`);
      }
    });
    const peer: PeerSpec = {
      oracleId,
      url,
      ...(standbyUrls.length === 0 ? {} : { standbyUrls }),
    };
    if (seenPeers.has(peer.oracleId)) {
      throw t.error(
        t.pathOf('oracleId'),
        `"${peer.oracleId}" is this node or another peer already`,
      );
    }
    seenPeers.add(peer.oracleId);
    t.done();
    return peer;
  });
  p.done();

  const api = readListen(r, 'api', 6688);

  const rt = r.table('rounds', true);
  const rounds: RoundTimings = {
    progressTimeoutMs: rt.duration('progressTimeout', 100, 20_000),
    graceMs: rt.duration('grace', 0, 500),
    requestTimeoutMs: rt.duration('requestTimeout', 100, 10_000),
    transmitStaggerMs: rt.duration('transmitStagger', 0, 5_000),
  };
  rt.done();

  const bridges = new Map<string, BridgeSpec>();
  for (const t of r.tables('bridges')) {
    const name = t.string('name', /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
    const url = t.string('url', /^https?:\/\/\S+$/);
    if (bridges.has(name)) throw t.error(t.pathOf('name'), `bridge "${name}" is defined twice`);
    bridges.set(name, { name, url });
    t.done();
  }

  const jobValues = (r.raw('jobs') ?? []) as unknown;
  if (!Array.isArray(jobValues)) throw r.error('jobs', 'must be an array of tables');
  const jobs = jobValues.map((j, i) => readJob(j, `jobs[${i}]`, new Set(bridges.keys())));
  const feeds = new Map<string, string>();
  const names = new Set<string>();
  jobs.forEach((job, i) => {
    if (names.has(job.name)) throw r.error(`jobs[${i}].name`, `job "${job.name}" is defined twice`);
    names.add(job.name);
    const other = feeds.get(job.feedId);
    if (other !== undefined) {
      throw r.error(
        `jobs[${i}].feedId`,
        `feed ${job.feedId} already has job "${other}"; one job per feed`,
      );
    }
    feeds.set(job.feedId, job.name);
  });
  r.done();
  return {
    file: path.resolve(file),
    oracleId,
    oracleKey,
    database,
    fabric,
    p2p: { listen, tls, peers },
    api,
    rounds,
    bridges,
    jobs,
  };
}

/**
 * Parses configuration text.
 *
 * @param text - TOML, or JSON when `format` is `json`
 * @param format - `toml` or `json`
 * @param file - the file's path, for relative paths and messages
 * @returns the validated configuration
 * @throws OracleNodeError `INVALID_CONFIG` for text that does not parse (with its line) or a bad field
 * @throws OracleNodeError `INVALID_JOB` for a bad job spec
 */
export function parseConfig(text: string, format: 'toml' | 'json', file: string): NodeConfig {
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(text) : parseToml(text);
  } catch (err) {
    throw new OracleNodeError({
      code: 'INVALID_CONFIG',
      message: `${file} is not valid ${format.toUpperCase()}: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
  return readConfig(value, file);
}

/**
 * Reads and validates a configuration file (`.json` is JSON, anything else TOML).
 *
 * @param file - the file
 * @returns the configuration
 * @throws OracleNodeError `INVALID_CONFIG` when the file cannot be read or parsed, or a field is bad
 * @throws OracleNodeError `INVALID_JOB` for a bad job spec
 * @example
 * ```ts
 * const config = await loadConfig('/etc/oracle-node/node.toml');
 * ```
 */
export async function loadConfig(file: string): Promise<NodeConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new OracleNodeError({
      code: 'INVALID_CONFIG',
      message: `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
  return parseConfig(text, file.endsWith('.json') ? 'json' : 'toml', file);
}
