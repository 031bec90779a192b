/**
 * The block-header bytes an orderer's block signature covers (test/support/node-signatures.ts):
 * the DER SEQUENCE of number, previous hash and data hash that Go's encoding/asn1 writes, whose
 * INTEGER is minimal and gains a leading zero byte when its top bit is set.
 */
import { expect } from 'chai';
import { common } from '@hyperledger/fabric-protos';
import { blockHeaderBytes } from '../../support/node-signatures';

function header(num: number, previous: string, data: string): common.BlockHeader {
  const h = new common.BlockHeader();
  h.setNumber(num);
  h.setPreviousHash(Buffer.from(previous, 'hex'));
  h.setDataHash(Buffer.from(data, 'hex'));
  return h;
}

describe('block header bytes under the orderer signature', () => {
  it('encodes block 0 with an INTEGER of one zero byte and empty previous hash', () => {
    expect(blockHeaderBytes(header(0, '', 'bb')).toString('hex')).to.equal(
      '3008' + '020100' + '0400' + '0401bb',
    );
  });

  it('prefixes a zero byte to a number whose top bit is set (128)', () => {
    expect(blockHeaderBytes(header(128, 'aa', 'bb')).toString('hex')).to.equal(
      '300a' + '02020080' + '0401aa' + '0401bb',
    );
  });

  it('writes a long-form length for 32-byte hashes past 127 content bytes in total', () => {
    const h = 'ab'.repeat(32);
    const out = blockHeaderBytes(header(1, h.repeat(2), h));
    // 3 (INTEGER) + 2 + 64 + 2 + 32 = 103 content bytes: still the short form.
    expect(out.subarray(0, 2).toString('hex')).to.equal('3067');
    const big = blockHeaderBytes(header(1, h.repeat(3), h));
    // 3 + 2 + 96 + 2 + 32 = 135 content bytes: 0x81 0x87.
    expect(big.subarray(0, 3).toString('hex')).to.equal('308187');
  });
});
