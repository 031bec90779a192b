import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  ConnectionError,
  ContractError,
  SignerError,
  TransactionError,
  ca,
  connection,
  signers,
  type Connection,
  type NetworkConfig,
  type Signer,
} from '@oracle-consortium/gateway';
import {
  chainHeight,
  ledgerCopies,
  networkOf,
  putLoad,
  raftLeader,
  signalNode,
  startStoppedNodes,
  type LoadCall,
} from '../../support/gateway/faults';
import { selfSigned } from '../../../scripts/lib/openssl-ca';
import { freePort } from '../../support/gateway/processes';
import { suiteTransport } from '../../support/gateway/transport';
import { rejection } from '../../support/refusal';

const DESCRIPTION = process.env.NETWORK_DESCRIPTION;
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

(DESCRIPTION === undefined ? describe.skip : describe)(
  'gateway connection (live network)',
  function () {
    this.timeout(300000);
    const dir = mkdtempSync(join(tmpdir(), 'gw-int-'));
    let network: NetworkConfig;
    let user1: { certificate: string; signer: Signer };
    let conn: Connection;
    const open: Connection[] = [];
    const connect = (options: Parameters<typeof connection.connect>[0]) => {
      const c = connection.connect({ ...suiteTransport(), ...options });
      open.push(c);
      return c;
    };

    before(async () => {
      network = await connection.loadNetworkDescription({ path: DESCRIPTION!, member: 'Org1' });
      const files = network.identities.user1!;
      user1 = {
        certificate: readFileSync(files.certificatePath, 'utf8'),
        signer: await signers.newFileSigner({ path: files.privateKeyPath }),
      };
      conn = connect({
        network,
        identity: { certificate: user1.certificate },
        signer: user1.signer,
      });
    });
    after(() => {
      open.forEach((c) => {
        c.close();
      });
    });

    it('reads the description: own peers first, hostnames dialled through Hosts', () => {
      expect(network.mspId).to.equal('Org1MSP');
      expect(network.peers.length).to.be.greaterThan(1);
      for (const p of network.peers) {
        expect(p.mspId).to.equal('Org1MSP');
        expect(p.endpoint.address).to.equal('127.0.0.1');
        expect(p.endpoint.hostname).to.match(/managedblockchain\.local$/);
      }
    });

    it('submits and evaluates with a file key', async () => {
      const key = `k-${randomUUID()}`;
      const out = await conn.submit({
        chaincode: 'kv',
        transaction: 'put',
        arguments: [key, 'v1'],
      });
      expect(text(out.result)).to.equal('v1');
      expect(out.transactionId).to.match(/^[0-9a-f]{64}$/);
      expect(out.blockNumber > 0n).to.be.true;
      expect(out.submitAttempts).to.equal(1);
      expect(
        text(await conn.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [key] })),
      ).to.equal('v1');
    });

    it('maps a coded chaincode error to ContractError with code and per-peer details', async () => {
      const err = await rejection(
        conn.evaluate({ chaincode: 'kv', transaction: 'get', arguments: ['absent-key'] }),
      );
      if (!(err instanceof ContractError)) return expect.fail(String(err));
      expect(err.chaincodeCode).to.equal('NOT_FOUND');
      expect(err.chaincodeMessage).to.contain('absent-key');
      expect(err.transactionId).to.match(/^[0-9a-f]{64}$/);

      const endorse = await rejection(
        conn.submit({ chaincode: 'kv', transaction: 'get', arguments: ['absent-2'] }),
      );
      if (!(endorse instanceof ContractError)) return expect.fail(String(endorse));
      expect(endorse.chaincodeCode).to.equal('NOT_FOUND');
      expect(endorse.details.length).to.be.greaterThan(0);
      expect(endorse.details[0]!.mspId).to.match(/MSP$/);
    });

    it('signs offline: proposal, endorse, submit and commit status with signatures made elsewhere', async () => {
      const offline = connect({ network, identity: { certificate: user1.certificate } });
      const key = `off-${randomUUID()}`;
      const p = offline.offline.newProposal({
        chaincode: 'kv',
        transaction: 'put',
        arguments: [key, 'x'],
      });
      const t = await offline.offline.endorse(p.bytes, await user1.signer.sign(p.digest));
      expect(t.transactionId).to.equal(p.transactionId);
      const c = await offline.offline.submit(t.bytes, await user1.signer.sign(t.digest));
      const status = await offline.offline.commitStatus(c.bytes, await user1.signer.sign(c.digest));
      expect(status.transactionId).to.equal(p.transactionId);
      expect(
        text(await conn.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [key] })),
      ).to.equal('x');
      const noSigner = await rejection(
        offline.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [key] }),
      );
      expect((noSigner as { code?: string }).code).to.equal('INVALID_CONFIG');
    });

    it('fails over to the next peer when the first is unreachable, and backs the dead one off', async () => {
      const deadPort = await freePort();
      const first = network.peers[0]!;
      const dead = { ...first, name: 'dead', endpoint: { ...first.endpoint, port: deadPort } };
      const failing = connect({
        network: { ...network, peers: [dead, ...network.peers] },
        identity: { certificate: user1.certificate },
        signer: user1.signer,
        timeouts: { evaluateMs: 3000, endorseMs: 5000 },
      });
      const keys: string[] = [];
      for (let i = 0; i < 5; i++) {
        const key = `fo-${randomUUID()}`;
        keys.push(key);
        await failing.submit({ chaincode: 'kv', transaction: 'put', arguments: [key, String(i)] });
      }
      for (const [i, key] of keys.entries()) {
        expect(
          text(await failing.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [key] })),
        ).to.equal(String(i));
      }
      const status = failing.peers();
      const deadStatus = status.find((s) => s.name === 'dead')!;
      expect(deadStatus.failures).to.be.greaterThan(0);
      expect(status[0]!.name).to.not.equal('dead');
    });

    it('names the endpoint when the TLS root is wrong', async () => {
      const badRoot = selfSigned('bad').certPem;
      const peer = network.peers[0]!;
      const bad = connect({
        network: { ...network, peers: [{ ...peer, tlsRootCerts: badRoot }] },
        identity: { certificate: user1.certificate },
        signer: user1.signer,
        timeouts: { evaluateMs: 3000 },
      });
      const err = await rejection(bad.evaluate({ chaincode: 'kv', transaction: 'noop' }));
      if (!(err instanceof ConnectionError)) return expect.fail(String(err));
      expect(err.code).to.equal('TLS_ERROR');
      expect(err.message).to.contain(`${peer.endpoint.hostname}:${peer.endpoint.port}`);
      expect(err.endpoint).to.contain(peer.endpoint.hostname);
    });

    it('refuses an identity presented under the wrong MSP with ACCESS_DENIED', async () => {
      const wrong = connect({
        network,
        identity: { mspId: 'Org2MSP', certificate: user1.certificate },
        signer: user1.signer,
      });
      const err = await rejection(wrong.evaluate({ chaincode: 'kv', transaction: 'noop' }));
      if (!(err instanceof TransactionError)) return expect.fail(String(err));
      expect(err.code).to.equal('ACCESS_DENIED');
    });

    it('fails with CLOSED after close()', async () => {
      const c = connection.connect({
        ...suiteTransport(),
        network,
        identity: { certificate: user1.certificate },
        signer: user1.signer,
      });
      c.close();
      const err = await rejection(c.evaluate({ chaincode: 'kv', transaction: 'noop' }));
      expect(err).to.be.instanceOf(ConnectionError);
      expect((err as ConnectionError).code).to.equal('CLOSED');
    });

    it('connects from a standard YAML connection profile', async () => {
      const peers = Object.fromEntries(
        network.peers.map((p) => [
          p.name,
          {
            url: `grpcs://${p.endpoint.address ?? p.endpoint.hostname}:${p.endpoint.port}`,
            tlsCACerts: { pem: p.tlsRootCerts },
            grpcOptions: { 'ssl-target-name-override': p.endpoint.hostname },
          },
        ]),
      );
      const profile = {
        name: 'local',
        version: '1.0.0',
        client: { organization: 'Org1' },
        organizations: { Org1: { mspid: 'Org1MSP', peers: Object.keys(peers) } },
        peers,
        channels: {
          [network.channelName]: {
            peers: Object.fromEntries(Object.keys(peers).map((k) => [k, {}])),
          },
        },
      };
      const path = join(dir, 'profile.yaml');
      writeFileSync(path, stringify(profile));
      const fromProfile = await connection.loadConnectionProfile({ path });
      expect(fromProfile.peers.map((p) => p.endpoint)).to.deep.equal(
        network.peers.map((p) => p.endpoint),
      );
      const c = connect({
        network: fromProfile,
        identity: { certificate: user1.certificate },
        signer: user1.signer,
      });
      expect(text(await c.evaluate({ chaincode: 'kv', transaction: 'noop' }))).to.match(
        /^[0-9a-f]{64}$/,
      );
    });

    describe('KMS and HSM identities enrolled from scratch', () => {
      let registrar: { certificate: string; signer: Signer };
      let caClient: ReturnType<typeof ca.newCaClient>;

      before(async () => {
        const caConfig = network.ca!;
        caClient = ca.newCaClient({
          url: caConfig.url,
          ...(caConfig.address ? { address: caConfig.address } : {}),
          tlsRootCerts: caConfig.tlsRootCerts,
        });
        const signer = await signers.generateFileKey({ path: join(dir, 'registrar.pem') });
        const { certificate } = await caClient.enroll({
          enrollmentId: caConfig.registrar!.enrollmentId,
          enrollmentSecret: caConfig.registrar!.enrollmentSecret,
          signer,
        });
        registrar = { certificate, signer };
      });

      async function enrollNew(signer: Signer, prefix: string): Promise<string> {
        const id = `${prefix}-${randomUUID().slice(0, 8)}`;
        const secret = await caClient.register({ registrar, enrollmentId: id, affiliation: '' });
        return (await caClient.enroll({ enrollmentId: id, enrollmentSecret: secret, signer }))
          .certificate;
      }

      it('enrolls a KMS key and commits 200 KMS-signed submits, all low-S', async () => {
        const kms = network.kms!;
        const opts = {
          region: kms.region,
          endpoint: kms.endpoint,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        };
        const keyId = await signers.createKmsKey(opts);
        const signer = signers.newKmsSigner({ ...opts, keyId });
        const certificate = await enrollNew(signer, 'kms');
        const store = ca.newFileIdentityStore({ directory: join(dir, 'ids') });
        await store.put({
          name: 'kms-app',
          mspId: network.mspId,
          certificate,
          key: signer.keyReference,
        });
        expect(readFileSync(join(dir, 'ids', 'kms-app.id.json'), 'utf8')).to.not.contain('PRIVATE');
        const kmsConn = connect({ network, identity: { certificate }, signer });
        const started = Date.now();
        const ids = new Set<string>();
        const total = 200;
        const concurrency = 20;
        let next = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < total) {
              const i = next++;
              const out = await kmsConn.submit({
                chaincode: 'kv',
                transaction: 'put',
                arguments: [`kms-${i}-${randomUUID()}`, String(i)],
              });
              ids.add(out.transactionId);
            }
          }),
        );
        expect(ids.size).to.equal(total);
        console.log(
          `      200 KMS-signed submits committed in ${Date.now() - started} ms (concurrency ${concurrency})`,
        );
      });

      it('enrolls an HSM key and submits and evaluates with it', async function () {
        const hsm = network.hsm;
        if (hsm === undefined) return this.skip();
        if (hsm.softHsm2Conf !== undefined) process.env.SOFTHSM2_CONF = hsm.softHsm2Conf;
        const ref = signers.generateHsmKey({
          library: hsm.library,
          tokenLabel: hsm.tokenLabel,
          pin: hsm.pin,
        });
        const signer = signers.newHsmSigner({
          library: hsm.library,
          tokenLabel: hsm.tokenLabel,
          pin: hsm.pin,
          id: ref.id,
        });
        const certificate = await enrollNew(signer, 'hsm');
        const c = connect({ network, identity: { certificate }, signer });
        const key = `hsm-${randomUUID()}`;
        await c.submit({ chaincode: 'kv', transaction: 'put', arguments: [key, 'h'] });
        expect(
          text(await c.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [key] })),
        ).to.equal('h');
        await signer.close();
      });

      it('reports an unreachable KMS as SIGNER_UNAVAILABLE on submit', async () => {
        const port = await freePort();
        const signer = signers.newKmsSigner({
          keyId: 'x',
          region: 'eu-west-2',
          endpoint: `http://127.0.0.1:${port}`,
          credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
          maxAttempts: 1,
          requestTimeoutMs: 1000,
        });
        const c = connect({ network, identity: { certificate: user1.certificate }, signer });
        const err = await rejection(c.submit({ chaincode: 'kv', transaction: 'noop' }));
        expect(err).to.be.instanceOf(SignerError);
        expect((err as SignerError).code).to.equal('SIGNER_UNAVAILABLE');
        expect((err as Error).message).to.contain(`127.0.0.1:${port}`);
      });
    });
    // Last: these stop real nodes; `after` starts them again for the files that follow.
    describe('recovery from node faults during load', () => {
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      let home: string;
      let portBase: number;

      before(() => {
        ({ home, portBase } = networkOf(DESCRIPTION!));
      });
      afterEach(async () => {
        await startStoppedNodes(home);
      });

      /** Every call committed, its key reads back its value, and its id is on the ledger once VALID. */
      async function expectCommittedOnce(calls: LoadCall[], fromBlock: number): Promise<void> {
        expect(calls.filter((c) => c.error !== undefined)).to.deep.equal([]);
        expect(calls.length).to.be.greaterThan(0);
        const copies = await ledgerCopies(conn, fromBlock);
        for (const c of calls) {
          expect(copies.get(c.transactionId!)?.filter((code) => code === 0)).to.deep.equal([0]);
          expect(
            text(await conn.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [c.key] })),
          ).to.equal(c.value);
        }
      }

      it('settles every call once while the preferred peer is stopped (SIGSTOP) under load', async () => {
        const from = await chainHeight(conn);
        const load = connect({
          network,
          identity: { certificate: user1.certificate },
          signer: user1.signer,
        });
        const preferred = load.peers()[0]!.name;
        const node = JSON.parse(readFileSync(DESCRIPTION!, 'utf8')) as {
          Members: { MspId: string; Nodes: { Id: string; Name: string }[] }[];
        };
        const peerName = node.Members.find((m) => m.MspId === 'Org1MSP')!.Nodes.find(
          (n) => n.Id === preferred,
        )!.Name;
        let duringStop: string | undefined;
        const stopped = (async () => {
          await sleep(3000);
          signalNode(home, `${peerName}-org1`, 'SIGSTOP');
          await sleep(12000);
          duringStop = load.peers().find((p) => p.name === preferred)!.state;
          signalNode(home, `${peerName}-org1`, 'SIGCONT');
          await sleep(3000);
        })();
        const calls = await putLoad(load, 8, stopped, `stall-${randomUUID()}`);
        await expectCommittedOnce(calls, from);
        expect(duringStop).to.equal('suspect');
      });

      it('settles every call committed once when the Raft leader is killed under load', async () => {
        const from = await chainHeight(conn);
        const load = connect({
          network,
          identity: { certificate: user1.certificate },
          signer: user1.signer,
        });
        const killed = (async () => {
          await sleep(3000);
          const leader = await raftLeader(portBase);
          signalNode(home, `orderer${leader}`, 'SIGKILL');
          // Long enough for a new election and the library's windows to resend what was lost.
          await sleep(20000);
        })();
        const calls = await putLoad(load, 8, killed, `leader-${randomUUID()}`);
        await expectCommittedOnce(calls, from);
      });

      it("commits through Org2's peers when both Org1 peers are down and other members are listed", async () => {
        const withOthers = await connection.loadNetworkDescription({
          path: DESCRIPTION!,
          member: 'Org1',
          includeOtherMembers: true,
        });
        const c = connect({
          network: withOthers,
          identity: { certificate: user1.certificate },
          signer: user1.signer,
        });
        const alone = connect({
          network,
          identity: { certificate: user1.certificate },
          signer: user1.signer,
        });
        signalNode(home, 'peer1-org1', 'SIGKILL');
        signalNode(home, 'peer2-org1', 'SIGKILL');
        const key = `fallback-${randomUUID()}`;
        const out = await c.submit({
          chaincode: 'kv',
          transaction: 'put',
          arguments: [key, 'org2'],
        });
        expect(out.submitAttempts).to.equal(1);
        expect(
          text(await c.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [key] })),
        ).to.equal('org2');
        const status = c.peers();
        expect(status.filter((p) => p.mspId === 'Org1MSP').every((p) => p.state === 'suspect')).to
          .be.true;
        expect(status.filter((p) => p.mspId === 'Org2MSP').every((p) => p.state === 'healthy')).to
          .be.true;

        const err = await rejection(
          alone.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [key] }),
        );
        if (!(err instanceof ConnectionError)) return expect.fail(String(err));
        expect(err.code).to.equal('UNAVAILABLE');
      });
    });
  },
);

if (DESCRIPTION === undefined) {
  console.warn('\n  !!! gateway integration tests SKIPPED: NETWORK_DESCRIPTION is not set !!!\n');
}
