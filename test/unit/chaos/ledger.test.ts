/** The chaos suite's block decoder, on blocks built with @hyperledger/fabric-protos. */
import { expect } from 'chai';
import { peer } from '@hyperledger/fabric-protos';
import { decodeBlock, validationName } from '../../../scripts/chaos/ledger';
import { blockBytes } from './blocks';

describe('chaos ledger decoding', () => {
  it('reads each transaction id, validation code and kv write of a block', () => {
    const block = decodeBlock(
      blockBytes(7, [
        { id: 'tx-a', writes: { 'chaos-r-000001': '{"run":"r","op":1}' } },
        {
          id: 'tx-b',
          code: peer.TxValidationCode.MVCC_READ_CONFLICT,
          writes: { 'chaos-r-000002': '{"run":"r","op":2}' },
        },
      ]),
    );
    expect(block.number).to.equal(7);
    expect(block.transactions).to.have.length(2);
    expect(block.transactions[0]).to.deep.equal({
      transactionId: 'tx-a',
      blockNumber: 7,
      index: 0,
      type: 'ENDORSER_TRANSACTION',
      validation: 'VALID',
      writes: [
        { namespace: 'kv', key: 'chaos-r-000001', value: '{"run":"r","op":1}', isDelete: false },
      ],
    });
    expect(block.transactions[1]?.validation).to.equal('MVCC_READ_CONFLICT');
    expect(block.transactions[1]?.writes[0]?.key).to.equal('chaos-r-000002');
  });

  it('keeps a config transaction with its type and no writes', () => {
    const [tx] = decodeBlock(blockBytes(0, [{ id: '', config: true }])).transactions;
    expect(tx?.type).to.equal('CONFIG');
    expect(tx?.writes).to.deep.equal([]);
    expect(tx?.undecodable).to.equal(undefined);
  });

  it('marks an envelope that does not decode as undecodable and keeps its validation code', () => {
    const [tx] = decodeBlock(
      blockBytes(3, [
        {
          id: 'x',
          raw: Uint8Array.from([0xff, 0xff, 0xff]),
          code: peer.TxValidationCode.BAD_PAYLOAD,
        },
      ]),
    ).transactions;
    expect(tx?.validation).to.equal('BAD_PAYLOAD');
    expect(tx?.undecodable).to.be.a('string').and.not.equal('');
    expect(tx?.writes).to.deep.equal([]);
  });

  it('refuses bytes that are not a block', () => {
    expect(() => decodeBlock(new Uint8Array())).to.throw(
      Error,
      'not a block: no header or no data',
    );
  });

  it('names validation codes, and codes it does not know as CODE_<n>', () => {
    expect(validationName(peer.TxValidationCode.DUPLICATE_TXID)).to.equal('DUPLICATE_TXID');
    expect(validationName(0)).to.equal('VALID');
    expect(validationName(199)).to.equal('CODE_199');
  });
});
