/**
 * One filtered-block stream per peer and connection that answers the commit status of every
 * transaction the connection submits through that peer, where a stream per transaction made the
 * peer check a signed seek, open a stream and replay blocks for each submit (fabric-network's
 * event service keeps one stream per peer for the same reason).
 *
 * The stream is opened with the first commit-status request's signed seek (the connection's own
 * identity, from the height seen before that transaction was endorsed, to the end of time) and
 * kept open. Every transaction id it delivers is remembered with its block and validation code
 * for the last RETAINED_BLOCKS blocks, so a later request is answered at once when its transaction
 * is already in, or when its block arrives. A request that starts below what the stream covers,
 * which the watch can no longer answer for, is left to a stream of its own (`undefined`). When
 * the stream fails, every waiting request fails with its error (the submit state machine reads
 * the status again, through this peer or another) and the next request opens a new stream.
 */
import * as grpc from '@grpc/grpc-js';
import type { peer as peerProtos } from '@hyperledger/fabric-protos';
import type { CommitStatusAnswer } from '../transport';
import { LegacyCallError } from './messages';
import type { DeliverStream } from './rpc';

/** How many recent blocks' transaction ids the watch remembers. */
export const RETAINED_BLOCKS = 2000;

/** Opens the stream: calls `onBlock` for each filtered block until it ends or fails. */
export type OpenFilteredStream = (
  envelope: Uint8Array,
  onBlock: (block: peerProtos.FilteredBlock) => void,
) => { ended: Promise<never>; stream: DeliverStream };

interface Waiter {
  resolve(answer: CommitStatusAnswer): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

interface Open {
  stream: DeliverStream;
  /** The lowest block whose transactions the watch still knows. */
  coveredFrom: bigint;
}

/** The commit statuses one peer's shared filtered-block stream has seen, and who waits for which. */
export class CommitWatch {
  readonly #open: OpenFilteredStream;
  readonly #endpoint: string;
  #current: Open | undefined;
  /** First copy of each transaction id seen, by id. */
  readonly #seen = new Map<string, { blockNumber: bigint; code: number }>();
  /** The ids each retained block held, oldest first, to forget them in order. */
  readonly #blocks: { number: bigint; ids: string[] }[] = [];
  readonly #waiters = new Map<string, Set<Waiter>>();
  #closed = false;

  /**
   * @param open - opens the peer's DeliverFiltered stream with a signed seek envelope
   * @param endpoint - the peer, for errors
   */
  constructor(open: OpenFilteredStream, endpoint: string) {
    this.#open = open;
    this.#endpoint = endpoint;
  }

  /**
   * The transaction's commit status from the shared stream, or `undefined` when the stream
   * cannot answer for a request starting that low (the caller opens a stream of its own).
   *
   * @param transactionId - the transaction
   * @param startBlock - the height the request's seek starts at (seen before endorsement)
   * @param envelope - the request's signed seek, used to open the stream when none is open
   * @param deadline - absolute deadline in epoch milliseconds
   * @returns the status of the first copy the stream saw, or undefined
   */
  status(
    transactionId: string,
    startBlock: bigint,
    envelope: Uint8Array,
    deadline: number,
  ): Promise<CommitStatusAnswer> | undefined {
    if (this.#closed) return undefined;
    if (this.#current === undefined) this.#start(envelope, startBlock);
    else if (startBlock < this.#current.coveredFrom) return undefined;
    const known = this.#seen.get(transactionId);
    if (known !== undefined) return Promise.resolve({ transactionId, ...known });
    return new Promise<CommitStatusAnswer>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(
          () => {
            this.#forget(transactionId, waiter);
            reject(
              new LegacyCallError(
                grpc.status.DEADLINE_EXCEEDED,
                `transaction ${transactionId} not committed on ${this.#endpoint} yet`,
              ),
            );
          },
          Math.max(0, deadline - Date.now()),
        ),
      };
      let set = this.#waiters.get(transactionId);
      if (set === undefined) this.#waiters.set(transactionId, (set = new Set()));
      set.add(waiter);
    });
  }

  /** How many requests wait for a block (for tests and health). */
  get waiting(): number {
    let n = 0;
    for (const set of this.#waiters.values()) n += set.size;
    return n;
  }

  /** Whether a stream is open now. */
  get streaming(): boolean {
    return this.#current !== undefined;
  }

  /** Ends the stream; waiting requests fail as if the peer went away. */
  close(): void {
    this.#closed = true;
    this.#fail(new LegacyCallError(grpc.status.CANCELLED, 'the connection was closed'));
  }

  #start(envelope: Uint8Array, startBlock: bigint): void {
    this.#seen.clear();
    this.#blocks.length = 0;
    const { ended, stream } = this.#open(envelope, (block) => {
      this.#onBlock(block);
    });
    const current: Open = { stream, coveredFrom: startBlock };
    this.#current = current;
    ended.catch((err: unknown) => {
      if (this.#current !== current) return;
      this.#fail(err instanceof Error ? err : new Error(String(err)));
    });
  }

  #onBlock(block: peerProtos.FilteredBlock): void {
    const number = BigInt(block.getNumber());
    const ids: string[] = [];
    for (const tx of block.getFilteredTransactionsList()) {
      const id = tx.getTxid();
      if (this.#seen.has(id)) continue;
      const outcome = { blockNumber: number, code: tx.getTxValidationCode() };
      this.#seen.set(id, outcome);
      ids.push(id);
      const set = this.#waiters.get(id);
      if (set === undefined) continue;
      this.#waiters.delete(id);
      for (const w of set) {
        clearTimeout(w.timer);
        w.resolve({ transactionId: id, ...outcome });
      }
    }
    this.#blocks.push({ number, ids });
    while (this.#blocks.length > RETAINED_BLOCKS) {
      const old = this.#blocks.shift();
      if (old === undefined) break;
      for (const id of old.ids) this.#seen.delete(id);
      if (this.#current !== undefined) this.#current.coveredFrom = old.number + 1n;
    }
  }

  #forget(transactionId: string, waiter: Waiter): void {
    const set = this.#waiters.get(transactionId);
    set?.delete(waiter);
    if (set?.size === 0) this.#waiters.delete(transactionId);
  }

  #fail(err: Error): void {
    const current = this.#current;
    this.#current = undefined;
    current?.stream.cancel();
    const waiters = [...this.#waiters.values()].flatMap((s) => [...s]);
    this.#waiters.clear();
    for (const w of waiters) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }
}
