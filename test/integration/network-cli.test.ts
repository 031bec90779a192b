/**
 * The network script as a new user meets it (issue 14): help and bad command lines, `down` on
 * nothing, an interrupted `up`, `env`, `status --json`, the per-node commands, and `deploy`'s
 * checks, gapless upgrades and chaincode list/remove. One network serves everything after the
 * interrupted `up`; it runs on NETTEST_PORT_BASE like test/integration/network.test.ts (the two
 * files run one after the other, each removing its network).
 */
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectAs, loadMember, networkSh, REPO_DIR, type NetworkEnv } from '../support/network';
import { committedOn } from '../support/live-ledger';
import type { NetworkConfig } from '@oracle-consortium/gateway';
import { NETWORK_SH, runCommand, type CommandResult } from '../../scripts/lib/run-command';

const KV_DIR = path.join(REPO_DIR, 'test', 'fixtures', 'kv-chaincode');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'fabric-netcli-'));

const env: NetworkEnv = {
  NETWORK_NAME: 'netcli',
  NETWORK_HOME: path.join(scratch, 'net'),
  PORT_BASE: process.env.NETTEST_PORT_BASE ?? '24000',
};

/** Runs network.sh (or any command) and reports how it ended, without throwing. */
function run(
  args: string[],
  extraEnv: Record<string, string> = {},
  command = 'bash',
  commandArgs: string[] = [NETWORK_SH],
): Promise<CommandResult> {
  return runCommand([command, ...commandArgs, ...args], { env: { ...env, ...extraEnv } });
}

interface NodeStatus {
  name: string;
  kind: 'kms' | 'ca' | 'orderer' | 'peer' | 'chaincode';
  pid: number | null;
  state: 'running' | 'stopped' | 'paused';
  healthy: boolean;
  port: number;
  height?: number | null;
  leader?: boolean | null;
}

async function statusJson(extraEnv: Record<string, string> = {}): Promise<NodeStatus[]> {
  const r = await run(['status', '--json'], extraEnv);
  expect(r.code, r.err).to.equal(0);
  return JSON.parse(r.out) as NodeStatus[];
}

async function nodeStatus(name: string): Promise<NodeStatus> {
  const node = (await statusJson()).find((n) => n.name === name);
  if (node === undefined) throw new Error(`status has no node ${name}`);
  return node;
}

/** Polls status until the predicate holds (a node's health settles a moment after a signal). */
async function until(
  name: string,
  predicate: (n: NodeStatus) => boolean,
  tries = 50,
): Promise<NodeStatus> {
  let node = await nodeStatus(name);
  for (let i = 0; i < tries && !predicate(node); i++) {
    await new Promise((r) => setTimeout(r, 300));
    node = await nodeStatus(name);
  }
  return node;
}

/** What a process is, for a failure message: its command line and state, or that it is gone. */
function describeProcess(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8')
      .split('\0')
      .join(' ')
      .trim();
    const state = readFileSync(`/proc/${String(pid)}/stat`, 'utf8').replace(/^\d+ \(.*\) /, '')[0];
    return `${cmd}, state ${state ?? '?'}`;
  } catch {
    return 'gone';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill 0; it is dead for our purposes.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return !/^\d+ \(.*\) Z /.test(stat);
}

function ccPids(nodes: NodeStatus[], cc: string): Record<string, number | null> {
  const pids: Record<string, number | null> = {};
  for (const n of nodes) if (n.name.startsWith(`cc-${cc}-peer`)) pids[n.name] = n.pid;
  return pids;
}

