/**
 * Real servers the gateway tests start for themselves: local-kms, a SoftHSM2 token, fabric-ca-server.
 * Every process is started on a free 127.0.0.1 port and killed by its own PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CACHE = '/root/.cache/fabric-oracle-consortium';
export const LOCAL_KMS_BIN =
  process.env.LOCAL_KMS_BIN ?? `${CACHE}/local-kms-e4d9425700fe/bin/local-kms-loopback`;
export const FABRIC_CA_BIN = process.env.FABRIC_CA_BIN ?? `${CACHE}/fabric-ca-1.5.21/bin`;
export const SOFTHSM_LIBRARY = process.env.SOFTHSM_LIBRARY ?? '/usr/lib/softhsm/libsofthsm2.so';

/** A free TCP port on 127.0.0.1, released before return. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** Waits until a port accepts TCP connections or the process exits. */
export async function waitForPort(
  child: ChildProcess,
  port: number,
  timeoutMs = 20000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exited = (): boolean => child.exitCode !== null;
  while (Date.now() < deadline) {
    if (exited()) {
      throw new Error(`process exited with ${child.exitCode} before listening on ${port}`);
    }
    if (await canConnect(port)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on ${port} after ${timeoutMs} ms`);
}

/** Stops a child by PID and waits for it to exit. */
export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child?.pid === undefined || child.exitCode !== null) {
    return;
  }
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const done = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((r) =>
      setTimeout(() => {
        r(false);
      }, 3000),
    ),
  ]);
  if (!done) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A running local-kms. */
export interface LocalKms {
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
}

/** Starts local-kms with a fresh data directory on a free port. */
export async function startLocalKms(): Promise<LocalKms> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gw-kms-'));
  const log = openSync(join(dir, 'local-kms.log'), 'a');
  const child = spawn(LOCAL_KMS_BIN, [], {
    env: {
      PATH: process.env.PATH ?? '',
      KMS_LISTEN: `127.0.0.1:${String(port)}`,
      KMS_ACCOUNT_ID: '111122223333',
      KMS_REGION: 'eu-west-2',
      KMS_DATA_PATH: join(dir, 'data'),
    },
    stdio: ['ignore', log, log],
  });
  await waitForPort(child, port);
  return { endpoint: `http://127.0.0.1:${port}`, port, process: child };
}

/** Dummy credentials local-kms accepts. */
export const KMS_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A SoftHSM2 token initialised in a temp dir. */
export interface SoftHsmToken {
  readonly library: string;
  readonly tokenLabel: string;
  readonly pin: string;
  readonly soPin: string;
  readonly conf: string;
}

let token: SoftHsmToken | undefined;

/**
 * Initialises one SoftHSM2 token per test process and points SOFTHSM2_CONF at it. The PKCS#11
 * library reads the variable once, at C_Initialize, so every test in the process shares it.
 */
export function softHsmToken(): SoftHsmToken {
  if (token !== undefined) {
    return token;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gw-softhsm-'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${dir}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  const pin = '98765432';
  const soPin = '12345678';
  const out = spawnSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', 'gateway-test', '--pin', pin, '--so-pin', soPin],
    { env: process.env, encoding: 'utf8' },
  );
  if (out.status !== 0) {
    throw new Error(`softhsm2-util failed: ${out.stderr}`);
  }
  token = { library: SOFTHSM_LIBRARY, tokenLabel: 'gateway-test', pin, soPin, conf };
  return token;
}

/** A running fabric-ca-server with TLS. */
export interface FabricCa {
  /** URL with the TLS hostname, which does not resolve; dial `address`. */
  readonly url: string;
  readonly address: string;
  readonly hostname: string;
  /** PEM root the CA's TLS certificate chains to. */
  readonly tlsRoot: string;
  readonly home: string;
  readonly process: ChildProcess;
}

/**
 * Starts a fabric-ca-server with TLS on a free 127.0.0.1 port. Its TLS certificate names only
 * `hostname`, so clients must dial the address and verify the hostname, as on the managed service.
 */
export async function startFabricCa(hostname = 'ca.gateway-test.local'): Promise<FabricCa> {
  const port = await freePort();
  const opsPort = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'gw-ca-'));
  const log = openSync(join(home, 'server.log'), 'a');
  const child = spawn(
    join(FABRIC_CA_BIN, 'fabric-ca-server'),
    [
      'start',
      '-b',
      'admin:adminpw',
      '--home',
      home,
      '--address',
      '127.0.0.1',
      '--port',
      String(port),
      '--tls.enabled',
      '--csr.hosts',
      hostname,
      '--operations.listenaddress',
      `127.0.0.1:${opsPort}`,
      '--registry.maxenrollments',
      '-1',
    ],
    { env: { PATH: process.env.PATH ?? '', HOME: home }, stdio: ['ignore', log, log] },
  );
  await waitForPort(child, port, 30000);
  return {
    url: `https://${hostname}:${port}`,
    address: '127.0.0.1',
    hostname,
    tlsRoot: readFileSync(join(home, 'ca-cert.pem'), 'utf8'),
    home,
    process: child,
  };
}
