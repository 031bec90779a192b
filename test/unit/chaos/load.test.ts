/** The chaos load: outcomes read from the library's real errors, and the open-loop runner. */
import { expect } from 'chai';
import { ConnectionError, ContractError, TransactionError } from '@oracle-consortium/gateway';
import {
  opKey,
  opValue,
  outcomeOf,
  parseOpValue,
  runLoad,
  type Submitted,
} from '../../../scripts/chaos/load';

describe('chaos load', () => {
  it('reads COMMIT_STATUS_UNKNOWN as unknown, keeping the transaction id', () => {
    const err = new TransactionError({
      code: 'COMMIT_STATUS_UNKNOWN',
      message: 'cannot tell whether transaction t1 committed',
      transactionId: 't1',
    });
    expect(outcomeOf(err)).to.deep.equal({
      kind: 'unknown',
      transactionId: 't1',
      message: 'cannot tell whether transaction t1 committed',
    });
  });

  it('reads a validation failure as failed with its validation code', () => {
    const err = new TransactionError({
      code: 'COMMIT_FAILED',
      message: 'transaction t2 failed validation with MVCC_READ_CONFLICT in block 9',
      transactionId: 't2',
      validationCode: 'MVCC_READ_CONFLICT',
    });
    expect(outcomeOf(err)).to.deep.include({
      kind: 'failed',
      code: 'TransactionError:COMMIT_FAILED:MVCC_READ_CONFLICT',
      transactionId: 't2',
    });
  });

  it("reads a chaincode rejection as failed with the chaincode's code", () => {
    const err = new ContractError({
      message: '[NOT_FOUND] key k does not exist',
      chaincodeCode: 'NOT_FOUND',
      chaincodeMessage: 'key k does not exist',
    });
    expect(outcomeOf(err)).to.deep.include({
      kind: 'failed',
      code: 'ContractError:CONTRACT_ERROR:NOT_FOUND',
    });
  });

  it('reads a connection failure without a transaction id, and anything else as NO_CODE', () => {
    const err = new ConnectionError({
      code: 'UNAVAILABLE',
      message: 'endorse failed on every peer',
      endpoint: 'a,b',
    });
    expect(outcomeOf(err)).to.deep.equal({
      kind: 'failed',
      code: 'ConnectionError:UNAVAILABLE',
      message: 'endorse failed on every peer',
    });
    expect(outcomeOf(new RangeError('boom'))).to.deep.include({
      kind: 'failed',
      code: 'RangeError:NO_CODE',
    });
    expect(outcomeOf('text')).to.deep.include({
      kind: 'failed',
      code: 'Error:NO_CODE',
      message: 'text',
    });
  });

  it('writes values that name their run and operation, and reads back only those', () => {
    expect(opKey('ab', 7)).to.equal('chaos-ab-000007');
    expect(parseOpValue(opValue('ab', 7))).to.deep.equal({ run: 'ab', op: 7 });
    expect(parseOpValue('{"run":"ab","op":"7"}')).to.equal(undefined);
    expect(parseOpValue('not json')).to.equal(undefined);
  });

  it('issues at least the operations asked for, never more in flight than allowed, and records each outcome', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const keys: string[] = [];
    const t0 = Date.now();
    const ops = await runLoad({
      runId: 'r',
      rate: 2000,
      concurrency: 3,
      minOps: 20,
      keepGoing: () => false,
      now: () => Date.now() - t0,
      submit: async (key, value): Promise<Submitted> => {
        keys.push(key);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        const id = parseOpValue(value)?.op ?? -1;
        if (id % 5 === 0) {
          throw new ConnectionError({ code: 'UNAVAILABLE', message: 'down', endpoint: 'p' });
        }
        return { transactionId: `tx${String(id)}`, blockNumber: 3n, submitAttempts: 1 };
      },
    });
    expect(ops.map((o) => o.id)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(keys).size).to.equal(20);
    expect(maxInFlight).to.equal(3);
    expect(ops[0]?.outcome).to.deep.include({
      kind: 'failed',
      code: 'ConnectionError:UNAVAILABLE',
    });
    expect(ops[1]?.outcome).to.deep.equal({
      kind: 'committed',
      transactionId: 'tx1',
      blockNumber: 3,
      submitAttempts: 1,
    });
    for (const o of ops) expect(o.endMs).to.be.at.least(o.startMs);
  });

  it('keeps issuing past the minimum while the schedule runs, at the offered rate', async () => {
    const t0 = Date.now();
    let stop = false;
    let stopped = 0;
    setTimeout(() => {
      stop = true;
    }, 300);
    const ops = await runLoad({
      runId: 'r',
      rate: 50,
      concurrency: 4,
      minOps: 2,
      keepGoing: () => !stop,
      now: () => Date.now() - t0,
      submit: () => Promise.resolve({ transactionId: 't', blockNumber: 1n, submitAttempts: 1 }),
      onStopped: () => {
        stopped++;
      },
    });
    expect(stopped).to.equal(1);
    // Past the minimum of 2 while the schedule ran, and never faster than 50/s: a late timer only
    // delays operations, the pacing never makes them up.
    const elapsedMs = Date.now() - t0;
    expect(ops.length).to.be.greaterThan(2);
    expect(ops.length).to.be.at.most(Math.floor(elapsedMs / 20) + 1);
  });
});
