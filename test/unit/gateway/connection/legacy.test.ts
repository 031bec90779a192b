/**
 * The legacy transport (peers without the Gateway service) against in-process fake peers and
 * orderers over real gRPC and TLS: discovery parsing, endorser choice, endorsement agreement,
 * envelope assembly, broadcast failover and the rule that a signed envelope is never sent twice
 * without a commit-status check in between. Outcomes are asserted, never timings.
 */
import { expect } from 'chai';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { common, peer as peerProtos, gateway as gatewayProtos } from '@hyperledger/fabric-protos';
import {
  ConnectionError,
  ContractError,
  TransactionError,
  connection,
  signers,
  type Connection,
  type ConnectOptions,
} from '../../../../gateway/src';
import {
  parseDiscoveryResponse,
  type DiscoveryResult,
} from '../../../../gateway/src/connection/legacy/discovery';
import {
  checkAgreement,
  LegacyCallError,
  newTransaction,
  parseProposal,
  type EndorserAnswer,
} from '../../../../gateway/src/connection/legacy/messages';
import { endorseByPlan } from '../../../../gateway/src/connection/legacy/plan';
import { broadcast } from '../../../../gateway/src/orderer/broadcast';
import { FakeFabric, FakePeer, fakeTls } from '../../../support/gateway/fake-gateway';
import {
  FakeLegacyNetwork,
  FakeLegacyPeer,
  FakeOrderer,
  newDiscoveryResponse,
} from '../../../support/gateway/fake-legacy';
import { rejection } from '../../../support/refusal';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

function answer(address: string, mspId: string, payload: string, status = 200): EndorserAnswer {
  const response = new peerProtos.Response();
  response.setStatus(status);
  response.setMessage(status >= 400 ? `refused by ${address}` : '');
  response.setPayload(Buffer.from('result'));
  const endorsement = new peerProtos.Endorsement();
  endorsement.setEndorser(Buffer.from(mspId));
  endorsement.setSignature(Buffer.from(`sig ${address}`));
  const out = new peerProtos.ProposalResponse();
  out.setResponse(response);
  out.setPayload(Buffer.from(payload));
  out.setEndorsement(endorsement);
  return { address, mspId, response: out };
}

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

