/**
 * Streams of the contracts' chaincode events (`RoundReported`, `MembershipEvent`, named by the
 * protocol package) with checkpoints and reconnection.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ChaincodeEvent, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import type { Connection } from '../connection/connection';
import { ConsortiumError, TransactionError, translateError } from '../errors';
import { MEMBERSHIP_EVENT, ROUND_REPORTED_EVENT } from '@oracle-consortium/protocol';
import { newFileCheckpointer, type EventCheckpointer } from './checkpoint';
import { ledgerHeight } from './ledger';
import type { RoundReportedPayload } from './feeds-types';
import type { MembershipEventPayload } from './membership-types';

export { ROUND_REPORTED_EVENT, MEMBERSHIP_EVENT } from '@oracle-consortium/protocol';

/** One chaincode event of a committed, valid transaction. */
export interface ContractEvent<T> {
  /** The event name. */
  readonly eventName: string;
  /** The decoded JSON payload. */
  readonly payload: T;
  /** The emitting transaction. */
  readonly transactionId: string;
  /** Its block. */
  readonly blockNumber: bigint;
}

/** What a stream tells an observer when it loses its peer and reconnects. */
export interface ReconnectInfo {
  /** The endpoint that failed. */
  readonly endpoint: string;
  /** The translated failure. */
  readonly error: ConsortiumError;
  /** How long the stream waits before the next attempt (0 while other peers remain to try). */
  readonly delayMs: number;
}

/** Options of the event streams. */
export interface EventStreamOptions {
  /** The connection whose peers deliver events (own member's first, failing over in order). */
  readonly connection: Connection;
  /**
   * The checkpoint file. A stream opened on an existing file resumes right after the last event
   * handled; on a new file it starts at `startBlock`, or at the ledger height when absent (and
   * records that position at once, so a reconnect never skips what was committed meanwhile).
   */
  readonly checkpointPath: string;
  /**
   * Chaincode name as deployed; when absent, `consortium` for round events and `membership` for
   * membership events.
   */
  readonly chaincodeName?: string;
  /** First block to read when the checkpoint file is new. */
  readonly startBlock?: bigint;
  /** Reconnect backoff; 500 ms doubling to 30 s unless stated. */
  readonly backoff?: {
    /** The first wait, in milliseconds. */
    readonly initialMs?: number;
    /** The longest wait, in milliseconds. */
    readonly maxMs?: number;
  };
  /** Consecutive rounds over every peer before the stream gives up; unlimited when absent. */
  readonly maxReconnectRounds?: number;
  /** Called on every lost connection, before the stream reconnects. */
  readonly onReconnect?: (info: ReconnectInfo) => void;
}

/**
 * A resumable stream of contract events from committed, valid transactions (the peer's gateway
 * never delivers events of transactions that failed validation).
 *
 * Exactly once across restarts: an event is checkpointed when the consumer asks for the next one
 * or leaves the `for await` loop (break, return or throw), so a stream reopened on the same file
 * continues with the following event. Only a process that dies inside the loop body sees that one
 * event again. When the peer goes away the stream re-subscribes from the checkpoint with backoff,
 * trying the member's other peers.
 */
export interface EventStream<T> extends AsyncIterable<ContractEvent<T>> {
  /**
   * The checkpoint in use; resolves once the start position is recorded, so events committed
   * after that are delivered even if iteration starts later.
   */
  readonly checkpointer: Promise<EventCheckpointer>;
  /** Ends the stream; a pending iteration finishes without a value. Idempotent. */
  close(): void;
}

// Codes after which re-subscribing cannot help: the request itself is refused.
const FATAL_GRPC: ReadonlySet<number> = new Set([
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.UNAUTHENTICATED,
  GrpcStatus.UNIMPLEMENTED,
]);

function isFatal(err: ConsortiumError): boolean {
  if (err instanceof TransactionError) {
    return (
      err.code === 'ACCESS_DENIED' ||
      (err.grpcStatus !== undefined && FATAL_GRPC.has(err.grpcStatus))
    );
  }
  return err.code === 'CLOSED' || err.code === 'INVALID_CONFIG';
}

interface StreamSpec<T> {
  /** The chaincode emitting the events, unless the options name another. */
  readonly chaincode: string;
  readonly eventName: string;
  readonly accept: (payload: T) => boolean;
}

class EventStreamImpl<T> implements EventStream<T> {
  readonly checkpointer: Promise<EventCheckpointer>;
  readonly #options: Readonly<EventStreamOptions>;
  readonly #spec: StreamSpec<T>;
  #closed = false;
  #current: CloseableAsyncIterable<ChaincodeEvent> | undefined;
  #wake: (() => void) | undefined;
  #iterating = false;

  constructor(options: Readonly<EventStreamOptions>, spec: StreamSpec<T>) {
    this.#options = options;
    this.#spec = spec;
    this.checkpointer = this.#position();
    // An unobserved rejection would crash the process before the consumer iterates.
    this.checkpointer.catch(() => undefined);
  }

  // Fixes the start position before anything is read, so events committed between opening the
  // stream and the first subscription (or during a reconnect) are never skipped.
  async #position(): Promise<EventCheckpointer> {
    const checkpointer = await newFileCheckpointer(this.#options.checkpointPath);
    if (checkpointer.getBlockNumber() === undefined) {
      const start = this.#options.startBlock ?? (await ledgerHeight(this.#options.connection));
      await checkpointer.checkpointBlock(start - 1n);
    }
    return checkpointer;
  }

