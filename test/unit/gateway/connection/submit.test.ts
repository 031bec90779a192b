/**
 * The submit state machine's bookkeeping of peer health, with in-memory transports: what a send
 * proves about the peer it went through depends on the wire. Through the Gateway service the peer
 * itself takes the envelope; on the legacy wire the client hands it to the orderers, so the
 * orderers' answer says nothing about a stalled peer.
 */
import { expect } from 'chai';
import { ConnectionError, TransactionError } from '../../../../gateway/src/errors';
import { PeerPool, type PoolPeer } from '../../../../gateway/src/connection/peer-pool';
import {
  isOrderingUnavailable,
  isPeerFault,
  translateFor,
} from '../../../../gateway/src/connection/stages';
import { sendFailure, settleSend, submitAndWait } from '../../../../gateway/src/connection/submit';
import type { CommitStatusAnswer, Transport } from '../../../../gateway/src/connection/transport';

/** A transport whose submit is taken at once and whose status read reports the pool's view first. */
function transport(endpoint: string, kind: Transport['kind'], onStatus: () => void): Transport {
  const never = () => Promise.reject(new Error('not called in submit tests'));
  return {
    endpoint,
    kind,
    evaluate: never,
    endorse: never,
    submit: () => Promise.resolve(),
    commitStatus: (): Promise<CommitStatusAnswer> => {
      onStatus();
      return Promise.resolve({ transactionId: 'tx1', blockNumber: 5n, code: 0 });
    },
    chaincodeEvents: never,
    close: () => undefined,
  };
}

/** A pool of one peer, p1, reached through the given transport, with no backoff. */
function poolOf(t: Transport): PeerPool {
  return new PeerPool(
    [
      {
        config: {
          name: 'p1',
          mspId: 'Org1MSP',
          endpoint: { hostname: t.endpoint.split(':')[0]!, port: 7051 },
          tlsRootCerts: '',
        },
        transport: t,
      },
    ],
    'Org1MSP',
    { initialBackoffMs: 0, maxBackoffMs: 0 },
  );
}

/** The state of a suspect peer as the status read after its send sees it. */
async function stateAfterSend(kind: Transport['kind']): Promise<string | undefined> {
  let seen: string | undefined;
  const pool: PeerPool = poolOf(
    transport('p1.local:7051', kind, () => {
      seen = pool.status().find((s) => s.name === 'p1')?.state;
    }),
  );
  // A stalled endorsement made p1 suspect; its backoff of 0 lets the next call probe it.
  pool.failed(pool.all[0]!, Date.now());
  const bytes = { bytes: new Uint8Array([1]), signature: new Uint8Array([2]) };
  const settled = await submitAndWait(
    {
      pool,
      timings: {
        submitMs: 1000,
        commitStatusMs: 5000,
        commitWindowMs: 500,
        statusProbeMs: 250,
        orderingRetryMs: 50,
      },
      isClosed: () => false,
    },
    { transactionId: 'tx1', transaction: bytes, commit: bytes, foreign: false },
  );
  expect(settled).to.deep.equal({
    status: { transactionId: 'tx1', blockNumber: 5n, code: 0 },
    attempts: 1,
  });
  return seen;
}

describe('gateway submit state machine: peer health', () => {
  it('counts a send taken by the peer (Gateway service) as the peer answering', async () => {
    expect(await stateAfterSend('gateway')).to.equal('healthy');
  });

  it('keeps a suspect peer suspect when the orderers took a legacy send made through it', async () => {
    expect(await stateAfterSend('legacy')).to.equal('suspect');
  });
});

/** A one-peer pool whose transport's submit and status read are given. */
function onePeer(
  submit: Transport['submit'],
  commitStatus: Transport['commitStatus'],
  endpoint = 'p1.local:7051',
): PeerPool {
  const never = () => Promise.reject(new Error('not called in submit tests'));
  return poolOf({
    endpoint,
    kind: 'gateway',
    evaluate: never,
    endorse: never,
    submit,
    commitStatus,
    chaincodeEvents: never,
    close: () => undefined,
  });
}

const TIMINGS = {
  submitMs: 1000,
  commitStatusMs: 3000,
  commitWindowMs: 200,
  statusProbeMs: 200,
  orderingRetryMs: 20,
};
const BYTES = { bytes: new Uint8Array([1]), signature: new Uint8Array([2]) };
const TX = { transactionId: 'tx1', transaction: BYTES, commit: BYTES, foreign: false };

/** A gRPC failure as grpc-js raises it. */
function grpcError(code: number, message: string): Error {
  return Object.assign(new Error(`${String(code)} ${message}`), { code, details: message });
}

