/**
 * The probe's chaincode profile: how samples are grouped, how a server's inspector port is found,
 * and, against a real Node process opened by SIGUSR1 as a chaincode server is, that a profile is
 * taken, names the process's own functions, and leaves the inspector closed.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  addGrouped,
  chaincodeServers,
  formatGrouped,
  frameGroup,
  groupProfile,
  inspectPortFromEnviron,
  profileServers,
  ranTransactions,
  type CpuProfile,
} from '../../../scripts/bench/chaincode-profile';
import { procStats } from '../../../scripts/bench/cpu';

const OURS = 'file:///srv/cc/dist/feeds/lib/signatures.js';
const SHIM = 'file:///srv/cc/node_modules/fabric-shim/lib/handler.js';

function node(id: number, functionName: string, url: string, children: number[] = []) {
  return { id, callFrame: { functionName, url }, children };
}

describe('bench: chaincode profile groups', () => {
  it('names each frame by where it is', () => {
    expect(frameGroup('verifySignature', OURS)).to.equal('signature checks');
    expect(frameGroup('submitReport', 'file:///srv/cc/dist/feeds/lib/reports.js')).to.equal(
      'contract code',
    );
    expect(
      frameGroup('encodeReport', 'file:///srv/cc/node_modules/@oracle-consortium/protocol/x.js'),
    ).to.equal('contract code');
    expect(
      frameGroup('ClientIdentity', 'file:///srv/cc/node_modules/fabric-shim/lib/chaincode.js'),
    ).to.equal('caller certificate');
    expect(frameGroup('parse', 'file:///srv/cc/node_modules/@fidm/asn1/build/asn1.js')).to.equal(
      'caller certificate',
    );
    expect(
      frameGroup(
        'handleParameters',
        'file:///srv/cc/node_modules/fabric-shim/lib/contract-spi/datamarshall.js',
      ),
    ).to.equal('contract-api dispatch');
    expect(frameGroup('validate', 'file:///srv/cc/node_modules/ajv/lib/ajv.js')).to.equal(
      'contract-api dispatch',
    );
    expect(frameGroup('handleGetState', SHIM)).to.equal('shim messaging');
    expect(
      frameGroup('write', 'file:///srv/cc/node_modules/@grpc/grpc-js/build/src/x.js'),
    ).to.equal('shim messaging');
    expect(frameGroup('verifyOneShot', 'node:internal/crypto/sig')).to.equal(undefined);
    expect(frameGroup('run', '')).to.equal(undefined);
  });

  it('puts each sample in the group of its innermost named frame, V8 samples in theirs', () => {
    // root -> handler (shim) -> verifySignature (ours) -> verifyOneShot (node) -> run (native)
    //      -> (idle), (garbage collector), (program); handler -> JSON.parse (native)
    const profile: CpuProfile = {
      nodes: [
        node(1, '(root)', '', [2, 6, 7, 8]),
        node(2, 'handleMessage', SHIM, [3, 9]),
        node(3, 'verifySignature', OURS, [4]),
        node(4, 'verifyOneShot', 'node:internal/crypto/sig', [5]),
        node(5, 'run', ''),
        node(6, '(idle)', ''),
        node(7, '(garbage collector)', ''),
        node(8, '(program)', ''),
        node(9, 'parse', ''),
      ],
      samples: [5, 5, 6, 7, 8, 9, 2],
      timeDeltas: [1000, 1000, 4000, 500, 250, 2000, 125],
    };
    const g = groupProfile(profile);
    expect(g.idleMs).to.equal(4);
    expect(g.busyMs).to.equal(4.875);
    expect(g.groups['signature checks']).to.equal(2);
    expect(g.groups['garbage collection']).to.equal(0.5);
    expect(g.groups.runtime).to.equal(0.25);
    expect(g.groups['shim messaging']).to.equal(2.125);
    expect(g.groups['contract code']).to.equal(0);
    const sum = Object.values(g.groups).reduce((a, b) => a + b, 0);
    expect(sum).to.equal(g.busyMs);
  });

  it('adds the servers of a chaincode and prints milliseconds per operation', () => {
    const one: CpuProfile = {
      nodes: [node(1, '(root)', '', [2]), node(2, 'verifySignature', OURS)],
      samples: [2, 2],
      timeDeltas: [1500, 1500],
    };
    const sum = addGrouped([groupProfile(one), groupProfile(one)]);
    expect(ranTransactions(sum)).to.equal(false);
    const invoked: CpuProfile = {
      nodes: [
        node(1, '(root)', '', [2]),
        node(2, 'ClientIdentity', 'file:///srv/cc/node_modules/fabric-shim/lib/chaincode.js'),
      ],
      samples: [2],
      timeDeltas: [1000],
    };
    expect(ranTransactions(groupProfile(invoked))).to.equal(true);
    expect(sum.busyMs).to.equal(6);
    expect(formatGrouped(sum, 4)).to.equal('main thread 1.50 ms/op: signature checks 1.50 (100%)');
  });
});

describe('bench: chaincode server inspector port', () => {
  it('is read from NODE_OPTIONS in the process environment', () => {
    const env = [
      'PATH=/usr/bin',
      'NODE_OPTIONS=--max-old-space-size=512 --inspect-port=127.0.0.1:30341',
      'X=1',
    ];
    expect(inspectPortFromEnviron(env.join('\0'))).to.equal(30341);
    expect(inspectPortFromEnviron('PATH=/usr/bin\0NODE_OPTIONS=--trace-warnings')).to.equal(
      undefined,
    );
    expect(inspectPortFromEnviron('PATH=/usr/bin')).to.equal(undefined);
  });
});

describe('bench: chaincode servers of a network', function () {
  this.timeout(10_000);
  let home = '';
  const children: ChildProcess[] = [];
  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), 'cc-servers-'));
    mkdirSync(path.join(home, 'pids'));
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  /** A Node process leading its own process group, as a server's supervisor leads its group. */
  function groupLeader(nodeOptions?: string): ChildProcess {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    if (nodeOptions !== undefined) env.NODE_OPTIONS = nodeOptions;
    const c = spawn(
      process.execPath,
      ['-e', 'setInterval(()=>{},1000)', '--', 'server', '--chaincode-address', '127.0.0.1:1'],
      {
        detached: true,
        stdio: 'ignore',
        env,
      },
    );
    children.push(c);
    return c;
  }

  it('reads a process from /proc with its group and its CPU', async () => {
    const leader = groupLeader();
    await new Promise((r) => setTimeout(r, 300));
    const seen = procStats().find((p) => p.pid === leader.pid);
    // Node 24 names its main thread MainThread; earlier lines keep the executable's name.
    expect(seen?.comm).to.be.oneOf(['node', 'MainThread']);
    expect(seen?.pgrp).to.equal(leader.pid);
    expect(procStats().find((p) => p.pid === process.pid)?.ticks).to.be.greaterThan(0);
  });

  it('finds each server from its pid file and its inspector port from its environment', async () => {
    const server = groupLeader('--inspect-port=127.0.0.1:31341');
    writeFileSync(path.join(home, 'pids', 'cc-feeds-peer1-org1.pid'), `${String(server.pid)}\n`);
    writeFileSync(path.join(home, 'pids', 'cc-feedsextra-peer1-org1.pid'), '1\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(chaincodeServers(home, 'feeds')).to.deep.equal([
      { node: 'cc-feeds-peer1-org1', pid: server.pid, inspectPort: 31341 },
    ]);
  });

  it('refuses a server started without an inspector port, and a chaincode with no server', async () => {
    const server = groupLeader();
    const notAServer = spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)'], {
      detached: true,
      stdio: 'ignore',
    });
    children.push(notAServer);
    writeFileSync(
      path.join(home, 'pids', 'cc-other-peer1-org1.pid'),
      `${String(notAServer.pid)}\n`,
    );
    writeFileSync(path.join(home, 'pids', 'cc-feeds-peer1-org1.pid'), `${String(server.pid)}\n`);
    await new Promise((r) => setTimeout(r, 300));
    expect(() => chaincodeServers(home, 'feeds')).to.throw(/CHAINCODE_INSPECT=1/);
    expect(() => chaincodeServers(home, 'votes')).to.throw(/runs no server of chaincode votes/);
    expect(() => chaincodeServers(home, 'other')).to.throw(
      /cc-other-peer1-org1 has no running chaincode server/,
    );
  });
});