  #isClosed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
    this.#current?.close();
    this.#wake?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<ContractEvent<T>> {
    if (this.#iterating) {
      throw new TransactionError({
        code: 'EVENTS_FAILED',
        message: 'an event stream can be iterated only once; open another stream on the checkpoint',
      });
    }
    this.#iterating = true;
    return this.#run();
  }

  async #sleep(ms: number): Promise<void> {
    if (this.#closed || ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  async *#run(): AsyncGenerator<ContractEvent<T>> {
    const { connection } = this.#options;
    const chaincode = this.#options.chaincodeName ?? this.#spec.chaincode;
    const initialMs = this.#options.backoff?.initialMs ?? 500;
    const maxMs = this.#options.backoff?.maxMs ?? 30000;
    const checkpointer = await this.checkpointer;
    let rounds = 0;
    while (!this.#isClosed()) {
      const peers = connection.preferredEventSources();
      let lastError: ConsortiumError | undefined;
      for (const [i, peer] of peers.entries()) {
        if (this.#isClosed()) return;
        try {
          const events = await peer.events(chaincode, checkpointer);
          this.#current = events;
          if (this.#isClosed()) return;
          for await (const raw of events) {
            rounds = 0;
            peer.succeed();
            const event = this.#decode(raw);
            if (event !== undefined) {
              try {
                yield event;
              } finally {
                // Runs on the consumer's next() and on break/return/throw alike: the event has been
                // handed over and handled, so a restart must not deliver it again.
                await checkpointer.checkpointChaincodeEvent(raw);
              }
            } else {
              await checkpointer.checkpointChaincodeEvent(raw);
            }
          }
          if (this.#isClosed()) return;
        } catch (raw) {
          if (this.#isClosed()) return;
          const err = translateError(raw, { operation: 'events', endpoint: peer.endpoint });
          if (isFatal(err)) throw err;
          lastError = err;
          peer.fail();
          const delayMs = i < peers.length - 1 ? 0 : Math.min(initialMs * 2 ** rounds, maxMs);
          this.#options.onReconnect?.({ endpoint: peer.endpoint, error: err, delayMs });
        } finally {
          this.#current?.close();
          this.#current = undefined;
        }
      }
      rounds++;
      const limit = this.#options.maxReconnectRounds;
      if (limit !== undefined && rounds >= limit) {
        throw new TransactionError({
          code: 'EVENTS_FAILED',
          message: `event stream gave up after ${rounds} rounds over every peer: ${lastError?.message ?? 'no peer delivered'}`,
          cause: lastError,
        });
      }
      await this.#sleep(Math.min(initialMs * 2 ** (rounds - 1), maxMs));
    }
  }

  #decode(raw: ChaincodeEvent): ContractEvent<T> | undefined {
    if (raw.eventName !== this.#spec.eventName) return undefined;
    let payload: T;
    try {
      payload = JSON.parse(Buffer.from(raw.payload).toString('utf8')) as T;
    } catch {
      return undefined;
    }
    if (!this.#spec.accept(payload)) return undefined;
    return {
      eventName: raw.eventName,
      payload,
      transactionId: raw.transactionId,
      blockNumber: raw.blockNumber,
    };
  }
}

/** Options of {@link newRoundEventStream}. */
export interface RoundEventStreamOptions extends EventStreamOptions {
  /** Only this feed's rounds; every feed's when absent. */
  readonly feedId?: string;
}

/**
 * A resumable stream of `RoundReported` events: one per accepted report.
 *
 * @param options - connection, checkpoint file, optional feed filter and backoff
 * @returns the stream; iterate it once with `for await`, then `close()` it
 * @throws ConfigError `INVALID_CONFIG` (on iteration) when the checkpoint file is unreadable
 * @throws TransactionError `ACCESS_DENIED` (on iteration) when the identity may not read events
 * @throws TransactionError `EVENTS_FAILED` (on iteration) after `maxReconnectRounds`
 * @example
 * ```ts
 * const rounds = clients.newRoundEventStream({ connection: conn, checkpointPath: 'rounds.json' });
 * for await (const { payload } of rounds) {
 *   console.log(payload.feedId, payload.roundId, payload.answer);
 * }
 * ```
 */
export function newRoundEventStream(
  options: Readonly<RoundEventStreamOptions>,
): EventStream<RoundReportedPayload> {
  const feedId = options.feedId;
  return new EventStreamImpl<RoundReportedPayload>(options, {
    chaincode: 'consortium',
    eventName: ROUND_REPORTED_EVENT,
    accept: (p) => feedId === undefined || p.feedId === feedId,
  });
}

/** Options of {@link newMembershipEventStream}. */
export interface MembershipEventStreamOptions extends EventStreamOptions {
  /** Only events of this proposal; all when absent. */
  readonly proposalId?: string;
}

/**
 * A resumable stream of `MembershipEvent`s: one per membership transaction, listing its `types`.
 *
 * @param options - connection, checkpoint file, optional proposal filter and backoff
 * @returns the stream; iterate it once with `for await`, then `close()` it
 * @throws ConfigError `INVALID_CONFIG` (on iteration) when the checkpoint file is unreadable
 * @throws TransactionError `ACCESS_DENIED` (on iteration) when the identity may not read events
 * @throws TransactionError `EVENTS_FAILED` (on iteration) after `maxReconnectRounds`
 */
export function newMembershipEventStream(
  options: Readonly<MembershipEventStreamOptions>,
): EventStream<MembershipEventPayload> {
  const proposalId = options.proposalId;
  return new EventStreamImpl<MembershipEventPayload>(options, {
    chaincode: 'membership',
    eventName: MEMBERSHIP_EVENT,
    accept: (p) => proposalId === undefined || p.proposalId === proposalId,
  });
}
