/**
 * How far the ledger a connection reads has got. A submit returns once the peer its connection
 * asked has committed the transaction; another member's peers commit the same block on their own a
 * moment later, so a read through that member's connection can come before it. `untilCommitted`
 * is how the reading side waits for a block it was told about (its number is on every submit's
 * result).
 */
import { common } from '@hyperledger/fabric-protos';
import type { Connection } from '../connection/connection';
import { ConnectionError, InputError } from '../errors';

/**
 * The height of the channel's ledger on the peer that answers the connection's evaluations (qscc
 * `GetChainInfo`): the number of the next block it will commit.
 *
 * @param connection - the reading member's connection
 * @returns the height
 * @throws ConnectionError or TransactionError as {@link Connection.evaluate} does
 */
export async function ledgerHeight(connection: Connection): Promise<bigint> {
  const bytes = await connection.evaluate({
    chaincode: 'qscc',
    transaction: 'GetChainInfo',
    arguments: [connection.channelName],
  });
  return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
}

/** How long {@link untilCommitted} waits, and how often it asks. */
export interface UntilCommittedOptions {
  /** Give up after this many milliseconds; default 30,000. */
  readonly timeoutMs?: number;
  /** Ask the peer again after this many milliseconds; default 200. */
  readonly intervalMs?: number;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError({
      code: 'INVALID_INPUT',
      message: `${name} must be a positive number of milliseconds, got ${String(value)}`,
    });
  }
  return value;
}

/**
 * Waits until the peer that answers the connection's evaluations has committed `blockNumber`, so
 * that what another member wrote in that block can be read through this connection.
 *
 * @param connection - the reading member's connection
 * @param blockNumber - the block the write committed in (`blockNumber` of a submit's result)
 * @param options - timeout and polling interval
 * @throws InputError `INVALID_INPUT` for a negative block number or a timeout or interval that is
 *   not a positive number, before anything is asked
 * @throws ConnectionError `TIMEOUT`, naming the block and the last height seen, when the peer has
 *   not reached it in time
 * @throws ConnectionError or TransactionError as {@link Connection.evaluate} does
 * @example
 * ```ts
 * const granted = await providerFeeds.grantSubscription(feedId, 'Org2MSP');
 * await clients.untilCommitted(consumerConnection, granted.blockNumber);
 * ```
 */
export async function untilCommitted(
  connection: Connection,
  blockNumber: bigint,
  options: Readonly<UntilCommittedOptions> = {},
): Promise<void> {
  if (blockNumber < 0n) {
    throw new InputError({
      code: 'INVALID_INPUT',
      message: `block number must not be negative, got ${String(blockNumber)}`,
    });
  }
  const timeoutMs = positive(options.timeoutMs ?? 30_000, 'timeoutMs');
  const intervalMs = positive(options.intervalMs ?? 200, 'intervalMs');
  const by = Date.now() + timeoutMs;
  for (;;) {
    const height = await ledgerHeight(connection);
    if (height > blockNumber) return;
    if (Date.now() >= by) {
      throw new ConnectionError({
        code: 'TIMEOUT',
        endpoint: connection
          .peers()
          .filter((p) => p.mspId === connection.mspId)
          .map((p) => p.endpoint)
          .join(', '),
        message: `block ${String(blockNumber)} was not committed by ${connection.mspId}'s peer within ${String(timeoutMs)} ms (its ledger height stayed at ${String(height)})`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, by - Date.now())));
  }
}
