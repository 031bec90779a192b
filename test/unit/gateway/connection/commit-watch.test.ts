/**
 * The legacy transport's shared commit stream (gateway/src/connection/legacy/commit-watch.ts),
 * driven by a scripted stream: which requests it answers, when it opens a stream, and how its
 * waiters end when the stream fails, the deadline passes or the connection closes.
 */
import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { peer as peerProtos } from '@hyperledger/fabric-protos';
import {
  CommitWatch,
  RETAINED_BLOCKS,
  type OpenFilteredStream,
} from '../../../../gateway/src/connection/legacy/commit-watch';
import { LegacyCallError } from '../../../../gateway/src/connection/legacy/messages';
import { rejection } from '../../../support/refusal';

type Code = peerProtos.TxValidationCodeMap[keyof peerProtos.TxValidationCodeMap];
const VALID = peerProtos.TxValidationCode.VALID;
const MVCC = peerProtos.TxValidationCode.MVCC_READ_CONFLICT;

function filteredBlock(number: number, txs: [string, Code][]): peerProtos.FilteredBlock {
  const block = new peerProtos.FilteredBlock();
  block.setNumber(number);
  block.setFilteredTransactionsList(
    txs.map(([id, code]) => {
      const tx = new peerProtos.FilteredTransaction();
      tx.setTxid(id);
      tx.setTxValidationCode(code);
      return tx;
    }),
  );
  return block;
}

/** A scripted stream: records each open, lets the test deliver blocks and fail the stream. */
class ScriptedStreams {
  opened: Uint8Array[] = [];
  cancelled = 0;
  #onBlock: ((b: peerProtos.FilteredBlock) => void) | undefined;
  #fail: ((err: Error) => void) | undefined;

  readonly open: OpenFilteredStream = (envelope, onBlock) => {
    this.opened.push(envelope);
    this.#onBlock = onBlock;
    const ended = new Promise<never>((_, reject) => {
      this.#fail = reject;
    });
    return {
      ended,
      stream: {
        cancel: () => {
          this.cancelled++;
        },
      },
    };
  };

  deliver(number: number, txs: [string, Code][]): void {
    this.#onBlock!(filteredBlock(number, txs));
  }

  fail(err: Error): void {
    this.#fail!(err);
  }
}

const far = () => Date.now() + 60000;
const env = (n: number) => Uint8Array.of(n);

