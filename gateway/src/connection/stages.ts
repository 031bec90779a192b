/**
 * Running one stage of a call (evaluate, endorse, a status read) on the pool's peers: the stage's
 * deadline bounds each peer, a peer at fault (unreachable, stalled, TLS) is marked and the next one
 * tried, any other answer ends the stage. Also the classification of errors every stage shares.
 */
import {
  ConnectionError,
  ConsortiumError,
  TransactionError,
  translateError,
  type Operation,
} from '../errors';
import type { PeerPool, PoolPeer } from './peer-pool';

const PEER_FAULTS: ReadonlySet<string> = new Set(['UNAVAILABLE', 'TIMEOUT', 'TLS_ERROR']);

// What a peer's Gateway service answers when it could not hand the envelope to the ordering
// service ("no orderer nodes available", "no orderers could successfully process transaction"),
// and what the legacy transport says when no orderer took it.
const ORDERING_UNAVAILABLE = /\bno orderers? |ordering service unavailable/i;

/**
 * Whether the peer's gateway answered that the ordering service could not take the envelope (no
 * Raft leader, no orderer reachable). The peer itself is fine; only a later resend can help.
 *
 * @param err - a translated error
 * @returns true for the ordering service's unavailability
 */
export function isOrderingUnavailable(err: ConsortiumError): boolean {
  if (!(err instanceof ConnectionError) || err.code !== 'UNAVAILABLE') return false;
  // The words of the answer itself: the translated message starts with the peer's endpoint, whose
  // host name may well contain "orderer" (peer0.orderer-org.example.com) while the peer is down.
  const answer = [
    err.cause instanceof Error ? err.cause.message : err.message,
    ...err.details.map((d) => d.message),
  ].join('\n');
  return ORDERING_UNAVAILABLE.test(answer);
}

/**
 * Whether an error says the peer itself is at fault: unreachable, stalled past the stage deadline
 * or failing TLS, so the next peer should be tried.
 *
 * @param err - a translated error
 * @returns true when another peer may succeed
 */
export function isPeerFault(err: ConsortiumError): boolean {
  return err instanceof ConnectionError && PEER_FAULTS.has(err.code) && !isOrderingUnavailable(err);
}

/**
 * Whether a failed call certainly never delivered its request: the client could not open a
 * connection at all. Anything else (a dropped connection, a deadline) may have delivered it.
 *
 * @param err - a translated error
 * @returns true only when nothing can have reached the peer
 */
export function neverDelivered(err: ConsortiumError): boolean {
  return (
    err instanceof ConnectionError &&
    (err.code === 'TLS_ERROR' ||
      (err.code === 'UNAVAILABLE' &&
        /No connection established|ECONNREFUSED|failed to connect|Name resolution failed|getaddrinfo/i.test(
          err.message,
        )))
  );
}

/**
 * The error of a stage that no peer could serve.
 *
 * @param operation - the stage
 * @param pool - the peers, named in the error's endpoint
 * @param failures - what each peer failed with
 * @param transactionId - the transaction concerned, when there is one
 * @returns ConnectionError `TLS_ERROR` when every failure was TLS, else `UNAVAILABLE`
 */
export function noPeerError(
  operation: Operation,
  pool: PeerPool,
  failures: readonly ConsortiumError[],
  transactionId: string | undefined,
): ConnectionError {
  return new ConnectionError({
    code:
      failures.length > 0 && failures.every((f) => f.code === 'TLS_ERROR')
        ? 'TLS_ERROR'
        : 'UNAVAILABLE',
    message:
      failures.length === 0
        ? `${operation} found no peer it may use`
        : `${operation} failed on every peer: ${failures.map((f) => f.message).join(' | ')}`,
    endpoint: pool.all.map((p) => p.transport.endpoint).join(','),
    cause: failures[failures.length - 1],
    ...(transactionId !== undefined ? { transactionId } : {}),
  });
}

/**
 * Translates what a call to a peer threw, naming the peer and transaction.
 *
 * @param raw - what was caught
 * @param operation - the stage
 * @param peer - the peer called
 * @param transactionId - the transaction concerned, when there is one
 * @returns the typed error
 */
export function translateFor(
  raw: unknown,
  operation: Operation,
  peer: PoolPeer,
  transactionId: string | undefined,
): ConsortiumError {
  return translateError(raw, {
    operation,
    endpoint: peer.transport.endpoint,
    ...(transactionId !== undefined ? { transactionId } : {}),
  });
}

/**
 * Runs a stage on one peer after another until one answers. Each peer is tried at most once.
 *
 * @param pool - the peers
 * @param operation - the stage, for errors
 * @param transactionId - the transaction concerned, when there is one
 * @param foreign - whether other members' peers may serve the stage
 * @param call - the stage on one peer; it applies the stage deadline itself
 * @returns the first answer
 * @throws the peer's error when a peer answered with a failure (the request, not the peer, is at
 *   fault), or ConnectionError `UNAVAILABLE`/`TLS_ERROR` when every peer failed
 */
export async function onAnyPeer<T>(
  pool: PeerPool,
  operation: Operation,
  transactionId: string | undefined,
  foreign: boolean,
  call: (peer: PoolPeer) => Promise<T>,
): Promise<T> {
  const tried = new Set<PoolPeer>();
  const failures: ConsortiumError[] = [];
  for (;;) {
    const peer = pool.pick({ exclude: tried, foreign });
    if (peer === undefined) break;
    tried.add(peer);
    const started = Date.now();
    try {
      const out = await call(peer);
      pool.succeeded(peer);
      return out;
    } catch (raw) {
      const err = translateFor(raw, operation, peer, transactionId);
      if (!isPeerFault(err)) {
        // The peer answered: it is alive, and another peer would refuse the request the same way.
        pool.succeeded(peer);
        throw err;
      }
      pool.failed(peer, started);
      failures.push(err);
    }
  }
  throw noPeerError(operation, pool, failures, transactionId);
}

/**
 * A submitted transaction whose outcome could not be read: it may or may not commit.
 *
 * @param transactionId - the transaction
 * @param reason - why the outcome is unknown
 * @param cause - the last error, when there is one
 * @returns TransactionError `COMMIT_STATUS_UNKNOWN`
 */
export function statusUnknown(
  transactionId: string,
  reason: string,
  cause?: ConsortiumError,
): TransactionError {
  return new TransactionError({
    code: 'COMMIT_STATUS_UNKNOWN',
    message: `transaction ${transactionId} was submitted but whether it committed cannot be told: ${reason}`,
    transactionId,
    ...(cause !== undefined ? { cause } : {}),
  });
}
