/**
 * The submit state machine: from a signed transaction to a known outcome. It sends the envelope,
 * waits a short window for the commit, and when the window passes asks the ledger (through another
 * peer) whether the transaction is there before sending the identical envelope again through that
 * peer, with growing windows, until the overall deadline. It never builds a second transaction for
 * the same call, so a resend can at worst be ordered twice, and Fabric then marks the later copy
 * DUPLICATE_TXID while the ledger keeps answering with the first copy's status.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ConnectionError, ConsortiumError, TransactionError, validationCodeName } from '../errors';
import type { PeerPool, PoolPeer } from './peer-pool';
import {
  isOrderingUnavailable,
  isPeerFault,
  neverDelivered,
  noPeerError,
  statusUnknown,
  translateFor,
} from './stages';
import type { CommitStatusAnswer, SignedBytes } from './transport';

/** Fabric's TxValidationCode for a second copy of a transaction id. */
export const DUPLICATE_TXID = 9;

/** Deadlines and pauses of the state machine, in ms. */
export interface SubmitTimings {
  /** One send through one peer. */
  readonly submitMs: number;
  /** Overall, from the first send. */
  readonly commitStatusMs: number;
  /** First wait for the commit after a send. */
  readonly commitWindowMs: number;
  /** Ledger read before a resend. */
  readonly statusProbeMs: number;
  /** First pause after the ordering service refused the envelope. */
  readonly orderingRetryMs: number;
}

/** A transaction ready to send: envelope and commit-status request, both signed. */
export interface SignedTransaction {
  /** Transaction id. */
  readonly transactionId: string;
  /** The signed envelope; the same bytes on every send. */
  readonly transaction: SignedBytes;
  /** The signed commit-status request. */
  readonly commit: SignedBytes;
  /** Whether other members' peers may carry it. */
  readonly foreign: boolean;
}

/** How a submit ended. */
export interface Settled {
  /** The ledger's status of the transaction. */
  readonly status: CommitStatusAnswer;
  /** Times the envelope was handed to a peer. */
  readonly attempts: number;
}

/** What the state machine needs from its connection. */
export interface SubmitContext {
  /** The peers. */
  readonly pool: PeerPool;
  /** Deadlines. */
  readonly timings: SubmitTimings;
  /** Whether the connection was closed. */
  readonly isClosed: () => boolean;
}

/** Outcome of one status read: an answer, or nothing yet (refusals are thrown). */
type Read = { kind: 'answer'; answer: CommitStatusAnswer } | { kind: 'none' };

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });

/**
 * Turns a ledger status into the call's result.
 *
 * @param answer - the status
 * @returns the answer when the transaction is valid
 * @throws TransactionError `COMMIT_FAILED` with the validation code otherwise
 */
export function settle(answer: CommitStatusAnswer): CommitStatusAnswer {
  if (answer.code !== 0) {
    const validationCode = validationCodeName(answer.code);
    throw new TransactionError({
      code: 'COMMIT_FAILED',
      message: `transaction ${answer.transactionId} failed validation with ${validationCode} in block ${answer.blockNumber}`,
      transactionId: answer.transactionId,
      validationCode,
    });
  }
  return answer;
}

class Run {
  readonly #ctx: SubmitContext;
  readonly #tx: SignedTransaction;
  readonly timings: SubmitTimings;
  readonly #deadline: number;
  readonly failures: ConsortiumError[] = [];
  attempts = 0;
  /** Whether some copy of the envelope may have reached the ordering service. */
  maybeSent = false;

  constructor(ctx: SubmitContext, tx: SignedTransaction) {
    this.#ctx = ctx;
    this.#tx = tx;
    this.timings = ctx.timings;
    this.#deadline = Date.now() + ctx.timings.commitStatusMs;
  }

  remaining(): number {
    return this.#deadline - Date.now();
  }

