/**
 * Waiting until another member's peer has committed a block, for tests that write as one member
 * and read as another: the library's `clients.untilCommitted` with the tests' shorter timeout.
 */
import { clients, type Connection } from '@oracle-consortium/gateway';

/**
 * Waits until the peer that `connection`'s evaluations reach has committed `blockNumber`.
 *
 * @param connection - the reading member's connection
 * @param blockNumber - the block the write committed in
 * @param timeoutMs - how long to wait before failing
 * @throws ConnectionError `TIMEOUT` naming the block and the last height seen when it is not
 *   reached in time
 */
export function committedOn(
  connection: Connection,
  blockNumber: bigint,
  timeoutMs = 15_000,
): Promise<void> {
  return clients.untilCommitted(connection, blockNumber, { timeoutMs, intervalMs: 100 });
}
