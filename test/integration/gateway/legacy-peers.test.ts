/**
 * A peer without the Gateway service on the live network: one of Org1's peers is restarted with
 * PEER_GATEWAY_ENABLED=false (as a Fabric 2.2 peer on Amazon Managed Blockchain answers), and a
 * connection left on `transport: 'auto'` must find that out and carry evaluate, submit, offline
 * signing over the legacy services; the peer is restarted with the service
 * on afterwards.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import {
  TransactionError,
  connection,
  signers,
  type Connection,
  type NetworkConfig,
  type Signer,
} from '@oracle-consortium/gateway';
import { describedMembers, networkEnvFor, networkSh, type NetworkEnv } from '../../support/network';

const DESCRIPTION = process.env.NETWORK_DESCRIPTION;
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** Whether the peer answers the Gateway service, asked the way a client would meet it. */
async function gatewayAnswers(network: NetworkConfig): Promise<number> {
  const peer = network.peers[0]!;
  const client = new grpc.Client(
    `${peer.endpoint.address ?? peer.endpoint.hostname}:${peer.endpoint.port}`,
    grpc.credentials.createSsl(Buffer.from(peer.tlsRootCerts)),
    { 'grpc.ssl_target_name_override': peer.endpoint.hostname },
  );
  try {
    return await new Promise<number>((resolve) => {
      client.makeUnaryRequest(
        '/gateway.Gateway/Evaluate',
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => b,
        new Uint8Array(),
        { deadline: Date.now() + 10000 },
        (err) => {
          resolve(err?.code ?? grpc.status.OK);
        },
      );
    });
  } finally {
    client.close();
  }
}

(DESCRIPTION === undefined ? describe.skip : describe)(
  'legacy transport on a peer with the Gateway service off (live network)',
  function () {
    this.timeout(300000);
    let network: NetworkConfig;
    let signer: Signer;
    let certificate: string;
    let peerName: string;
    const open: Connection[] = [];

    before(async () => {
      const full = await connection.loadNetworkDescription({ path: DESCRIPTION!, member: 'Org1' });
      const org1 = describedMembers(DESCRIPTION!).find((m) => m.mspId === full.mspId)!;
      peerName = org1.peers[0]!;
      // Only the restarted peer: every call must go through it.
      network = { ...full, peers: full.peers.slice(0, 1) };
      const files = full.identities.user1!;
      certificate = readFileSync(files.certificatePath, 'utf8');
      signer = await signers.newFileSigner({ path: files.privateKeyPath });
      const env = networkEnvFor(DESCRIPTION!);
      await networkSh(env, 'stop', peerName);
      await networkSh({ ...env, PEER_GATEWAY_ENABLED: 'false' } as NetworkEnv, 'start', peerName);
    });

    after(async () => {
      for (const c of open.splice(0)) c.close();
      const env = networkEnvFor(DESCRIPTION!);
      await networkSh(env, 'stop', peerName);
      await networkSh(env, 'start', peerName);
    });

    const connect = (transport: 'auto' | 'gateway') => {
      const c = connection.connect({ network, identity: { certificate }, signer, transport });
      open.push(c);
      return c;
    };

    it('has the peer answer UNIMPLEMENTED for the Gateway service', async () => {
      expect(await gatewayAnswers(network)).to.equal(grpc.status.UNIMPLEMENTED);
    });

    it("picks the legacy transport in 'auto' and submits and evaluates through it", async () => {
      const c = connect('auto');
      const key = `legacy-${randomUUID()}`;
      const out = await c.submit({ chaincode: 'kv', transaction: 'put', arguments: [key, 'v1'] });
      expect(c.transport).to.equal('legacy');
      expect(out.submitAttempts).to.equal(1);
      expect(out.blockNumber > 0n).to.equal(true);
      const value = await c.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [key] });
      expect(text(value)).to.equal('v1');
    });

    it('signs offline through the legacy transport with the same four steps', async () => {
      const c = connect('auto');
      const key = `legacy-off-${randomUUID()}`;
      const p = c.offline.newProposal({
        chaincode: 'kv',
        transaction: 'put',
        arguments: [key, 'v2'],
      });
      const tx = await c.offline.endorse(p.bytes, await signer.sign(p.digest));
      const commit = await c.offline.submit(tx.bytes, await signer.sign(tx.digest));
      const status = await c.offline.commitStatus(commit.bytes, await signer.sign(commit.digest));
      expect(status.transactionId).to.equal(p.transactionId);
      const value = await c.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [key] });
      expect(text(value)).to.equal('v2');
    });

    it("fails a connection forced to 'gateway' with the peer's UNIMPLEMENTED answer", async () => {
      const c = connect('gateway');
      const err = await c.evaluate({ chaincode: 'kv', transaction: 'noop' }).then(
        () => expect.fail('expected a rejection'),
        (e: unknown) => e,
      );
      if (!(err instanceof TransactionError)) return expect.fail(String(err));
      expect(err.code).to.equal('EVALUATE_FAILED');
      expect(err.grpcStatus).to.equal(grpc.status.UNIMPLEMENTED);
    });
  },
);
