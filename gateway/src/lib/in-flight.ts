/**
 * The gRPC calls in flight on each client. Closing a gRPC channel lets its calls run to their
 * deadlines, so a connection's close cancels them itself: every unary call and stream the
 * library opens is registered here while it runs.
 */
import type * as grpc from '@grpc/grpc-js';

const inFlight = new WeakMap<grpc.Client, Set<{ cancel(): void }>>();

/**
 * Registers a call until it ends.
 *
 * @param client - the client the call runs on
 * @param call - the call (anything with `cancel()`)
 * @returns what to call once the call has ended
 */
export function trackCall(client: grpc.Client, call: { cancel(): void }): () => void {
  let calls = inFlight.get(client);
  if (calls === undefined) {
    calls = new Set();
    inFlight.set(client, calls);
  }
  const mine = calls;
  mine.add(call);
  return () => {
    mine.delete(call);
  };
}

/**
 * Cancels every call in flight on a client; each ends with gRPC's CANCELLED. Called before the
 * client is closed.
 *
 * @param client - the peer's or orderer's client
 */
export function cancelCalls(client: grpc.Client): void {
  const calls = inFlight.get(client);
  if (calls === undefined) return;
  inFlight.delete(client);
  for (const call of calls) call.cancel();
}