describe('legacy transport: messages and plans', () => {
  it('reads back the organisations, orderers, peers and layouts of a discovery answer', () => {
    const result: DiscoveryResult = {
      orgs: new Map([['Org1MSP', { mspId: 'Org1MSP', tlsRootCerts: fakeTls().cert }]]),
      orderers: [{ mspId: 'OrdererMSP', host: 'orderer1.example', port: 7050 }],
      peers: [{ endpoint: 'peer1.org1:7051', mspId: 'Org1MSP', ledgerHeight: 12n }],
      plan: {
        groups: new Map([
          ['G0', [{ endpoint: 'peer1.org1:7051', mspId: 'Org1MSP', ledgerHeight: 12n }]],
        ]),
        layouts: [new Map([['G0', 1]])],
      },
    };
    const parsed = parseDiscoveryResponse(newDiscoveryResponse(result), true);
    expect(parsed.orgs.get('Org1MSP')?.tlsRootCerts).to.contain('BEGIN CERTIFICATE');
    expect(parsed.orderers).to.deep.equal([
      { mspId: 'OrdererMSP', host: 'orderer1.example', port: 7050 },
    ]);
    expect(parsed.peers).to.deep.equal([
      { endpoint: 'peer1.org1:7051', mspId: 'Org1MSP', ledgerHeight: 12n },
    ]);
    expect([...(parsed.plan?.layouts[0] ?? [])]).to.deep.equal([['G0', 1]]);
    expect(parsed.plan?.groups.get('G0')?.[0]?.endpoint).to.equal('peer1.org1:7051');
  });

  it('refuses a discovery answer without the plan it asked for with FAILED_PRECONDITION', () => {
    const bytes = newDiscoveryResponse({ orgs: new Map(), orderers: [], peers: [] });
    const err = (() => {
      try {
        parseDiscoveryResponse(bytes, true);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    if (!(err instanceof LegacyCallError)) return expect.fail(String(err));
    expect(err.code).to.equal(9);
    expect(err.message).to.contain('2 of 3 queries');
  });

  it('rejects endorsements whose payloads differ, naming each peer', () => {
    const err = (() => {
      try {
        checkAgreement([
          answer('p1:1', 'Org1MSP', 'rwset A'),
          answer('p2:2', 'Org2MSP', 'rwset B'),
        ]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    if (!(err instanceof LegacyCallError)) return expect.fail(String(err));
    expect(err.code).to.equal(10);
    expect(err.details.map((d) => [d.address, d.mspId])).to.deep.equal([
      ['p1:1', 'Org1MSP'],
      ['p2:2', 'Org2MSP'],
    ]);
    expect(err.details[0]?.message).to.not.equal(err.details[1]?.message);
  });

  it('rejects an endorsement set with a refusal, carrying the refusing peer only', () => {
    const err = (() => {
      try {
        checkAgreement([answer('p1:1', 'Org1MSP', 'x'), answer('p2:2', 'Org2MSP', 'x', 500)]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    if (!(err instanceof LegacyCallError)) return expect.fail(String(err));
    expect(err.details).to.deep.equal([
      { address: 'p2:2', mspId: 'Org2MSP', message: 'refused by p2:2' },
    ]);
  });

  it('builds an envelope with every endorsement, the proposal header and no transient data', async () => {
    const fabric = new FakeFabric();
    const p = new FakePeer(fabric, 'p', 'Org1MSP');
    await p.start();
    const c = connection.connect({
      network: { channelName: 'ch', mspId: 'Org1MSP', peers: [p.config()], identities: {} },
      identity: { certificate: fakeTls().cert },
      transport: 'gateway',
    });
    try {
      const proposal = c.offline.newProposal({
        chaincode: 'kv',
        transaction: 'put',
        arguments: ['k'],
        transientData: { secret: 's3cret' },
      });
      const parsed = parseProposal(proposal.bytes, Buffer.from('client signature'));
      expect(parsed.hasTransientData).to.equal(true);
      expect(parsed.chaincodeName).to.equal('kv');
      const prepared = newTransaction(parsed, [
        answer('p1:1', 'Org1MSP', 'agreed'),
        answer('p2:2', 'Org2MSP', 'agreed'),
      ]);
      expect(text(prepared.result)).to.equal('result');
      const envelope = gatewayProtos.PreparedTransaction.deserializeBinary(
        prepared.bytes,
      ).getEnvelope();
      expect(
        Buffer.from(envelope!.getPayload_asU8()).equals(Buffer.from(prepared.payload)),
      ).to.equal(true);
      const payload = common.Payload.deserializeBinary(prepared.payload);
      expect(
        Buffer.from(payload.getHeader()!.serializeBinary()).equals(
          Buffer.from(parsed.proposal.getHeader_asU8()),
        ),
      ).to.equal(true);
      const action = peerProtos.Transaction.deserializeBinary(
        payload.getData_asU8(),
      ).getActionsList()[0]!;
      const cap = peerProtos.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
      expect(text(cap.getAction()!.getProposalResponsePayload_asU8())).to.equal('agreed');
      expect(
        cap
          .getAction()!
          .getEndorsementsList()
          .map((e) => text(e.getSignature_asU8())),
      ).to.deep.equal(['sig p1:1', 'sig p2:2']);
      const ledgerPayload = peerProtos.ChaincodeProposalPayload.deserializeBinary(
        cap.getChaincodeProposalPayload_asU8(),
      );
      expect((ledgerPayload.getTransientmapMap() as { getLength(): number }).getLength()).to.equal(
        0,
      );
      expect(Buffer.from(payload.serializeBinary()).toString('hex')).to.equal(
        Buffer.from(prepared.payload).toString('hex'),
      );
      expect(createHash('sha256').update(prepared.payload).digest()).to.have.length(32);
    } finally {
      c.close();
      p.stop();
    }
  });

  it('asks the own organisation first and replaces an unreachable peer from its group', async () => {
    const peer = (endpoint: string, mspId: string, height = 5n) => ({
      endpoint,
      mspId,
      ledgerHeight: height,
    });
    const plan = {
      groups: new Map([
        ['A', [peer('a1', 'Org1MSP'), peer('a2', 'Org1MSP', 9n)]],
        ['B', [peer('b1', 'Org2MSP')]],
        ['C', [peer('c1', 'Org3MSP')]],
      ]),
      layouts: [
        new Map([
          ['B', 1],
          ['C', 1],
        ]),
        new Map([
          ['A', 1],
          ['B', 1],
        ]),
      ],
    };
    const asked: string[] = [];
    const answers = await endorseByPlan(plan, { ownMspId: 'Org1MSP', first: 'a1' }, (p) => {
      asked.push(p.endpoint);
      if (p.endpoint === 'a1') return Promise.resolve({ kind: 'fault', message: 'down' });
      return Promise.resolve({ kind: 'answer', answer: answer(p.endpoint, p.mspId, 'x') });
    });
    expect(asked).to.deep.equal(['a1', 'b1', 'a2']);
    expect(answers.map((a) => a.address).sort()).to.deep.equal(['a2', 'b1']);
  });

  it('fails with UNAVAILABLE, every peer named, when no endorser could be reached', async () => {
    const plan = {
      groups: new Map([['A', [{ endpoint: 'a1', mspId: 'Org1MSP', ledgerHeight: 0n }]]]),
      layouts: [new Map([['A', 1]])],
    };
    const err = await rejection(
      endorseByPlan(plan, { ownMspId: 'Org1MSP' }, () =>
        Promise.resolve({ kind: 'fault', message: 'connection refused' }),
      ),
    );
    if (!(err instanceof LegacyCallError)) return expect.fail(String(err));
    expect(err.code).to.equal(14);
    expect(err.details).to.deep.equal([
      { address: 'a1', mspId: '', message: 'connection refused' },
    ]);
  });

  it('fails with ABORTED when a layout cannot be met although the coordinator answered', async () => {
    const plan = {
      groups: new Map([
        ['A', [{ endpoint: 'a1', mspId: 'Org1MSP', ledgerHeight: 0n }]],
        ['B', [{ endpoint: 'b1', mspId: 'Org2MSP', ledgerHeight: 0n }]],
      ]),
      layouts: [
        new Map([
          ['A', 1],
          ['B', 1],
        ]),
      ],
    };
    const err = await rejection(
      endorseByPlan(plan, { ownMspId: 'Org1MSP', first: 'a1' }, (p) =>
        Promise.resolve(
          p.endpoint === 'a1'
            ? { kind: 'answer', answer: answer('a1', 'Org1MSP', 'x') }
            : { kind: 'fault', message: 'b1 down' },
        ),
      ),
    );
    if (!(err instanceof LegacyCallError)) return expect.fail(String(err));
    expect(err.code).to.equal(10);
    expect(err.details.map((d) => d.address)).to.deep.equal(['a1', 'b1']);
  });
});

describe('legacy transport against fake peers and orderers', function () {
  this.timeout(30000);
  let net: FakeLegacyNetwork;
  const open: Connection[] = [];

  async function setUp(peers: [string, string][], orderers = 2) {
    net = new FakeLegacyNetwork();
    for (const [name, msp] of peers) await new FakeLegacyPeer(net, name, msp).start();
    for (let i = 1; i <= orderers; i++) await new FakeOrderer(net, `o${i}`).start();
  }

  function connect(extra: Partial<ConnectOptions> = {}, own = 'Org1MSP'): Connection {
    const c = connection.connect({
      network: {
        channelName: 'fake-channel',
        mspId: own,
        peers: net.peers.filter((p) => p.mspId === own).map((p) => p.config()),
        orderers: net.ordererConfig(),
        identities: {},
      },
      identity: { certificate: fakeTls().cert },
      signer: signers.newPemSigner({ pem: key }),
      transport: 'legacy',
      timeouts: {
        evaluateMs: 1000,
        endorseMs: 1000,
        submitMs: 1000,
        commitWindowMs: 500,
        statusProbeMs: 250,
        commitStatusMs: 8000,
      },
      failover: { initialBackoffMs: 2000, maxBackoffMs: 4000, orderingRetryMs: 50 },
      ...extra,
    });
    open.push(c);
    return c;
  }

  afterEach(() => {
    for (const c of open.splice(0)) c.close();
    net.stop();
  });

  it('submits through discovery, endorsers of both organisations, broadcast and a filtered block stream', async () => {
    await setUp([
      ['p1', 'Org1MSP'],
      ['p2', 'Org2MSP'],
    ]);
    const c = connect();
    const out = await c.submit({ chaincode: 'kv', transaction: 'put', arguments: ['k', 'v'] });
    expect(text(out.result)).to.equal('put ok');
    expect(out.submitAttempts).to.equal(1);
    expect(out.blockNumber).to.equal(0n);
    expect(net.peers.map((p) => p.proposals)).to.deep.equal([1, 1]);
    expect(net.orderers[0]!.received.map((r) => r.transactionId)).to.deep.equal([
      out.transactionId,
    ]);
    expect(net.fabric.copies(out.transactionId)).to.equal(1);
    expect(c.transport).to.equal('legacy');
  });

  it('evaluates on one own peer without discovery', async () => {
    await setUp([
      ['p1', 'Org1MSP'],
      ['p2', 'Org2MSP'],
    ]);
    const c = connect();
    expect(text(await c.evaluate({ chaincode: 'kv', transaction: 'get' }))).to.equal('get ok');
    expect(net.peers.map((p) => [p.proposals, p.discoveries])).to.deep.equal([
      [1, 0],
      [0, 0],
    ]);
  });

  it('reports disagreeing endorsers as ENDORSE_FAILED with each peer in details', async () => {
    await setUp([
      ['p1', 'Org1MSP'],
      ['p2', 'Org2MSP'],
    ]);
    net.peers[1]!.divergent = true;
    const err = await rejection(connect().submit({ chaincode: 'kv', transaction: 'put' }));
    if (!(err instanceof TransactionError)) return expect.fail(String(err));
    expect(err.code).to.equal('ENDORSE_FAILED');
    expect(err.details.map((d) => d.mspId).sort()).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect(net.orderers[0]!.received).to.deep.equal([]);
  });

  it("maps a chaincode's coded refusal on another member's endorser to ContractError", async () => {
    await setUp([
      ['p1', 'Org1MSP'],
      ['p2', 'Org2MSP'],
    ]);
    net.peers[1]!.refuse = { status: 500, message: '[FEED_NOT_FOUND] feed eth-usd does not exist' };
    const err = await rejection(connect().submit({ chaincode: 'kv', transaction: 'put' }));
    if (!(err instanceof ContractError)) return expect.fail(String(err));
    expect(err.chaincodeCode).to.equal('FEED_NOT_FOUND');
    expect(err.details.map((d) => d.mspId)).to.deep.equal(['Org2MSP']);
  });

  it('asks a peer still simulating an earlier copy of the proposal again, and commits once', async () => {
    await setUp([
      ['p1', 'Org1MSP'],
      ['p2', 'Org2MSP'],
    ]);
    // Fabric's answer when a copy sent by an attempt that gave up at its deadline is still running.
    net.peers[0]!.stillSimulating = 2;
    const c = connect();
    const out = await c.submit({ chaincode: 'kv', transaction: 'put', arguments: ['k', 'v'] });
    expect(text(out.result)).to.equal('put ok');
    expect(net.peers.map((p) => p.proposals)).to.deep.equal([3, 1]);
    expect(net.fabric.copies(out.transactionId)).to.equal(1);
    // An evaluation meets the same answer the same way.
    net.peers[0]!.stillSimulating = 1;
    expect(text(await c.evaluate({ chaincode: 'kv', transaction: 'get' }))).to.equal('get ok');
  });

  it('fails a peer still simulating past the stage deadline as stalled, naming the peer', async () => {
    await setUp([['p1', 'Org1MSP']]);
    net.peers[0]!.stillSimulating = 1000;
    const err = await rejection(connect().evaluate({ chaincode: 'kv', transaction: 'get' }));
    if (!(err instanceof ConnectionError)) return expect.fail(String(err));
    expect(err.code).to.equal('UNAVAILABLE');
    expect(err.message, err.message).to.match(/still simulating an earlier copy of this proposal/);
  });

  it('moves to the next orderer after SERVICE_UNAVAILABLE and orders the envelope once', async () => {
    await setUp([['p1', 'Org1MSP']]);
    net.orderers[0]!.script.push('unavailable');
    const out = await connect().submit({ chaincode: 'kv', transaction: 'put' });
    expect(net.orderers.map((o) => o.received.length)).to.deep.equal([1, 1]);
    expect(net.fabric.copies(out.transactionId)).to.equal(1);
  });

  it('does not hand an envelope to a second orderer after the first went silent with it', async () => {
    await setUp([['p1', 'Org1MSP']]);
    const o1 = net.orderers[0]!;
    o1.script.push('silent');
    const [envelopeSource] = [await signedEnvelopeBytes()];
    const err = await rejection(broadcast(envelopeSource, net.ordererConfig(), { timeoutMs: 300 }));
    if (!(err instanceof ConnectionError)) return expect.fail(String(err));
    expect(err.code).to.equal('TIMEOUT');
    expect(err.message).to.contain('may have received it');
    expect(net.orderers[1]!.received).to.deep.equal([]);
  });

  it('reads the commit status before sending the same envelope again after a silent orderer', async () => {
    await setUp([
      ['p1', 'Org1MSP'],
      ['p1b', 'Org1MSP'],
    ]);
    net.orderers[0]!.script.push('silent');
    const out = await connect().submit({ chaincode: 'kv', transaction: 'put' });
    // The silent orderer ordered the first copy: the status read finds it and nothing is resent.
    expect(net.fabric.copies(out.transactionId)).to.equal(1);
    const broadcasts = net.log.filter((l) => l.startsWith('broadcast'));
    expect(broadcasts).to.have.length(1);
    expect(net.log.indexOf(broadcasts[0]!)).to.be.lessThan(
      net.log.findIndex((l) => l.startsWith('status')),
    );
  });

  it('refuses an envelope the orderer rejects with SUBMIT_FAILED and sends it nowhere else', async () => {
    await setUp([['p1', 'Org1MSP']]);
    net.orderers[0]!.mode = 'bad-request';
    const err = await rejection(connect().submit({ chaincode: 'kv', transaction: 'put' }));
    if (!(err instanceof TransactionError)) return expect.fail(String(err));
    expect(err.code).to.equal('SUBMIT_FAILED');
    expect(err.message).to.contain('BAD_REQUEST');
    expect(net.orderers[1]!.received).to.deep.equal([]);
  });

  it('signs offline: the same four steps, with a qscc status request that needs no ledger height', async () => {
    await setUp([
      ['p1', 'Org1MSP'],
      ['p2', 'Org2MSP'],
    ]);
    const c = connect();
    const signer = signers.newPemSigner({ pem: key });
    const p = c.offline.newProposal({ chaincode: 'kv', transaction: 'put' });
    const tx = await c.offline.endorse(p.bytes, await signer.sign(p.digest));
    const commit = await c.offline.submit(tx.bytes, await signer.sign(tx.digest));
    expect(commit.transactionId).to.equal(p.transactionId);
    const status = await c.offline.commitStatus(commit.bytes, await signer.sign(commit.digest));
    expect(status).to.deep.equal({ blockNumber: 0n, transactionId: p.transactionId });
  });

  it("picks the legacy transport in 'auto' when the peer answers UNIMPLEMENTED, probing once", async () => {
    await setUp([['p1', 'Org1MSP']]);
    const c = connect({ transport: 'auto' });
    expect(c.transport).to.equal('auto');
    await Promise.all([
      c.evaluate({ chaincode: 'kv', transaction: 'get' }),
      c.evaluate({ chaincode: 'kv', transaction: 'get' }),
    ]);
    expect(c.transport).to.equal('legacy');
    expect(net.peers[0]!.proposals).to.equal(2);
  });

  it("keeps the Gateway transport in 'auto' when the peer has the Gateway service", async () => {
    await setUp([['p1', 'Org1MSP']]);
    const fabric = new FakeFabric();
    const g = new FakePeer(fabric, 'g', 'Org1MSP');
    await g.start();
    try {
      const c = connection.connect({
        network: {
          channelName: 'fake-channel',
          mspId: 'Org1MSP',
          peers: [g.config()],
          identities: {},
        },
        identity: { certificate: fakeTls().cert },
        signer: signers.newPemSigner({ pem: key }),
        transport: 'auto',
      });
      open.push(c);
      expect(text(await c.evaluate({ chaincode: 'kv', transaction: 'get' }))).to.equal(
        'evaluated by g',
      );
      expect(c.transport).to.equal('gateway');
    } finally {
      g.stop();
    }
  });

  it('refuses an unknown transport option with INVALID_CONFIG', async () => {
    await setUp([['p1', 'Org1MSP']]);
    const err = await rejection(
      Promise.resolve().then(() => connect({ transport: 'grpc' as unknown as 'auto' })),
    );
    if (!(err instanceof Error)) return expect.fail(String(err));
    expect(err).to.have.property('code', 'INVALID_CONFIG');
    expect(err.message).to.contain('transport grpc');
  });

  /** A signed envelope, built by a legacy connection's own endorse step. */
  async function signedEnvelopeBytes(): Promise<Uint8Array> {
    const c = connect();
    const signer = signers.newPemSigner({ pem: key });
    const p = c.offline.newProposal({ chaincode: 'kv', transaction: 'put' });
    const tx = await c.offline.endorse(p.bytes, await signer.sign(p.digest));
    const envelope = new common.Envelope();
    envelope.setPayload(
      gatewayProtos.PreparedTransaction.deserializeBinary(tx.bytes)
        .getEnvelope()!
        .getPayload_asU8(),
    );
    envelope.setSignature(await signer.sign(tx.digest));
    return envelope.serializeBinary();
  }
});
