/**
 * The connection's recovery behaviour against in-process fake Gateway peers over real gRPC and TLS:
 * lost and duplicated envelopes, stalled stages, an unavailable ordering service, dead peers and
 * other members' peers as fallback. Deadlines are short so stalls end quickly; the tests assert
 * outcomes (what settled, how often, through which peer), never how long anything took.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  ConnectionError,
  TransactionError,
  connection,
  signers,
  type Connection,
  type ConnectOptions,
} from '../../../../gateway/src';
import { FakeFabric, FakePeer, fakeTls } from '../../../support/gateway/fake-gateway';
import { rejection } from '../../../support/refusal';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('gateway connection recovery (fake Gateway peers)', function () {
  this.timeout(30000);
  let fabric: FakeFabric;
  let peers: FakePeer[];
  const open: Connection[] = [];
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;

  async function start(...specs: [string, string][]): Promise<FakePeer[]> {
    peers = specs.map(([name, msp]) => new FakePeer(fabric, name, msp));
    for (const p of peers) await p.start();
    return peers;
  }

  function connect(extra: Partial<ConnectOptions> = {}): Connection {
    const c = connection.connect({
      network: {
        channelName: 'fake-channel',
        mspId: 'Org1MSP',
        peers: peers.map((p) => p.config()),
        identities: {},
      },
      identity: { certificate: fakeTls().cert },
      signer: signers.newPemSigner({ pem: key }),
      transport: 'gateway',
      timeouts: {
        // Long enough for a healthy in-process peer on a loaded machine, short enough that a stall
        // ends quickly.
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

  const put = (c: Connection, k = 'k') =>
    c.submit({ chaincode: 'kv', transaction: 'put', arguments: [k, 'v'] });

  beforeEach(() => {
    fabric = new FakeFabric();
  });
  afterEach(() => {
    open.splice(0).forEach((c) => {
      c.close();
    });
    peers.forEach((p) => {
      p.stop();
    });
  });

  it('resends the identical envelope through another peer when the first copy is lost, and commits once', async () => {
    await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    fabric.script.push('lose');
    const out = await put(connect());
    expect(out.submitAttempts).to.equal(2);
    expect(fabric.received.map((r) => r.via)).to.deep.equal(['p1', 'p2']);
    expect(
      Buffer.from(fabric.received[1]!.envelope).equals(Buffer.from(fabric.received[0]!.envelope)),
    ).to.be.true;
    expect(fabric.copies(out.transactionId)).to.equal(1);
    expect(out.blockNumber).to.equal(0n);
  });

  it("reports the first copy's outcome when both copies were ordered", async () => {
    await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    fabric.script.push('late');
    const out = await put(connect());
    expect(fabric.blocks).to.deep.equal([
      { transactionId: out.transactionId, code: 0 },
      { transactionId: out.transactionId, code: 9 },
    ]);
    expect(out.blockNumber).to.equal(0n);
    expect(out.submitAttempts).to.equal(2);
  });

  it('fails COMMIT_FAILED with the first copy’s validation code when the later copy is a duplicate', async () => {
    await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    fabric.validationCode = 11;
    fabric.script.push('late');
    const err = await rejection(put(connect()));
    if (!(err instanceof TransactionError)) return expect.fail(String(err));
    expect(err.code).to.equal('COMMIT_FAILED');
    expect(err.validationCode).to.equal('MVCC_READ_CONFLICT');
    expect(fabric.blocks.map((b) => b.code)).to.deep.equal([11, 9]);
  });

  it('reads the status again when a peer answers DUPLICATE_TXID, and reports the first copy', async () => {
    const [p1] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    p1!.duplicateAnswers = 1;
    const out = await put(connect());
    expect(out.submitAttempts).to.equal(1);
    expect(fabric.copies(out.transactionId)).to.equal(1);
    expect(peers[1]!.calls).to.include('commitStatus');
  });

  it('asks again for an endorsement whose endorsers disagreed (a peer a block behind), and commits once', async () => {
    const [p1] = await start(['p1', 'Org1MSP']);
    p1!.disagreements = 2;
    const out = await put(connect());
    expect(text(out.result)).to.equal('endorsed by p1');
    expect(p1!.calls.filter((s) => s === 'endorse')).to.have.length(3);
    expect(fabric.copies(out.transactionId)).to.equal(1);
  });
  it('gives up on endorsers that keep disagreeing, with the disagreement, having ordered nothing', async () => {
    const [p1] = await start(['p1', 'Org1MSP']);
    p1!.disagreements = 10;
    const err = await rejection(put(connect()));
    expect(err).to.be.instanceOf(TransactionError);
    expect((err as TransactionError).message).to.contain('ProposalResponsePayloads do not match');
    expect(p1!.calls.filter((s) => s === 'endorse')).to.have.length(4);
    expect(fabric.received).to.have.length(0);
  });
  it('fails over a stalled endorse to the next peer and marks the stalled one suspect', async () => {
    const [p1] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    p1!.stalled.add('endorse');
    const c = connect();
    const out = await put(c);
    expect(text(out.result)).to.equal('endorsed by p2');
    expect(fabric.copies(out.transactionId)).to.equal(1);
    expect(c.peers().find((s) => s.name === 'p1')).to.include({ state: 'suspect', failures: 1 });
  });

  it('fails over a stalled evaluate to the next peer', async () => {
    const [p1] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    p1!.stalled.add('evaluate');
    const out = await connect().evaluate({ chaincode: 'kv', transaction: 'get', arguments: ['k'] });
    expect(text(out)).to.equal('evaluated by p2');
  });

  it('reads the commit from another peer when the status wait stalls, without resending, and suspects the stalled peer', async () => {
    const [p1, p2] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    p1!.stalled.add('commitStatus');
    const c = connect();
    const out = await put(c);
    expect(out.submitAttempts).to.equal(1);
    expect(fabric.received).to.have.length(1);
    expect(p2!.calls).to.deep.equal(['commitStatus']);
    expect(c.peers().find((s) => s.name === 'p1')).to.include({ state: 'suspect', failures: 1 });
  });

  it('resends through the next peer when a submit stalls, and commits once', async () => {
    const [p1] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    p1!.stalled.add('submit');
    const out = await put(connect());
    expect(out.submitAttempts).to.equal(2);
    expect(fabric.received.map((r) => r.via)).to.deep.equal(['p2']);
    expect(fabric.copies(out.transactionId)).to.equal(1);
  });

  it('keeps resending while the ordering service refuses, and commits once it takes the envelope', async () => {
    await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    fabric.script.push('unavailable', 'unavailable', 'unavailable');
    const out = await put(connect());
    expect(out.submitAttempts).to.equal(4);
    expect(fabric.copies(out.transactionId)).to.equal(1);
    const envelopes = new Set(fabric.received.map((r) => Buffer.from(r.envelope).toString('hex')));
    expect(envelopes.size).to.equal(1);
  });

  it('ends with COMMIT_STATUS_UNKNOWN at the overall deadline while the ordering service stays down', async () => {
    await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    fabric.ordererMode = 'unavailable';
    const c = connect({
      timeouts: {
        endorseMs: 1000,
        submitMs: 1000,
        commitWindowMs: 100,
        statusProbeMs: 50,
        commitStatusMs: 800,
      },
    });
    const err = await rejection(put(c));
    if (!(err instanceof TransactionError)) return expect.fail(String(err));
    expect(err.code).to.equal('COMMIT_STATUS_UNKNOWN');
    expect(err.transactionId).to.match(/^[0-9a-f]{64}$/);
    expect(fabric.blocks).to.have.length(0);
    expect(c.peers().every((s) => s.state === 'healthy')).to.be.true;
  });

  it('fails UNAVAILABLE having sent nothing when every peer is down', async () => {
    await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    const c = connect();
    peers.forEach((p) => {
      p.stop();
    });
    const err = await rejection(put(c));
    if (!(err instanceof ConnectionError)) return expect.fail(String(err));
    expect(err.code).to.equal('UNAVAILABLE');
    expect(fabric.received).to.have.length(0);
  });

  it("falls back to another member's peer when all of the member's own are down", async () => {
    const [p1, p2] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP'], ['o2', 'Org2MSP']);
    const c = connect();
    p1!.stop();
    p2!.stop();
    const out = await put(c);
    expect(fabric.received.map((r) => r.via)).to.deep.equal(['o2']);
    expect(fabric.copies(out.transactionId)).to.equal(1);
    expect(
      text(await c.evaluate({ chaincode: 'kv', transaction: 'get', arguments: ['k'] })),
    ).to.equal('evaluated by o2');
  });

  it("keeps a request with transient data off other members' peers", async () => {
    const [p1, p2, o2] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP'], ['o2', 'Org2MSP']);
    const c = connect();
    p1!.stop();
    p2!.stop();
    const err = await rejection(
      c.submit({ chaincode: 'kv', transaction: 'put', transientData: { secret: 's' } }),
    );
    if (!(err instanceof ConnectionError)) return expect.fail(String(err));
    expect(err.code).to.equal('UNAVAILABLE');
    expect(o2!.calls).to.deep.equal([]);
  });

  it('settles each of 24 concurrent submits exactly once while the preferred peer stalls every stage', async () => {
    const [p1] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    const c = connect();
    await put(c, 'warm');
    (['endorse', 'submit', 'commitStatus', 'evaluate'] as const).forEach((s) => p1!.stalled.add(s));
    const results = await Promise.allSettled(Array.from({ length: 24 }, (_, i) => put(c, `k${i}`)));
    const ids = results.map((r) =>
      r.status === 'fulfilled' ? r.value.transactionId : String(r.reason),
    );
    expect(results.filter((r) => r.status === 'rejected')).to.deep.equal([]);
    expect(new Set(ids).size).to.equal(24);
    for (const id of ids) expect(fabric.copies(id)).to.equal(1);
    expect(c.peers().find((s) => s.name === 'p1')).to.include({ state: 'suspect', failures: 1 });
  });

  it('counts 32 concurrent failures against a stopped peer as one backoff step', async () => {
    const [p1] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    const c = connect();
    p1!.stop();
    const out = await Promise.all(
      Array.from({ length: 32 }, () => c.evaluate({ chaincode: 'kv', transaction: 'get' })),
    );
    expect(out.map(text)).to.deep.equal(Array.from({ length: 32 }, () => 'evaluated by p2'));
    expect(c.peers().find((s) => s.name === 'p1')).to.include({ state: 'suspect', failures: 1 });
  });

  it('signs offline step by step and reads the commit from another peer when the first stalls', async () => {
    const [p1] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    p1!.stalled.add('commitStatus');
    const c = connect({ signer: undefined });
    const sign = signers.newPemSigner({ pem: key });
    const p = c.offline.newProposal({ chaincode: 'kv', transaction: 'put', arguments: ['k', 'v'] });
    const t = await c.offline.endorse(p.bytes, await sign.sign(p.digest));
    expect(text(t.result)).to.equal('endorsed by p1');
    const commit = await c.offline.submit(t.bytes, await sign.sign(t.digest));
    expect(commit.transactionId).to.equal(p.transactionId);
    const status = await c.offline.commitStatus(commit.bytes, await sign.sign(commit.digest));
    expect(status).to.deep.equal({ blockNumber: 0n, transactionId: p.transactionId });
    expect(fabric.copies(p.transactionId)).to.equal(1);
  });

  it('ends an offline submit COMMIT_STATUS_UNKNOWN after a send that may have gone out, and the same envelope then commits once', async () => {
    const [p1] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    p1!.stalled.add('submit');
    const c = connect({ signer: undefined });
    const sign = signers.newPemSigner({ pem: key });
    const p = c.offline.newProposal({ chaincode: 'kv', transaction: 'put', arguments: ['k', 'v'] });
    const t = await c.offline.endorse(p.bytes, await sign.sign(p.digest));
    const signature = await sign.sign(t.digest);
    const err = await rejection(c.offline.submit(t.bytes, signature));
    if (!(err instanceof TransactionError)) return expect.fail(String(err));
    expect(err.code).to.equal('COMMIT_STATUS_UNKNOWN');
    expect(err.transactionId).to.equal(p.transactionId);
    expect(err.message)
      .to.contain(`:${String(p1!.config().endpoint.port)}`)
      .and.contain('offline.commitRequest');
    // Not sent again through p2: the caller decides, knowing the id.
    expect(fabric.received).to.deep.equal([]);
    // The same signed envelope again (p1 is suspect now, so p2 takes it), then its status.
    const commit = await c.offline.submit(t.bytes, signature);
    expect(fabric.received.map((r) => r.via)).to.deep.equal(['p2']);
    const asked = c.offline.commitRequest(p.transactionId);
    expect(Buffer.from(asked.bytes)).to.deep.equal(Buffer.from(commit.bytes));
    const status = await c.offline.commitStatus(asked.bytes, await sign.sign(asked.digest));
    expect(status).to.deep.equal({ blockNumber: 0n, transactionId: p.transactionId });
    expect(fabric.copies(p.transactionId)).to.equal(1);
  });

  it('moves an offline submit to the next peer when nothing reached the first, and reports the orderers unavailable as unknown', async () => {
    const [p1] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP']);
    p1!.stop();
    const c = connect({ signer: undefined });
    const sign = signers.newPemSigner({ pem: key });
    const send = async () => {
      const p = c.offline.newProposal({ chaincode: 'kv', transaction: 'put' });
      const t = await c.offline.endorse(p.bytes, await sign.sign(p.digest));
      return { id: p.transactionId, sent: c.offline.submit(t.bytes, await sign.sign(t.digest)) };
    };
    const first = await send();
    expect((await first.sent).transactionId).to.equal(first.id);
    expect(fabric.received.map((r) => r.via)).to.deep.equal(['p2']);
    fabric.script.push('unavailable');
    const second = await send();
    const err = await rejection(second.sent);
    if (!(err instanceof TransactionError)) return expect.fail(String(err));
    expect(err.code).to.equal('COMMIT_STATUS_UNKNOWN');
    expect(err.transactionId).to.equal(second.id);
    expect(() => c.offline.commitRequest('not-an-id')).to.throw(/64 hex digits.*'not-an-id'/);
  });

  it("keeps an offline proposal with transient data off other members' peers", async () => {
    const [p1, p2, o2] = await start(['p1', 'Org1MSP'], ['p2', 'Org1MSP'], ['o2', 'Org2MSP']);
    const c = connect();
    const sign = signers.newPemSigner({ pem: key });
    p1!.stop();
    p2!.stop();
    const p = c.offline.newProposal({
      chaincode: 'kv',
      transaction: 'put',
      transientData: { secret: 's' },
    });
    const err = await rejection(c.offline.endorse(p.bytes, await sign.sign(p.digest)));
    if (!(err instanceof ConnectionError)) return expect.fail(String(err));
    expect(err.code).to.equal('UNAVAILABLE');
    expect(o2!.calls).to.deep.equal([]);
    const plain = c.offline.newProposal({ chaincode: 'kv', transaction: 'get' });
    expect(text(await c.offline.evaluate(plain.bytes, await sign.sign(plain.digest)))).to.equal(
      'evaluated by o2',
    );
  });

  it('hands event streams gateways that sign their own requests', async () => {
    const [p1] = await start(['p1', 'Org1MSP']);
    const c = connect();
    const events = await c.preferredEventSources()[0]!.events('kv', {
      getBlockNumber: () => undefined,
      getTransactionId: () => undefined,
    });
    // The fake ends the stream at once; reading it waits for the request to have been sent.
    await events[Symbol.asyncIterator]().next();
    events.close();
    expect(p1!.eventRequests).to.have.length(1);
    expect(p1!.eventRequests[0]!.length).to.be.greaterThan(0);
  });

  it('refuses a deadline that is not a positive number with INVALID_CONFIG', async () => {
    await start(['p1', 'Org1MSP']);
    const err = await rejection(
      Promise.resolve().then(() => connect({ timeouts: { commitWindowMs: 0 } })),
    );
    expect(err).to.have.property('code', 'INVALID_CONFIG');
    expect((err as Error).message).to.contain('timeouts.commitWindowMs');
  });

  it("hands out whole messages for an Ed25519 identity's offline signatures, and refuses a signer of another key type", async () => {
    await start(['p1', 'Org1MSP']);
    const certificate = execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ed25519',
        '-nodes',
        '-keyout',
        '/dev/null',
        '-subj',
        '/CN=ed-user',
        '-days',
        '1',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const offline = connect({ identity: { certificate }, signer: undefined });
    const p = offline.offline.newProposal({ chaincode: 'kv', transaction: 'get' });
    // The proposal itself (carried inside the bytes sent), not a 32-byte SHA-256 digest of it.
    expect(p.digest.length).to.be.greaterThan(32);
    expect(Buffer.from(p.bytes).includes(Buffer.from(p.digest))).to.equal(true);
    const ec = connect({ signer: undefined }).offline.newProposal({
      chaincode: 'kv',
      transaction: 'get',
    });
    expect(ec.digest).to.have.length(32);
    const err = await rejection(
      Promise.resolve().then(() => connect({ identity: { certificate } })),
    );
    expect(err).to.have.property('code', 'INVALID_CONFIG');
    expect((err as Error).message)
      .to.contain('ECDSA_P256')
      .and.contain('ed25519');
  });

  it('cancels what is in flight on close: a stalled evaluate ends CLOSED, a submit waiting for its commit COMMIT_STATUS_UNKNOWN', async () => {
    const [p1] = await start(['p1', 'Org1MSP']);
    // Stage deadlines and commit window far beyond the test: only the close can end the calls.
    const c = connect({
      timeouts: { evaluateMs: 60000, commitWindowMs: 60000, commitStatusMs: 120000 },
    });
    p1!.stalled.add('evaluate');
    p1!.stalled.add('commitStatus');
    const started = Date.now();
    const evaluating = rejection(c.evaluate({ chaincode: 'kv', transaction: 'get' }));
    const submitting = rejection(put(c));
    await new Promise((r) => setTimeout(r, 500));
    c.close();
    const [evaluated, submitted] = await Promise.all([evaluating, submitting]);
    expect(Date.now() - started, 'ended by the close, not by a deadline').to.be.below(20000);
    expect(evaluated).to.be.instanceOf(ConnectionError);
    expect(evaluated).to.have.property('code', 'CLOSED');
    if (!(submitted instanceof TransactionError)) return expect.fail(String(submitted));
    expect(submitted.code).to.equal('COMMIT_STATUS_UNKNOWN');
    expect(submitted.message).to.contain('the connection was closed');
  });

  it('refuses keepalive settings that are not numbers, or ping too often, with INVALID_CONFIG', async () => {
    await start(['p1', 'Org1MSP']);
    // What `Number(process.env.UNSET)` gives.
    for (const [keepalive, named] of [
      [{ timeMs: Number.NaN }, 'keepalive.timeMs NaN'],
      [{ timeoutMs: Number.NaN }, 'keepalive.timeoutMs NaN'],
      [{ timeoutMs: -1 }, 'keepalive.timeoutMs -1'],
      [{ timeMs: 30000 }, 'keepalive.timeMs 30000 is below 120000'],
    ] as const) {
      const err = await rejection(Promise.resolve().then(() => connect({ keepalive })));
      expect(err, named).to.have.property('code', 'INVALID_CONFIG');
      expect((err as Error).message).to.contain(named);
    }
  });
});