describe('gateway submit state machine: a send that breaks off', () => {
  it('asks the ledger before anything else when the first send broke off after it went out', async () => {
    const calls: string[] = [];
    const pool = onePeer(
      () => {
        calls.push('submit');
        return Promise.reject(grpcError(13, 'INTERNAL: Received RST_STREAM with code 2'));
      },
      () => {
        calls.push('status');
        return Promise.resolve({ transactionId: 'tx1', blockNumber: 7n, code: 0 });
      },
    );
    const settled = await submitAndWait({ pool, timings: TIMINGS, isClosed: () => false }, TX);
    // The envelope had reached the orderers: the status read finds it, and no second copy is sent.
    expect(calls).to.deep.equal(['submit', 'status']);
    expect(settled.status).to.deep.equal({ transactionId: 'tx1', blockNumber: 7n, code: 0 });
  });

  it('sends the same envelope again when the ledger does not have it after a broken-off send', async () => {
    const calls: string[] = [];
    let committed = false;
    const pool = onePeer(
      () => {
        calls.push('submit');
        if (calls.filter((c) => c === 'submit').length === 1)
          return Promise.reject(grpcError(2, 'UNKNOWN: stream closed'));
        committed = true;
        return Promise.resolve();
      },
      (): Promise<CommitStatusAnswer> => {
        calls.push('status');
        return committed
          ? Promise.resolve({ transactionId: 'tx1', blockNumber: 8n, code: 0 })
          : Promise.reject(grpcError(4, 'DEADLINE_EXCEEDED: Deadline exceeded'));
      },
    );
    const settled = await submitAndWait({ pool, timings: TIMINGS, isClosed: () => false }, TX);
    expect(calls).to.deep.equal(['submit', 'status', 'submit', 'status']);
    expect(settled).to.deep.equal({
      status: { transactionId: 'tx1', blockNumber: 8n, code: 0 },
      attempts: 2,
    });
  });

  it('still ends the call at once when the peer refused the first send', async () => {
    let reads = 0;
    const pool = onePeer(
      () =>
        Promise.reject(
          grpcError(10, 'ABORTED: received unsuccessful response from orderer: status=BAD_REQUEST'),
        ),
      () => {
        reads++;
        return Promise.resolve({ transactionId: 'tx1', blockNumber: 7n, code: 0 });
      },
    );
    const err = await submitAndWait({ pool, timings: TIMINGS, isClosed: () => false }, TX).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(TransactionError);
    expect((err as TransactionError).code).to.equal('SUBMIT_FAILED');
    expect(reads).to.equal(0);
  });

  it('takes a peer that is down as a peer fault though its host name says "orderer"', async () => {
    const calls: string[] = [];
    const pool = onePeer(
      () => {
        calls.push('submit');
        return Promise.reject(
          grpcError(14, 'UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED'),
        );
      },
      () => Promise.reject(new Error('no status read: nothing was sent')),
      'peer0.orderer-org.example.com:7051',
    );
    const err = await submitAndWait({ pool, timings: TIMINGS, isClosed: () => false }, TX).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Nothing can have been sent: the call ends with UNAVAILABLE naming the peer, after one send
    // (an ordering-service failure would have been retried until the deadline).
    expect(err).to.be.instanceOf(ConnectionError);
    expect((err as ConnectionError).code).to.equal('UNAVAILABLE');
    expect(calls).to.deep.equal(['submit']);
  });
});

describe('gateway stages: the ordering service unavailable', () => {
  const peer = { transport: { endpoint: 'peer0.orderer-org.example.com:7051' } } as PoolPeer;

  it('recognises the Gateway service answers and the legacy transport wording', () => {
    for (const raw of [
      grpcError(14, 'UNAVAILABLE: no orderers could successfully process transaction'),
      grpcError(14, 'UNAVAILABLE: no orderer nodes available'),
    ]) {
      const err = translateFor(raw, 'submit', peer, 'tx1');
      expect(isOrderingUnavailable(err), raw.message).to.equal(true);
      expect(isPeerFault(err), raw.message).to.equal(false);
    }
    const legacy = new ConnectionError({
      code: 'UNAVAILABLE',
      message: 'ordering service unavailable: no orderer took the envelope',
      endpoint: 'orderer1:7050',
    });
    expect(isOrderingUnavailable(legacy)).to.equal(true);
  });

  it('does not read the peer endpoint in the message as the orderers', () => {
    const err = translateFor(
      grpcError(14, 'UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED'),
      'endorse',
      peer,
      'tx1',
    );
    expect(err.message).to.contain('orderer-org');
    expect(isOrderingUnavailable(err)).to.equal(false);
    expect(isPeerFault(err)).to.equal(true);
  });
});

describe('gateway submit: one reading of a failed send, online and offline', () => {
  const peer = { transport: { endpoint: 'p1.local:7051' } } as PoolPeer;
  const read = (raw: Error) => sendFailure(translateFor(raw, 'submit', peer, 'tx1'));

  it('tells the orderers unavailable, a peer that never took the call, a broken-off call and a refusal apart', () => {
    expect(read(grpcError(14, 'no orderers could successfully process transaction'))).to.deep.equal(
      { kind: 'ordering-unavailable', mayBeSent: true },
    );
    expect(
      read(grpcError(14, 'No connection established. Last error: connect ECONNREFUSED')),
    ).to.deep.equal({ kind: 'peer-fault', mayBeSent: false });
    expect(read(grpcError(4, 'Deadline exceeded'))).to.deep.equal({
      kind: 'peer-fault',
      mayBeSent: true,
    });
    expect(read(grpcError(13, 'Received RST_STREAM with code 2'))).to.deep.equal({
      kind: 'peer-fault',
      mayBeSent: true,
    });
    expect(read(grpcError(10, 'transaction was aborted: MVCC conflict'))).to.deep.equal({
      kind: 'refused',
      mayBeSent: false,
    });
  });

  it('keeps a suspect legacy peer suspect after any answer of the orderers, and marks a Gateway peer healthy', () => {
    const states = (['legacy', 'gateway'] as const).map((kind) => {
      const pool = poolOf(transport('p1.local:7051', kind, () => undefined));
      const p1 = pool.all[0]!;
      pool.failed(p1, Date.now());
      const unavailable = read(grpcError(14, 'no orderers could successfully process transaction'));
      settleSend(pool, p1, Date.now(), unavailable, false);
      return pool.status()[0]?.state;
    });
    expect(states).to.deep.equal(['suspect', 'healthy']);
  });
});
