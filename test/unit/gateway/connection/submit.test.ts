/**
 * The submit state machine's bookkeeping of peer health, with in-memory transports: what a send
 * proves about the peer it went through depends on the wire. Through the Gateway service the peer
 * itself takes the envelope; on the legacy wire the client hands it to the orderers, so the
 * orderers' answer says nothing about a stalled peer.
 */
import { expect } from 'chai';
import { PeerPool } from '../../../../gateway/src/connection/peer-pool';
import { submitAndWait } from '../../../../gateway/src/connection/submit';
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

/** The state of a suspect peer as the status read after its send sees it. */
async function stateAfterSend(kind: Transport['kind']): Promise<string | undefined> {
  let seen: string | undefined;
  const pool: PeerPool = new PeerPool(
    [
      {
        config: {
          name: 'p1',
          mspId: 'Org1MSP',
          endpoint: { hostname: 'p1.local', port: 7051 },
          tlsRootCerts: '',
        },
        transport: transport('p1.local:7051', kind, () => {
          seen = pool.status().find((s) => s.name === 'p1')?.state;
        }),
      },
    ],
    'Org1MSP',
    { initialBackoffMs: 0, maxBackoffMs: 0 },
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
