/**
 * Waiting until another member's peer has committed a block, for tests that write as one member
 * and read as another. A submit returns once the peer its client asked has committed the
 * transaction; every other peer commits the same block on its own a moment later, so a read
 * through a second member's connection can precede it.
 */
import { common } from '@hyperledger/fabric-protos';
import type { Connection } from '@oracle-consortium/gateway';

/**
 * Polls the ledger height that `connection` reads (qscc `GetChainInfo`, answered by the peer its
 * evaluations go to) until it covers `blockNumber`.
 *
 * @param connection - the reading member's connection
 * @param blockNumber - the block the write committed in
 * @param timeoutMs - how long to wait before failing
 * @throws Error naming the block and the last height seen when it is not reached in time
 */
export async function committedOn(
  connection: Connection,
  blockNumber: bigint,
  timeoutMs = 15_000,
): Promise<void> {
  const by = Date.now() + timeoutMs;
  for (;;) {
    const bytes = await connection.evaluate({
      chaincode: 'qscc',
      transaction: 'GetChainInfo',
      arguments: [connection.channelName],
    });
    const height = BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
    if (height > blockNumber) return;
    if (Date.now() > by) {
      throw new Error(
        `block ${blockNumber} not committed on the reader's peer within ${timeoutMs} ms (height ${height})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