  /**
   * Reads the status through one peer for at most `ms`. A DUPLICATE_TXID answer is never the
   * outcome: the peer answers a commit-status request from its ledger index, which keeps the first
   * copy of a transaction id, so the status is read again (through another peer when there is one)
   * and only a first copy's status settles the call.
   */
  async read(peer: PoolPeer, ms: number, release = true): Promise<Read> {
    const id = this.#tx.transactionId;
    let current = peer;
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      let answer: CommitStatusAnswer;
      try {
        answer = await current.transport.commitStatus(
          this.#tx.commit,
          started + Math.max(1, Math.min(ms, this.remaining())),
        );
      } catch (raw) {
        const err = translateFor(raw, 'commitStatus', current, id);
        // Cancelled by the connection's close: the outcome stays unknown.
        if (this.#ctx.isClosed()) throw statusUnknown(id, 'the connection was closed', err);
        if (err instanceof ConnectionError && err.code === 'TIMEOUT') {
          // Not committed yet, or the peer stalled: a window proves nothing about the peer. A
          // caller about to send through the same peer keeps its probe slot until the send ends.
          if (release) this.#ctx.pool.released(current, started);
          return { kind: 'none' };
        }
        if (isPeerFault(err)) {
          this.#ctx.pool.failed(current, started);
          this.failures.push(err);
          return { kind: 'none' };
        }
        this.#ctx.pool.succeeded(current);
        if (err instanceof TransactionError && err.code === 'COMMIT_FAILED') throw err;
        // Refused (access, malformed request): no peer will answer otherwise, so stop here.
        throw statusUnknown(id, err.message, err);
      }
      this.#ctx.pool.succeeded(current);
      if (answer.code !== DUPLICATE_TXID) return { kind: 'answer', answer };
      current = this.#ctx.pool.pick({ avoid: current, foreign: this.#tx.foreign }) ?? current;
    }
    throw statusUnknown(
      id,
      'every status read answered DUPLICATE_TXID, the status of a later copy, and none the first',
    );
  }

