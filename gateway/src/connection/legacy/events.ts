/**
 * Chaincode events from a peer's deliver service: full blocks (a filtered block carries no event
 * payloads), the events of valid transactions only, resuming after the checkpoint's transaction
 * in its block, as fabric-gateway's event streams do.
 */
import * as grpc from '@grpc/grpc-js';
import type { ChaincodeEvent, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { chaincodeEventsOf } from './blocks';
import { METHODS, readDeliver } from './rpc';

/**
 * The chaincode events of full blocks from a deliver stream.
 *
 * @param client - the peer's client
 * @param envelope - the signed seek envelope
 * @param chaincodeName - keep only this chaincode's events
 * @param startBlock - the first block the envelope asks for
 * @param afterTransaction - skip events in `startBlock` up to and including this transaction's
 * @returns the events; close the iterable to cancel the stream
 */
export function blockEvents(
  client: grpc.Client,
  envelope: Uint8Array,
  chaincodeName: string,
  startBlock: bigint,
  afterTransaction: string | undefined,
): CloseableAsyncIterable<ChaincodeEvent> {
  const queue: ChaincodeEvent[] = [];
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  let skipping = afterTransaction !== undefined;
  const { result, stream } = readDeliver<never>(
    client,
    METHODS.deliver,
    envelope,
    undefined,
    (response) => {
      const block = response.getBlock();
      if (block === undefined) return { done: false };
      for (const event of chaincodeEventsOf(block, chaincodeName)) {
        if (skipping && event.blockNumber === startBlock) {
          if (event.transactionId === afterTransaction) skipping = false;
          continue;
        }
        skipping = false;
        queue.push(event);
      }
      if (BigInt(block.getHeader()?.getNumber() ?? 0) >= startBlock) skipping = false;
      wake?.();
      return { done: false };
    },
  );
  result.catch((err: unknown) => {
    failure = err;
    ended = true;
    wake?.();
  });
  const close = () => {
    ended = true;
    stream.cancel();
    wake?.();
  };
  return {
    close,
    [Symbol.dispose]: close,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (ended) {
          const code = (failure as { code?: unknown } | undefined)?.code;
          if (failure !== undefined && code !== grpc.status.CANCELLED) {
            throw failure instanceof Error ? failure : new Error('the block stream failed');
          }
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
  };
}