describe('bench: profiling a running Node process over its inspector', function () {
  this.timeout(20_000);
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise((resolve) => server.close(resolve));
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  async function portAnswers(port: number): Promise<boolean> {
    try {
      await fetch(`http://127.0.0.1:${String(port)}/json/list`);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A Node process with its inspector port set (closed), once it has started. Interpreted only
   * (`--jitless`): an optimising compiler may inline a small function into its caller, and the
   * profile would then not name it.
   */
  function startNode(port: number, code: string): Promise<ChildProcess> {
    const started = spawn(
      process.execPath,
      [
        '--jitless',
        `--inspect-port=127.0.0.1:${String(port)}`,
        '-e',
        `${code}; process.stdout.write("ready\\n")`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return new Promise((resolve) => {
      started.stdout.once('data', () => {
        resolve(started);
      });
    });
  }

  it('samples it while the work runs, names its functions, and closes the inspector after', async () => {
    const port = await freePort();
    child = await startNode(
      port,
      'function burnForProfile(){const t=Date.now();while(Date.now()-t<2){}} setInterval(burnForProfile,1)',
    );
    expect(await portAnswers(port)).to.equal(false);
    const { result, profiles } = await profileServers(
      [{ node: 'test-process', pid: child.pid ?? 0, inspectPort: port }],
      () =>
        new Promise<string>((resolve) => {
          setTimeout(() => {
            resolve('done');
          }, 500);
        }),
    );
    expect(result).to.equal('done');
    expect(profiles).to.have.length(1);
    const names = new Set(profiles[0]?.nodes.map((n) => n.callFrame.functionName));
    expect(names.has('burnForProfile')).to.equal(true);
    const g = groupProfile(profiles[0] as CpuProfile);
    expect(g.busyMs).to.be.greaterThan(100);
    expect(await portAnswers(port)).to.equal(false);
  });

  it('refuses a port that answers for another process', async () => {
    const port = await freePort();
    child = await startNode(port, 'setInterval(()=>{},1000)');
    process.kill(child.pid ?? 0, 'SIGUSR1');
    const other = await startNode(await freePort(), 'setInterval(()=>{},1000)');
    try {
      let error = '';
      try {
        await profileServers([{ node: 'other', pid: other.pid ?? 0, inspectPort: port }], () =>
          Promise.resolve(0),
        );
      } catch (err) {
        error = (err as Error).message;
      }
      expect(error).to.match(/answers for process \d+, not other/);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
