/**
 * Relays the ledger's events and the nodes' state changes to the pages: each `RoundReported` and
 * `MembershipEvent` from the library's event streams, and each changed node snapshot, becomes a
 * server-sent event. The pages re-read what an event concerns; nothing here polls the chaincode.
 */
import type { ContractEvent, EventStream } from '@oracle-consortium/gateway';
import type { ConsoleBackend } from '../backend';
import type { EventHub } from '../http/sse';

/** A running relay. */
export interface Relay {
  /** Stops the streams and the monitor listener. Idempotent. */
  close(): void;
  /** Settles when both streams have ended (after `close()`, or when one failed for good). */
  readonly done: Promise<void>;
}

async function pump<T>(
  stream: EventStream<T>,
  hub: EventHub,
  event: string,
  log: (message: string) => void,
): Promise<void> {
  try {
    for await (const e of stream as AsyncIterable<ContractEvent<T>>) {
      hub.publish(event, {
        payload: e.payload,
        transactionId: e.transactionId,
        blockNumber: e.blockNumber.toString(),
      });
    }
  } catch (err) {
    // The library reconnects by itself; what reaches here is final (access refused, say).
    log(`the ${event} event stream stopped: ${(err as Error).message}`);
    hub.publish('stream-error', { stream: event, message: (err as Error).message });
  }
}

/**
 * Starts relaying.
 *
 * @param backend - the backend whose streams and monitor to relay
 * @param hub - where to publish
 * @param log - where to report a stream that stopped for good
 * @returns the relay
 */
export async function startRelay(
  backend: ConsoleBackend,
  hub: EventHub,
  log: (message: string) => void,
): Promise<Relay> {
  const removeListener = backend.monitor.onChange((snapshot) => {
    hub.publish('network', snapshot);
  });
  backend.monitor.start();
  const streams = await backend.openStreams();
  // Both start positions are fixed before the relay reports itself started.
  await Promise.all([streams.rounds.checkpointer, streams.membership.checkpointer]);
  const done = Promise.all([
    pump(streams.rounds, hub, 'round', log),
    pump(streams.membership, hub, 'membership', log),
  ]).then(() => undefined);
  let closed = false;
  return {
    done,
    close() {
      if (closed) return;
      closed = true;
      removeListener();
      streams.rounds.close();
      streams.membership.close();
    },
  };
}