  /** Sends the envelope through one peer; returns whether it was handed over. */
  async send(peer: PoolPeer): Promise<'sent' | 'peer-fault' | 'ordering-unavailable'> {
    const started = Date.now();
    const budget = Math.max(1, Math.min(this.#ctx.timings.submitMs, this.remaining()));
    this.attempts++;
    try {
      await peer.transport.submit(this.#tx.transaction, started + budget);
    } catch (raw) {
      const err = translateFor(raw, 'submit', peer, this.#tx.transactionId);
      this.failures.push(err);
      const failure = sendFailure(err);
      // A send cut short by the overall deadline says nothing about the peer.
      const cut = err.code === 'TIMEOUT' && budget < this.#ctx.timings.submitMs;
      settleSend(this.#ctx.pool, peer, started, failure, cut);
      if (failure.mayBeSent) this.maybeSent = true;
      if (failure.kind !== 'refused') return failure.kind;
      if (!this.maybeSent) throw err;
      // The ordering service refused this copy, but an earlier one may be in flight: only the
      // ledger can settle the call now, and a failure must not be reported while it may commit.
      throw new RefusedResend(err);
    }
    settleSend(this.#ctx.pool, peer, started, undefined, false);
    this.maybeSent = true;
    return 'sent';
  }
}

/** What a failed send says about the peer it went through and about the envelope. */
export interface SendFailure {
  /**
   * `ordering-unavailable`: the peer answered that no orderer took the envelope; `peer-fault`:
   * the peer failed or the call broke off; `refused`: the peer or the orderers refused it, as
   * every peer would.
   */
  readonly kind: 'ordering-unavailable' | 'peer-fault' | 'refused';
  /** Whether the envelope may have reached the ordering service, so only the ledger can tell. */
  readonly mayBeSent: boolean;
}

/**
 * Classifies a send's failure, for the online submit and the offline one alike.
 *
 * @param err - the translated error of a send
 * @returns what the failure says about the peer and the envelope
 */
export function sendFailure(err: ConsortiumError): SendFailure {
  // Some orderer may have taken the envelope before failing, so it may still be ordered.
  if (isOrderingUnavailable(err)) return { kind: 'ordering-unavailable', mayBeSent: true };
  if (isPeerFault(err)) return { kind: 'peer-fault', mayBeSent: !neverDelivered(err) };
  // The call broke off after the envelope went out (a reset stream, a proxy's error): the peer may
  // have handed it to the orderers, as after a dropped connection.
  if (mayHaveDelivered(err)) return { kind: 'peer-fault', mayBeSent: true };
  return { kind: 'refused', mayBeSent: false };
}

/**
 * Records in the pool what a send said about its peer.
 *
 * @param pool - the peers
 * @param peer - the peer the send went through
 * @param started - when the send started
 * @param failure - how it failed, or undefined when the envelope was handed over
 * @param cut - whether the send's own deadline was cut short by the call's, so a timeout proves
 *   nothing about the peer
 */
export function settleSend(
  pool: PeerPool,
  peer: PoolPeer,
  started: number,
  failure: SendFailure | undefined,
  cut: boolean,
): void {
  if (failure?.kind === 'peer-fault') {
    if (cut) pool.released(peer, started);
    else pool.failed(peer, started);
  } else if (peer.transport.kind === 'legacy') {
    // The legacy wire hands the envelope to the orderers itself: an answer from them says nothing
    // about the peer, so a stalled peer whose probe slot a send used stays suspect.
    pool.released(peer, started);
  } else {
    pool.succeeded(peer);
  }
}

// gRPC statuses a submit can end with after its request was written, none of them an answer of the
// peer's Gateway service (which refuses with INVALID_ARGUMENT, FAILED_PRECONDITION or ABORTED, and
// reports the orderers' unavailability as UNAVAILABLE): the transport broke off, so whether the
// envelope reached the ordering service is unknown.
const BROKEN_OFF: ReadonlySet<number> = new Set([
  GrpcStatus.CANCELLED,
  GrpcStatus.UNKNOWN,
  GrpcStatus.INTERNAL,
  GrpcStatus.DATA_LOSS,
]);

/**
 * Whether a send's failure leaves the envelope's delivery unknown, though neither a peer fault nor
 * the ordering service's unavailability: the call broke off with a transport status.
 *
 * @param err - the translated error of a send
 * @returns true when the envelope may have been handed over
 */
function mayHaveDelivered(err: ConsortiumError): boolean {
  return (
    err instanceof TransactionError &&
    err.grpcStatus !== undefined &&
    BROKEN_OFF.has(err.grpcStatus)
  );
}

/** A read that failed at once (peer down) waits a little, so dead peers are not called in a loop. */
async function pause(started: number, run: Run): Promise<void> {
  if (Date.now() - started < 100)
    await sleep(Math.min(run.timings.orderingRetryMs, run.remaining()));
}

class RefusedResend extends Error {
  readonly error: ConsortiumError;
  constructor(error: ConsortiumError) {
    super(error.message);
    this.error = error;
  }
}

/**
 * Submits a signed transaction and waits until its outcome is known or the overall deadline passes.
 *
 * @param ctx - pool, deadlines and the connection's closed flag
 * @param tx - the signed envelope and commit-status request
 * @returns the valid transaction's status and the number of sends
 * @throws TransactionError `COMMIT_FAILED` when the transaction is invalid
 * @throws TransactionError `SUBMIT_FAILED`/`ACCESS_DENIED` when the first send was refused
 * @throws ConnectionError `UNAVAILABLE` when no peer could be reached and nothing was sent
 * @throws TransactionError `COMMIT_STATUS_UNKNOWN` when something was sent and its outcome could
 *   not be read before the deadline
 */
export async function submitAndWait(ctx: SubmitContext, tx: SignedTransaction): Promise<Settled> {
  const run = new Run(ctx, tx);
  const { pool, timings } = ctx;
  const id = tx.transactionId;
  let window = timings.commitWindowMs;
  let orderingDelay = timings.orderingRetryMs;
  let last: PoolPeer | undefined;
  const tried = new Set<PoolPeer>();
  /** The peer whose last commit window ran out without an answer. */
  let quiet: { peer: PoolPeer; started: number } | undefined;
  const done = (answer: CommitStatusAnswer): Settled => ({
    status: settle(answer),
    attempts: run.attempts,
  });
  while (run.remaining() > 0) {
    if (ctx.isClosed()) {
      if (run.maybeSent) throw statusUnknown(id, 'the connection was closed');
      throw new ConnectionError({
        code: 'CLOSED',
        message: 'the connection is closed',
        endpoint: '',
      });
    }
    const peer = pool.pick({
      exclude: tried,
      foreign: tx.foreign,
      ...(last ? { avoid: last } : {}),
    });
    if (peer === undefined) {
      // Every peer failed in this pass.
      if (!run.maybeSent) throw noPeerError('submit', pool, run.failures, id);
      tried.clear();
      await sleep(Math.min(orderingDelay, run.remaining()));
      orderingDelay = Math.min(orderingDelay * 2, timings.orderingRetryMs * 4);
      continue;
    }
    tried.add(peer);
    last = peer;
    if (run.maybeSent) {
      // Ask before resending: the earlier copy may have committed while its window ran out.
      const probeStarted = Date.now();
      const read = await run.read(peer, timings.statusProbeMs, false);
      if (read.kind === 'answer') {
        // Another peer has the commit the last window waited for in vain: that peer is stalled
        // or far behind, so new calls should not go to it until it answers again.
        if (quiet !== undefined && quiet.peer !== peer) pool.failed(quiet.peer, quiet.started);
        return done(read.answer);
      }
      if (run.remaining() <= 0) {
        pool.released(peer, probeStarted);
        break;
      }
    }
    let outcome: Awaited<ReturnType<Run['send']>>;
    try {
      outcome = await run.send(peer);
    } catch (err) {
      if (!(err instanceof RefusedResend)) throw err;
      return waitOnly(run, pool, tx, err.error);
    }
    if (outcome === 'peer-fault') continue;
    if (outcome === 'ordering-unavailable') {
      tried.clear();
      await sleep(Math.min(orderingDelay, run.remaining()));
      orderingDelay = Math.min(orderingDelay * 2, timings.orderingRetryMs * 4);
      continue;
    }
    orderingDelay = timings.orderingRetryMs;
    tried.clear();
    const windowStarted = Date.now();
    const read = await run.read(peer, window);
    if (read.kind === 'answer') return done(read.answer);
    quiet = { peer, started: windowStarted };
    window = Math.min(window * 2, timings.commitWindowMs * 16);
  }
  if (!run.maybeSent) throw noPeerError('submit', pool, run.failures, id);
  throw statusUnknown(
    id,
    `no peer reported it committed within ${timings.commitStatusMs} ms after ${run.attempts} send(s)${
      run.failures.length > 0
        ? `; last error: ${run.failures[run.failures.length - 1]?.message}`
        : ''
    }`,
    run.failures[run.failures.length - 1],
  );
}

/** After a resend was refused, the call can only wait for an earlier copy's status. */
async function waitOnly(
  run: Run,
  pool: PeerPool,
  tx: SignedTransaction,
  refusal: ConsortiumError,
): Promise<Settled> {
  let last: PoolPeer | undefined;
  while (run.remaining() > 0) {
    const peer = pool.pick({ foreign: tx.foreign, ...(last ? { avoid: last } : {}) });
    if (peer === undefined) break;
    last = peer;
    const started = Date.now();
    const read = await run.read(peer, Math.min(run.timings.commitWindowMs, run.remaining()));
    if (read.kind === 'answer') return { status: settle(read.answer), attempts: run.attempts };
    await pause(started, run);
  }
  throw statusUnknown(
    tx.transactionId,
    `an earlier copy may have been ordered; the resend was refused: ${refusal.message}`,
    refusal,
  );
}

/**
 * Waits for a transaction's status without sending anything (offline signing's last step), moving
 * to the next peer after each window so a stalled peer does not hold the call.
 *
 * @param ctx - pool, deadlines and the connection's closed flag
 * @param commit - the signed commit-status request
 * @param transactionId - the transaction
 * @returns the valid transaction's status
 * @throws TransactionError `COMMIT_FAILED` when the transaction is invalid
 * @throws TransactionError `COMMIT_STATUS_UNKNOWN` when no peer reported it before the deadline
 */
export async function waitForStatus(
  ctx: SubmitContext,
  commit: SignedBytes,
  transactionId: string,
): Promise<CommitStatusAnswer> {
  const run = new Run(ctx, {
    transactionId,
    commit,
    transaction: { bytes: new Uint8Array(), signature: new Uint8Array() },
    foreign: true,
  });
  let window = ctx.timings.commitWindowMs;
  let last: PoolPeer | undefined;
  while (run.remaining() > 0 && !ctx.isClosed()) {
    const peer = ctx.pool.pick(last ? { avoid: last } : {});
    if (peer === undefined) break;
    last = peer;
    const started = Date.now();
    const read = await run.read(peer, window);
    if (read.kind === 'answer') return settle(read.answer);
    window = Math.min(window * 2, ctx.timings.commitWindowMs * 16);
    await pause(started, run);
  }
  throw statusUnknown(
    transactionId,
    ctx.isClosed()
      ? 'the connection was closed'
      : `no peer reported it committed within ${ctx.timings.commitStatusMs} ms`,
    run.failures[run.failures.length - 1],
  );
}
