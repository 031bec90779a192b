import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ChaincodeEvent, Checkpointer } from '@hyperledger/fabric-gateway';
import { ConfigError } from '../errors';

/**
 * Where an event stream has got to: the next block to read and the last transaction already
 * handled in it. Compatible with fabric-gateway's `Checkpointer`.
 */
export interface EventCheckpointer extends Checkpointer {
  /** The file the position is kept in. */
  readonly path: string;
}

interface State {
  blockNumber?: string;
  transactionId?: string;
}

class FileCheckpointer implements EventCheckpointer {
  readonly path: string;
  #blockNumber: bigint | undefined;
  #transactionId: string | undefined;

  constructor(path: string, state: State) {
    this.path = path;
    this.#blockNumber = state.blockNumber !== undefined ? BigInt(state.blockNumber) : undefined;
    this.#transactionId = state.transactionId;
  }

  getBlockNumber(): bigint | undefined {
    return this.#blockNumber;
  }

  getTransactionId(): string | undefined {
    return this.#transactionId;
  }

  async checkpointBlock(blockNumber: bigint): Promise<void> {
    await this.#save(blockNumber + 1n, undefined);
  }

  async checkpointTransaction(blockNumber: bigint, transactionId: string): Promise<void> {
    await this.#save(blockNumber, transactionId);
  }

  async checkpointChaincodeEvent(event: ChaincodeEvent): Promise<void> {
    await this.#save(event.blockNumber, event.transactionId);
  }

  // Written to a temporary file and renamed over the old one, so a crash mid-write leaves the
  // previous position rather than a truncated file (fabric-gateway's file checkpointer writes
  // in place).
  async #save(blockNumber: bigint, transactionId: string | undefined): Promise<void> {
    const state: State = {
      blockNumber: blockNumber.toString(),
      ...(transactionId !== undefined ? { transactionId } : {}),
    };
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(state));
    await rename(tmp, this.path);
    this.#blockNumber = blockNumber;
    this.#transactionId = transactionId;
  }
}

/**
 * Opens (or creates) a checkpoint file. Its content is `{"blockNumber":"<n>","transactionId":"<id>"}`.
 *
 * @param path - the checkpoint file; its directory is created when missing
 * @returns the checkpointer, positioned where the file says
 * @throws ConfigError `INVALID_CONFIG` when the file exists but is not a checkpoint
 */
export async function newFileCheckpointer(path: string): Promise<EventCheckpointer> {
  await mkdir(dirname(path), { recursive: true });
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: `cannot read checkpoint ${path}`,
        cause: err,
      });
    }
  }
  let state: State = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      const parsed = JSON.parse(text) as State;
      if (parsed.blockNumber !== undefined && !/^[0-9]+$/.test(parsed.blockNumber)) {
        throw new Error('blockNumber is not a decimal string');
      }
      state = parsed;
    } catch (cause) {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: `checkpoint ${path} is not a checkpoint file`,
        cause,
      });
    }
  }
  return new FileCheckpointer(path, state);
}