describe('network.sh as a new user meets it', function () {
  this.timeout(600_000);

  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  describe('without a network', () => {
    for (const flag of ['help', '-h', '--help']) {
      it(`prints the usage and exits 0 for ${flag}`, async () => {
        const r = await run([flag]);
        expect(r.code, r.err).to.equal(0);
        expect(r.out).to.include('Usage: test-network/network.sh <command>');
        expect(r.out).to.include('status [--json]');
      });
    }

    it('exits 2 naming an unknown command', async () => {
      const r = await run(['frobnicate']);
      expect(r.code).to.equal(2);
      expect(r.err).to.include("unknown command 'frobnicate'");
    });

    it('names an option given without its value instead of failing on an unbound variable', async () => {
      const r = await run(['deploy', KV_DIR, '--name']);
      expect(r.code).to.equal(2);
      expect(r.err).to.include('--name needs a value');
      expect(r.err).not.to.include('unbound variable');
    });

    it('rejects a PORT_BASE that is not a number with a message naming it', async () => {
      const r = await run(['status'], { PORT_BASE: 'abc' });
      expect(r.code).to.equal(1);
      expect(r.err).to.include("PORT_BASE must be a port number, got 'abc'");
      expect(r.err).not.to.match(/unbound variable|syntax error/);
    });

    for (const [name, value, message] of [
      ['MEMBERS', '9', "MEMBERS must be a number of founding members from 1 to 8, got '9'"],
      ['MEMBERS', '0', "MEMBERS must be a number of founding members from 1 to 8, got '0'"],
      ['MEMBERS', 'three', "MEMBERS must be a number of founding members from 1 to 8, got 'three'"],
      ['PEERS', '5', "PEERS must be a number of peers per member from 1 to 4, got '5'"],
      [
        'NETWORK_PROFILE',
        '2.2',
        "NETWORK_PROFILE must be 2.5 (the default: Gateway service on, capability V2_5) or amb (Fabric 2.2 as on Amazon Managed Blockchain), got '2.2'",
      ],
      ['CHANNEL_CAPABILITY', 'V3_0', "CHANNEL_CAPABILITY must be V2_0 or V2_5, got 'V3_0'"],
      [
        'NODE_KEYS',
        'HSM',
        "NODE_KEYS must be file (the default: each peer's and orderer's signing key in its MSP keystore) or hsm (generated in a SoftHSM2 token of each node's own, never in a key file), got 'HSM'",
      ],
    ] as const) {
      it(`refuses up with ${name}='${value}' before creating any state`, async () => {
        const r = await run(['up'], { [name]: value });
        expect(r.code).to.equal(1);
        expect(r.err).to.include(message);
        expect(existsSync(env.NETWORK_HOME), 'network home').to.be.false;
      });
    }

    it('refuses up with the amb profile and capability V2_5, which a Fabric 2.2 channel cannot have', async () => {
      const r = await run(['up'], { NETWORK_PROFILE: 'amb', CHANNEL_CAPABILITY: 'V2_5' });
      expect(r.code).to.equal(1);
      expect(r.err).to.include(
        'the amb profile stands for Fabric 2.2, whose channels cannot enable V2_5',
      );
      expect(existsSync(env.NETWORK_HOME), 'network home').to.be.false;
    });

    it('says there is no network when down finds nothing, and exits 0', async () => {
      const r = await run(['down']);
      expect(r.code, r.err).to.equal(0);
      expect(r.err).to.include(`no network in ${env.NETWORK_HOME}`);
      expect(r.err).not.to.include('removed');
    });

    it('prints an empty JSON array as status --json', async () => {
      expect(await statusJson()).to.deep.equal([]);
    });
  });

  describe('an interrupted up', () => {
    after(async () => {
      await networkSh(env, 'down');
    });

    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      it(`stops what it started when it gets ${signal} (as from Ctrl-C)`, async () => {
        // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
        const child = spawn('bash', [NETWORK_SH, 'up'], {
          env: { ...process.env, ...env },
          detached: true,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        const exited = new Promise<number | null>((resolve) =>
          child.on('exit', (code) => {
            resolve(code);
          }),
        );
        // Interrupt once local-kms and the CAs run: the step after them issues identities.
        await new Promise<void>((resolve, reject) => {
          child.stderr.on('data', (d: Buffer) => {
            stderr += d.toString();
            if (stderr.includes('issuing identities')) resolve();
          });
          void exited.then(() => {
            reject(new Error(`up ended before the CAs started:\n${stderr}`));
          });
        });
        const pidsDir = path.join(env.NETWORK_HOME, 'pids');
        const pids = readdirSync(pidsDir).map((f) =>
          Number(readFileSync(path.join(pidsDir, f), 'utf8').split(' ')[0]),
        );
        expect(pids.length, 'kms and three CAs started').to.be.at.least(4);
        process.kill(-child.pid!, signal);
        const code = await exited;
        expect(code, stderr).not.to.equal(0);
        for (const pid of pids) {
          expect(
            alive(pid),
            `process ${String(pid)} (${describeProcess(pid)}) after ${signal}; up said:\n${stderr}`,
          ).to.be.false;
        }
        for (const node of await statusJson()) {
          expect(node.state, `${node.name} after ${signal}`).to.equal('stopped');
          expect(node.healthy, `${node.name} after ${signal}`).to.be.false;
        }
      });
    }
  });

  describe('on a running network', () => {
    let org1: NetworkConfig;
    let org2: NetworkConfig;
    const kvTmp = path.join(scratch, 'kv-copy');
    const noDeps = path.join(scratch, 'no-deps');

    before(async () => {
      await networkSh(env, 'up');
      const file = path.join(env.NETWORK_HOME, 'network.json');
      org1 = await loadMember(file, 'Org1');
      org2 = await loadMember(file, 'Org2');
      await networkSh(env, 'deploy', KV_DIR, '--name', 'kv', '--version', '1');
      await put('greeting', 'hello');
    });

    after(async () => {
      await networkSh(env, 'down');
    });

    /** Writes through Org1's peer; returns the block the write committed in. */
    async function put(key: string, value: string): Promise<bigint> {
      const c = connectAs(org1, 'user1');
      try {
        const submitted = await c.gateway
          .getNetwork(org1.channelName)
          .getContract('kv')
          .submitAsync('put', { arguments: [key, value] });
        const status = await submitted.getStatus();
        expect(status.successful, `put ${key}`).to.equal(true);
        return status.blockNumber;
      } finally {
        c.close();
      }
    }

    /** Reads through Org2's peer, once it has committed block `after` when one is given. */
    async function get(key: string, after?: bigint): Promise<string> {
      const c = connectAs(org2, 'user1');
      try {
        const network = c.gateway.getNetwork(org1.channelName);
        if (after !== undefined) await committedOn(network, after);
        const bytes = await network.getContract('kv').evaluateTransaction('get', key);
        return Buffer.from(bytes).toString();
      } finally {
        c.close();
      }
    }

    describe('status --json', () => {
      it('lists every node with its kind, PID, state, health and port', async () => {
        const nodes = await statusJson();
        expect(nodes.map((n) => n.name)).to.include.members([
          'kms',
          'ca-orderer',
          'ca-org1',
          'ca-org2',
          'orderer1',
          'orderer2',
          'orderer3',
          'peer1-org1',
          'peer2-org1',
          'peer1-org2',
          'peer2-org2',
          'cc-kv-peer1-org1',
          'cc-kv-peer2-org2',
        ]);
        for (const n of nodes) {
          expect(n.state, n.name).to.equal('running');
          expect(n.healthy, n.name).to.be.true;
          expect(n.pid, n.name).to.be.a('number');
          expect(n.port, n.name).to.be.within(Number(env.PORT_BASE), Number(env.PORT_BASE) + 979);
        }
        expect(nodes.find((n) => n.name === 'ca-org1')?.kind).to.equal('ca');
        expect(nodes.find((n) => n.name === 'cc-kv-peer1-org1')?.kind).to.equal('chaincode');
      });

      it('gives every peer its block height', async () => {
        const peers = (await statusJson()).filter((n) => n.kind === 'peer');
        expect(peers).to.have.length(4);
        for (const p of peers) expect(p.height, p.name).to.be.a('number').and.at.least(1);
      });

      it('names exactly one orderer as the Raft leader', async () => {
        let orderers: NodeStatus[] = [];
        for (let i = 0; i < 30; i++) {
          orderers = (await statusJson()).filter((n) => n.kind === 'orderer');
          if (orderers.some((o) => o.leader === true)) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(orderers.map((o) => o.leader).sort()).to.deep.equal([false, false, true]);
      });

      it('shows the leader and a paused node in the plain table too', async () => {
        await networkSh(env, 'pause', 'peer2-org1');
        try {
          const table = await networkSh(env, 'status');
          expect(table).to.match(/^peer2-org1\s+\d+\s+paused\s/m);
          expect(table).to.match(/^orderer\d\s+\d+\s+healthy\s+-\s+leader\s/m);
        } finally {
          await networkSh(env, 'resume', 'peer2-org1');
        }
      });
    });

    describe('per-node commands', () => {
      it('pauses and resumes a peer', async () => {
        await networkSh(env, 'pause', 'peer2-org2');
        const paused = await nodeStatus('peer2-org2');
        expect(paused.state).to.equal('paused');
        expect(paused.healthy).to.be.false;
        await networkSh(env, 'resume', 'peer2-org2');
        const resumed = await until('peer2-org2', (n) => n.healthy);
        expect(resumed.state).to.equal('running');
        expect(resumed.healthy).to.be.true;
        expect(resumed.pid).to.equal(paused.pid);
      });

      it('kills a peer with SIGKILL and starts it again with its ledger', async () => {
        const before = await nodeStatus('peer2-org2');
        await networkSh(env, 'kill', 'peer2-org2');
        const killed = await nodeStatus('peer2-org2');
        expect(killed.state).to.equal('stopped');
        expect(killed.pid).to.be.null;
        expect(alive(before.pid!)).to.be.false;
        await networkSh(env, 'start', 'peer2-org2');
        const started = await nodeStatus('peer2-org2');
        expect(started.state).to.equal('running');
        expect(started.healthy).to.be.true;
        expect(started.height).to.be.at.least(before.height!);
      });

      it('stops an orderer gracefully and starts it again', async () => {
        await networkSh(env, 'stop', 'orderer3');
        const stopped = await nodeStatus('orderer3');
        expect(stopped.state).to.equal('stopped');
        expect(stopped.healthy).to.be.false;
        expect(stopped.leader).to.be.null;
        await networkSh(env, 'start', 'orderer3');
        expect((await nodeStatus('orderer3')).healthy).to.be.true;
      });

      it('kills a chaincode server and revives it with start', async () => {
        await networkSh(env, 'kill', 'cc-kv-peer2-org1');
        expect((await nodeStatus('cc-kv-peer2-org1')).state).to.equal('stopped');
        await networkSh(env, 'start', 'cc-kv-peer2-org1');
        const started = await nodeStatus('cc-kv-peer2-org1');
        expect(started.state).to.equal('running');
        expect(started.healthy).to.be.true;
      });

      it('rejects an unknown node name, listing the valid ones', async () => {
        const r = await run(['kill', 'peer9-org1']);
        expect(r.code).to.equal(1);
        expect(r.err).to.include("unknown node 'peer9-org1'");
        expect(r.err).to.include('peer1-org1');
        expect(r.err).to.include('cc-kv-peer1-org1');
      });
    });

    describe('env', () => {
      it('points the peer CLI at the member admin and the network', async () => {
        const script = `eval "$(bash ${NETWORK_SH} env Org2)" && peer channel getinfo -c "$CHANNEL_NAME" && peer lifecycle chaincode querycommitted -C "$CHANNEL_NAME" -n kv -O json`;
        const r = await run([], {}, 'bash', ['-c', script]);
        expect(r.code, r.err).to.equal(0);
        expect(r.out).to.match(/Blockchain info: \{"height":\d+/);
        expect(r.out).to.match(/"sequence":\s*1/);
      });

      it('rejects a member the network does not have', async () => {
        const r = await run(['env', 'Org9']);
        expect(r.code).to.equal(1);
        expect(r.err).to.include("unknown member 'Org9'; members: Org1 Org2");
      });
    });

    describe('deploy', () => {
      it('requires --name instead of naming the chaincode after its directory', async () => {
        const r = await run(['deploy', KV_DIR]);
        expect(r.code).to.equal(2);
        expect(r.err).to.include('--name is required');
        expect((await statusJson()).some((n) => n.name.startsWith('cc-kv-chaincode-'))).to.be.false;
      });

      it('refuses a malformed collections file before touching the running chaincode', async () => {
        const bad = path.join(scratch, 'malformed.json');
        writeFileSync(bad, '{not json');
        const before = ccPids(await statusJson(), 'kv');
        const r = await run(['deploy', KV_DIR, '--name', 'kv', '--collections', bad]);
        expect(r.code).to.equal(1);
        expect(r.err).to.include(`collections file ${bad} is not valid JSON`);
        expect(r.err).not.to.include('packaging');
        expect(ccPids(await statusJson(), 'kv')).to.deep.equal(before);
        expect(await get('greeting')).to.equal('hello');
      });

      it('shows the peer CLI error, not its flag help, for a bad endorsement policy', async () => {
        const before = ccPids(await statusJson(), 'kv');
        const r = await run(['deploy', KV_DIR, '--name', 'kv', '--policy', "OR('Org1MSP.peer'"]);
        expect(r.code).to.equal(1);
        expect(r.err).to.include("Error: invalid signature policy: OR('Org1MSP.peer'");
        expect(r.err).not.to.include('Global Flags');
        expect(r.err).not.to.include('--cafile string');
        expect(ccPids(await statusJson(), 'kv')).to.deep.equal(before);
      });

      it('leaves the old version serving when the peers reject the upgrade', async () => {
        // Valid JSON the peers refuse at approval: a collection policy must be an OR.
        const rejected = path.join(scratch, 'and-policy.json');
        writeFileSync(
          rejected,
          JSON.stringify([
            {
              name: 'c1',
              policy: "AND('Org1MSP.member','Org2MSP.member')",
              requiredPeerCount: 0,
              maxPeerCount: 1,
              blockToLive: 0,
              memberOnlyRead: true,
            },
          ]),
        );
        const before = ccPids(await statusJson(), 'kv');
        const r = await run(['deploy', KV_DIR, '--name', 'kv', '--collections', rejected]);
        expect(r.code).to.equal(1);
        expect(r.err).to.include('signature policy is not an OR concatenation');
        const after = await statusJson();
        expect(ccPids(after, 'kv')).to.deep.equal(before);
        for (const n of after.filter((x) => x.kind === 'chaincode')) {
          expect(n.healthy, n.name).to.be.true;
        }
        expect(await get('greeting')).to.equal('hello');
        const list = await networkSh(env, 'chaincode', 'list');
        expect(list).to.match(/^kv\s+1\s+1\s/m);
      });

      it('fails fast naming the missing module of a chaincode whose dependencies are not installed', async () => {
        cpSync(KV_DIR, noDeps, { recursive: true });
        // HEALTH_TIMEOUT caps the wait of the old behaviour so this test ends either way.
        const r = await run(['deploy', noDeps, '--name', 'nodeps'], { HEALTH_TIMEOUT: '20' });
        expect(r.code).to.equal(1);
        expect(r.err).to.include("Cannot find module 'fabric-contract-api'");
        expect(r.err).to.include('npm install');
        const nodes = await statusJson();
        expect(nodes.some((n) => n.name.startsWith('cc-nodeps-'))).to.be.false;
        expect(await networkSh(env, 'chaincode', 'list')).not.to.include('nodeps');
      });

      it('refuses up asking an existing network for another profile, naming the recorded one', async () => {
        const r = await run(['up'], { NETWORK_PROFILE: 'amb' });
        expect(r.code).to.equal(1);
        expect(r.err).to.include('has profile 2.5 with application capability V2_5');
        // Only the answer: a NETTEST_PORT_BASE in the ephemeral range also draws a warning.
        const answer = (await networkSh(env, 'profile'))
          .split('\n')
          .filter((line) => line.trim() !== '' && !line.startsWith('warning:'));
        expect(answer).to.deep.equal(['2.5 V2_5']);
      });

      it('refuses up asking an existing network for node keys in the HSM, naming the recorded setting', async () => {
        const r = await run(['up'], { NODE_KEYS: 'hsm' });
        expect(r.code).to.equal(1);
        expect(r.err).to.include(
          "was brought up with NODE_KEYS=file (its nodes' signing keys are in files); NODE_KEYS=hsm asks otherwise",
        );
        expect(readFileSync(path.join(env.NETWORK_HOME, 'profile'), 'utf8')).to.include(
          'node_keys=file\n',
        );
      });

      it('refuses a node package that carries no node_modules, before installing anything', async () => {
        const dir = path.join(scratch, 'bare-package');
        mkdirSync(path.join(dir, 'src'), { recursive: true });
        writeFileSync(path.join(dir, 'src', 'package.json'), '{"name":"bare","main":"index.js"}');
        writeFileSync(
          path.join(dir, 'metadata.json'),
          '{"path":"bare","type":"node","label":"bare_1"}',
        );
        execFileSync('tar', ['-czf', path.join(dir, 'code.tar.gz'), '-C', dir, 'src']);
        const pkg = path.join(dir, 'bare_1.tar.gz');
        execFileSync('tar', ['-czf', pkg, '-C', dir, 'metadata.json', 'code.tar.gz']);
        const r = await run(['deploy', pkg, '--name', 'bare']);
        expect(r.code).to.equal(1);
        expect(r.err).to.include('carries no src/node_modules');
        expect(await networkSh(env, 'chaincode', 'list')).not.to.include('bare');
      });

      it('keeps every call succeeding during an upgrade, then serves from the new servers', async () => {
        const before = ccPids(await statusJson(), 'kv');
        const c1 = connectAs(org1, 'user1');
        const c2 = connectAs(org2, 'user1', 1);
        const failures: string[] = [];
        let calls = 0;
        let deploying = true;
        const load = async (
          c: ReturnType<typeof connectAs>,
          submit: boolean,
          tag: string,
        ): Promise<void> => {
          const contract = c.gateway.getNetwork(org1.channelName).getContract('kv');
          for (let i = 0; deploying; i++) {
            try {
              if (submit) await contract.submitTransaction('put', `upgrade-${tag}`, String(i));
              else await contract.evaluateTransaction('get', 'greeting');
              calls++;
            } catch (err) {
              failures.push(`${tag} call ${i}: ${String(err)}`);
            }
          }
        };
        try {
          const loads = [
            load(c1, false, 'eval-org1'),
            load(c2, false, 'eval-org2'),
            load(c1, true, 'submit-org1'),
          ];
          const deployed = run(['deploy', KV_DIR, '--name', 'kv', '--version', '2']);
          const r = await deployed;
          deploying = false;
          await Promise.all(loads);
          expect(r.code, r.err).to.equal(0);
        } finally {
          deploying = false;
          c1.close();
          c2.close();
        }
        expect(failures, failures.slice(0, 3).join('\n')).to.deep.equal([]);
        expect(calls).to.be.at.least(10);
        const after = ccPids(await statusJson(), 'kv');
        expect(Object.keys(after).sort()).to.deep.equal(Object.keys(before).sort());
        for (const [name, pid] of Object.entries(after)) {
          expect(pid, name).to.be.a('number').and.not.equal(before[name]);
          expect(alive(before[name]!), `old ${name}`).to.be.false;
        }
        const written = await put('after-upgrade', 'v2');
        expect(await get('after-upgrade', written)).to.equal('v2');
        expect(await networkSh(env, 'chaincode', 'list')).to.match(/^kv\s+2\s+2\s/m);
      });
    });

    describe('chaincode list and remove', () => {
      it('calls a crash-looping chaincode server unhealthy', async () => {
        cpSync(KV_DIR, kvTmp, { recursive: true });
        symlinkSync(path.join(REPO_DIR, 'node_modules'), path.join(kvTmp, 'node_modules'));
        await networkSh(env, 'deploy', kvTmp, '--name', 'kvcopy');
        // Break the module under the running servers, then end one server's child: its
        // supervisor restarts it and the restart crashes, again and again.
        writeFileSync(path.join(kvTmp, 'index.js'), "throw new Error('broken on purpose');\n");
        const node = await nodeStatus('cc-kvcopy-peer1-org1');
        const children = readFileSync(`/proc/${node.pid}/task/${node.pid}/children`, 'utf8')
          .trim()
          .split(/\s+/)
          .map(Number);
        for (const child of children) process.kill(child, 'SIGKILL');
        const log = path.join(env.NETWORK_HOME, 'logs', 'cc-kvcopy-peer1-org1.log');
        for (let i = 0; i < 60; i++) {
          if ((readFileSync(log, 'utf8').match(/broken on purpose/g) ?? []).length >= 2) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        const looping = await nodeStatus('cc-kvcopy-peer1-org1');
        expect(looping.state).to.equal('running');
        expect(looping.healthy).to.be.false;
        expect(await networkSh(env, 'status')).to.match(
          /^cc-kvcopy-peer1-org1\s+\d+\s+unhealthy\s/m,
        );
      });

      it('lists the deployed chaincodes with version, sequence and servers', async () => {
        const list = await networkSh(env, 'chaincode', 'list');
        expect(list).to.match(/^NAME\s+VERSION\s+SEQUENCE\s+SERVERS\s+DIRECTORY/m);
        expect(list).to.match(/^kv\s+2\s+2\s+4\/4\s/m);
        expect(list).to.match(/^kvcopy\s+1\s+1\s+\d\/4\s/m);
      });

      it('removes a chaincode: its servers stop and start no longer knows it', async () => {
        const pids = Object.values(ccPids(await statusJson(), 'kvcopy'));
        expect(pids).to.have.length(4);
        const r = await run(['chaincode', 'remove', 'kvcopy']);
        expect(r.code, r.err).to.equal(0);
        expect(r.err).to.include('stays committed on channel');
        for (const pid of pids) expect(alive(pid!)).to.be.false;
        expect((await statusJson()).some((n) => n.name.startsWith('cc-kvcopy-'))).to.be.false;
        expect(await networkSh(env, 'chaincode', 'list')).not.to.match(/^kvcopy\s/m);
        expect(existsSync(path.join(env.NETWORK_HOME, 'artifacts', 'chaincode', 'kvcopy'))).to.be
          .false;
      });

      it('rejects removing a chaincode that is not deployed', async () => {
        const r = await run(['chaincode', 'remove', 'nothing-here']);
        expect(r.code).to.equal(1);
        expect(r.err).to.include("no chaincode 'nothing-here' is deployed; deployed: kv");
      });
    });
  });
});
