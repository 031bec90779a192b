/** The chaos suite's verdict: each operation's client outcome held against the ledger. */
import { expect } from 'chai';
import type { LedgerTx } from '../../../scripts/chaos/ledger';
import { opKey, opValue, type OpRecord, type Outcome } from '../../../scripts/chaos/load';
import { breaches, verify, type VerifyInput } from '../../../scripts/chaos/verify';

const RUN = 'r1';

function op(id: number, outcome: Outcome): OpRecord {
  return { id, key: opKey(RUN, id), startMs: id * 10, endMs: id * 10 + 500, outcome };
}
const committed = (id: number, tx = `tx${String(id)}`, block = 5): Outcome => ({
  kind: 'committed',
  transactionId: tx,
  blockNumber: block,
  submitAttempts: 1,
});
const failed = (code: string, tx?: string): Outcome => ({
  kind: 'failed',
  code,
  message: 'no',
  ...(tx === undefined ? {} : { transactionId: tx }),
});
function tx(
  id: number,
  txId = `tx${String(id)}`,
  validation = 'VALID',
  block = 5,
  value = opValue(RUN, id),
): LedgerTx {
  return {
    transactionId: txId,
    blockNumber: block,
    index: 0,
    type: 'ENDORSER_TRANSACTION',
    validation,
    writes: [{ namespace: 'kv', key: opKey(RUN, id), value, isDelete: false }],
  };
}
function input(ops: OpRecord[], transactions: LedgerTx[], absent: number[] = []): VerifyInput {
  const readBack = new Map<string, string | null>();
  for (const o of ops) readBack.set(o.key, absent.includes(o.id) ? null : opValue(RUN, o.id));
  return { runId: RUN, namespace: 'kv', ops, transactions, readBack };
}

describe('chaos verification', () => {
  it('counts an operation committed once under the reported id and block as committed', () => {
    const v = verify(input([op(1, committed(1))], [tx(1)]));
    expect(v.committed).to.equal(1);
    expect(v.lost).to.deep.equal([]);
    expect(breaches(v)).to.deep.equal([]);
  });

  it('counts an operation reported committed but only invalid on the ledger as lost', () => {
    const v = verify(input([op(1, committed(1))], [tx(1, 'tx1', 'MVCC_READ_CONFLICT')], [1]));
    expect(v.lost).to.deep.equal([1]);
    expect(v.committed).to.equal(0);
    expect(v.invalidOnLedger).to.deep.equal({ MVCC_READ_CONFLICT: 1 });
    expect(breaches(v)[0]).to.match(/^1 lost: reported committed but not on the ledger \(1\)$/);
  });

  it('counts an operation reported committed whose key does not read back as lost', () => {
    const v = verify(input([op(2, committed(2))], [tx(2)], [2]));
    expect(v.lost).to.deep.equal([2]);
  });

  it('counts an operation committed VALID twice as duplicated, not committed', () => {
    const v = verify(input([op(3, committed(3))], [tx(3), tx(3, 'tx3-again', 'VALID', 6)]));
    expect(v.duplicated).to.deep.equal([3]);
    expect(v.committed).to.equal(0);
    expect(breaches(v)[0]).to.match(/^1 duplicated/);
  });

  it('does not count a resent envelope marked DUPLICATE_TXID as a duplicate', () => {
    const v = verify(input([op(4, committed(4))], [tx(4), tx(4, 'tx4', 'DUPLICATE_TXID', 7)]));
    expect(v.committed).to.equal(1);
    expect(v.duplicated).to.deep.equal([]);
    expect(v.invalidOnLedger).to.deep.equal({ DUPLICATE_TXID: 1 });
  });

  it('counts an operation reported failed but committed VALID as phantom', () => {
    const v = verify(input([op(5, failed('ConnectionError:UNAVAILABLE', 'tx5'))], [tx(5)]));
    expect(v.phantom).to.deep.equal([5]);
    expect(v.failed).to.equal(0);
    expect(breaches(v)[0]).to.match(/^1 phantom/);
  });

  it('counts an operation reported failed whose key reads back as phantom even without a VALID transaction in the scan', () => {
    const v = verify(input([op(6, failed('TransactionError:SUBMIT_FAILED'))], []));
    expect(v.phantom).to.deep.equal([6]);
  });

  it('counts failed operations absent from the ledger by their error code', () => {
    const v = verify(
      input(
        [
          op(7, failed('ConnectionError:UNAVAILABLE')),
          op(8, failed('ConnectionError:UNAVAILABLE')),
          op(9, failed('TransactionError:COMMIT_FAILED:MVCC_READ_CONFLICT', 'tx9')),
        ],
        [tx(9, 'tx9', 'MVCC_READ_CONFLICT')],
        [7, 8, 9],
      ),
    );
    expect(v.failedByCode).to.deep.equal({
      'ConnectionError:UNAVAILABLE': 2,
      'TransactionError:COMMIT_FAILED:MVCC_READ_CONFLICT': 1,
    });
    expect(v.failed).to.equal(3);
    expect(breaches(v)).to.deep.equal([]);
  });

  it('settles operations reported unknown from the ledger, neither failing nor passing them as committed', () => {
    const v = verify(
      input(
        [
          op(10, { kind: 'unknown', transactionId: 'tx10', message: 'cannot tell' }),
          op(11, { kind: 'unknown', transactionId: 'tx11', message: 'cannot tell' }),
        ],
        [tx(10, 'tx10', 'VALID', 9)],
        [11],
      ),
    );
    expect(v.unknown).to.deep.equal([
      {
        op: 10,
        transactionId: 'tx10',
        message: 'cannot tell',
        ledger: 'committed',
        blockNumber: 9,
      },
      { op: 11, transactionId: 'tx11', message: 'cannot tell', ledger: 'absent' },
    ]);
    expect(v.committed).to.equal(0);
    expect(breaches(v)).to.deep.equal([]);
  });

  it('counts an operation committed under another transaction id than reported as misreported', () => {
    const v = verify(input([op(12, committed(12, 'tx12'))], [tx(12, 'other')]));
    expect(v.misreported).to.deep.equal([12]);
    expect(breaches(v)[0]).to.match(/^1 misreported/);
  });

  it('reports a VALID write of a run key whose value names another operation as stray', () => {
    const v = verify(
      input([op(13, committed(13))], [tx(13), tx(13, 'tx-x', 'VALID', 5, opValue(RUN, 99))]),
    );
    expect(v.strayWrites).to.deep.equal([`${opKey(RUN, 13)} in tx-x`]);
    expect(v.committed).to.equal(1);
  });

  it('ignores transactions of other runs and namespaces', () => {
    const other: LedgerTx = {
      ...tx(1),
      writes: [{ namespace: 'kv', key: 'chaos-zz-000001', value: '{}', isDelete: false }],
    };
    const v = verify(input([op(1, committed(1))], [tx(1), other]));
    expect(v.strayWrites).to.deep.equal([]);
    expect(v.invalidOnLedger).to.deep.equal({});
  });

  it('refuses to verify an operation whose key was not read back', () => {
    const i = input([op(14, committed(14))], [tx(14)]);
    expect(() => verify({ ...i, readBack: new Map() })).to.throw(
      Error,
      `operation 14: key ${opKey(RUN, 14)} was not read back`,
    );
  });
});
