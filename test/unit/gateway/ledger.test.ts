import { expect } from 'chai';
import { common } from '@hyperledger/fabric-protos';
import {
  ConnectionError,
  InputError,
  clients,
  type Connection,
  type TransactionRequest,
} from '../../../gateway/src';
import { rejection } from '../../support/refusal';

/** A connection whose peer reports the heights given, one per qscc call, the last one after that. */
function peerAt(heights: readonly number[]): {
  connection: Connection;
  asked: TransactionRequest[];
} {
  const asked: TransactionRequest[] = [];
  const connection = {
    channelName: 'consortium',
    mspId: 'Org2MSP',
    evaluate: (r: TransactionRequest) => {
      asked.push(r);
      const info = new common.BlockchainInfo();
      info.setHeight(heights[Math.min(asked.length, heights.length) - 1] ?? 0);
      return Promise.resolve(info.serializeBinary());
    },
    peers: () => [
      { name: 'peer1', endpoint: 'peer1.org2:7051', mspId: 'Org2MSP' },
      { name: 'peer1', endpoint: 'peer1.org1:7051', mspId: 'Org1MSP' },
    ],
  } as unknown as Connection;
  return { connection, asked };
}

describe('ledger height and waiting for a block', () => {
  it('reads the height through qscc GetChainInfo on the connection’s channel', async () => {
    const { connection, asked } = peerAt([12]);
    expect(await clients.ledgerHeight(connection)).to.equal(12n);
    expect(asked).to.deep.equal([
      { chaincode: 'qscc', transaction: 'GetChainInfo', arguments: ['consortium'] },
    ]);
  });

  it('returns at once when the peer already holds the block', async () => {
    const { connection, asked } = peerAt([8]);
    await clients.untilCommitted(connection, 7n);
    expect(asked).to.have.length(1);
  });

  it('asks again until the height passes the block (height 7 does not yet hold block 7)', async () => {
    const { connection, asked } = peerAt([6, 7, 7, 8]);
    await clients.untilCommitted(connection, 7n, { intervalMs: 1 });
    expect(asked).to.have.length(4);
  });

  it('times out with ConnectionError TIMEOUT naming the block, the height and the member’s peers', async () => {
    const { connection } = peerAt([5]);
    const err = await rejection(
      clients.untilCommitted(connection, 9n, { timeoutMs: 30, intervalMs: 5 }),
    );
    expect(err).to.be.instanceOf(ConnectionError);
    const e = err as ConnectionError;
    expect(e.code).to.equal('TIMEOUT');
    expect(e.message).to.include('block 9').and.include('Org2MSP').and.include('at 5');
    expect(e.endpoint).to.equal('peer1.org2:7051');
  });

  for (const [what, call] of [
    ['a negative block', (c: Connection) => clients.untilCommitted(c, -1n)],
    ['a zero timeout', (c: Connection) => clients.untilCommitted(c, 1n, { timeoutMs: 0 })],
    ['a NaN interval', (c: Connection) => clients.untilCommitted(c, 1n, { intervalMs: NaN })],
  ] as const) {
    it(`refuses ${what} with InputError INVALID_INPUT before asking the peer`, async () => {
      const { connection, asked } = peerAt([100]);
      const err = await rejection(call(connection));
      expect(err).to.be.instanceOf(InputError);
      expect((err as InputError).code).to.equal('INVALID_INPUT');
      expect(asked).to.have.length(0);
    });
  }
});