describe('legacy commit watch: one filtered-block stream per peer', () => {
  it('answers two transactions from one stream, each when its block arrives', async () => {
    const streams = new ScriptedStreams();
    const watch = new CommitWatch(streams.open, 'peer:1');
    const a = watch.status('tx-a', 5n, env(1), far())!;
    const b = watch.status('tx-b', 5n, env(2), far())!;
    expect(watch.waiting).to.equal(2);
    streams.deliver(5, [['other', VALID]]);
    streams.deliver(6, [
      ['tx-b', MVCC],
      ['tx-a', VALID],
    ]);
    expect(await a).to.deep.equal({ transactionId: 'tx-a', blockNumber: 6n, code: VALID });
    expect(await b).to.deep.equal({ transactionId: 'tx-b', blockNumber: 6n, code: MVCC });
    expect(streams.opened).to.deep.equal([env(1)]);
    expect(watch.waiting).to.equal(0);
  });

  it('answers at once a transaction the stream already delivered, without a new stream', async () => {
    const streams = new ScriptedStreams();
    const watch = new CommitWatch(streams.open, 'peer:1');
    void watch.status('tx-first', 3n, env(1), far());
    streams.deliver(3, [
      ['tx-first', VALID],
      ['tx-later', VALID],
    ]);
    const answer = await watch.status('tx-later', 4n, env(2), far())!;
    expect(answer).to.deep.equal({ transactionId: 'tx-later', blockNumber: 3n, code: VALID });
    expect(streams.opened).to.have.length(1);
  });

  it('keeps the first copy of a transaction id: a later duplicate does not replace its status', async () => {
    const streams = new ScriptedStreams();
    const watch = new CommitWatch(streams.open, 'peer:1');
    void watch.status('tx', 1n, env(1), far());
    streams.deliver(1, [['tx', VALID]]);
    streams.deliver(2, [['tx', peerProtos.TxValidationCode.DUPLICATE_TXID]]);
    expect(await watch.status('tx', 1n, env(2), far())!).to.deep.equal({
      transactionId: 'tx',
      blockNumber: 1n,
      code: VALID,
    });
  });

  it('leaves a request starting below the stream to a stream of its own (undefined)', async () => {
    const streams = new ScriptedStreams();
    const watch = new CommitWatch(streams.open, 'peer:1');
    const waiting = watch.status('tx-a', 10n, env(1), far());
    expect(watch.status('tx-b', 9n, env(2), far())).to.equal(undefined);
    expect(streams.opened).to.have.length(1);
    // tx-a never commits here: closing the watch ends its wait now, not at the deadline after the
    // suite (where its rejection would be unhandled).
    watch.close();
    await rejection(waiting!);
  });

  it(`forgets blocks beyond the last ${RETAINED_BLOCKS} and then refuses requests from below them`, () => {
    const streams = new ScriptedStreams();
    const watch = new CommitWatch(streams.open, 'peer:1');
    void watch.status('tx-0', 0n, env(1), far());
    for (let n = 0; n <= RETAINED_BLOCKS; n++) streams.deliver(n, [[`tx-${n}`, VALID]]);
    // Block 0 is forgotten: a request from it cannot be answered here; one from block 1 can.
    expect(watch.status('tx-0', 0n, env(2), far())).to.equal(undefined);
    expect(watch.status('tx-1', 1n, env(3), far())).to.be.instanceOf(Promise);
  });

  it('fails every waiting request with the stream error, and the next request opens a new stream', async () => {
    const streams = new ScriptedStreams();
    const watch = new CommitWatch(streams.open, 'peer:1');
    const a = watch.status('tx-a', 1n, env(1), far())!;
    const b = watch.status('tx-b', 1n, env(2), far())!;
    const failure = new LegacyCallError(grpc.status.UNAVAILABLE, 'the deliver stream ended');
    streams.fail(failure);
    expect(await rejection(a)).to.equal(failure);
    expect(await rejection(b)).to.equal(failure);
    expect(watch.streaming).to.equal(false);
    expect(streams.cancelled).to.equal(1);
    const c = watch.status('tx-c', 2n, env(3), far())!;
    streams.deliver(2, [['tx-c', VALID]]);
    expect((await c).blockNumber).to.equal(2n);
    expect(streams.opened).to.deep.equal([env(1), env(3)]);
  });

  it('ends a request at its deadline with DEADLINE_EXCEEDED and drops its waiter', async () => {
    const streams = new ScriptedStreams();
    const watch = new CommitWatch(streams.open, 'peer:7');
    const err = await rejection(watch.status('tx-slow', 1n, env(1), Date.now() + 20)!);
    expect(err).to.be.instanceOf(LegacyCallError);
    expect((err as LegacyCallError).code).to.equal(grpc.status.DEADLINE_EXCEEDED);
    expect((err as Error).message).to.equal('transaction tx-slow not committed on peer:7 yet');
    expect(watch.waiting).to.equal(0);
    expect(watch.streaming).to.equal(true);
  });

  it('on close cancels the stream, fails waiters with CANCELLED and answers nothing more', async () => {
    const streams = new ScriptedStreams();
    const watch = new CommitWatch(streams.open, 'peer:1');
    const a = watch.status('tx-a', 1n, env(1), far())!;
    watch.close();
    const err = await rejection(a);
    expect((err as LegacyCallError).code).to.equal(grpc.status.CANCELLED);
    expect(streams.cancelled).to.equal(1);
    expect(watch.status('tx-b', 1n, env(2), far())).to.equal(undefined);
  });
});
