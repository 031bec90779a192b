/**
 * Faults on the real test network for the gateway's recovery tests: signals to a node's process
 * group by the PID network.sh recorded, the Raft leader from the orderers' metrics, a closed-loop
 * submit load through the library, and a scan of the ledger's blocks to count every copy of a
 * transaction id with its validation code.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { common } from '@hyperledger/fabric-protos';
import { clients, type Connection } from '@oracle-consortium/gateway';
import { REPO_DIR } from '../network';

const execFileAsync = promisify(execFile);

/** Where the network described by `description` keeps its state, and its port base. */
export function networkOf(description: string): { home: string; portBase: number } {
  const home = dirname(description);
  const portBase = Number(process.env.PORT_BASE ?? '');
  if (!Number.isInteger(portBase) || portBase <= 0) {
    throw new Error('PORT_BASE must be set to the network’s port base for fault tests');
  }
  return { home, portBase };
}

/** Sends a signal to a node's process group (network.sh starts each node in its own session). */
export function signalNode(home: string, node: string, signal: NodeJS.Signals): void {
  const pid = Number(readFileSync(join(home, 'pids', `${node}.pid`), 'utf8').split(' ')[0]);
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no PID recorded for ${node}`);
  process.kill(-pid, signal);
}

/** Starts every node of the network that is not running (network.sh start is idempotent). */
export async function startStoppedNodes(home: string): Promise<void> {
  await execFileAsync('bash', [join(REPO_DIR, 'test-network', 'network.sh'), 'start'], {
    cwd: REPO_DIR,
    env: { ...process.env, NETWORK_HOME: home, NETWORK_NAME: home.split('/').pop() ?? '' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** The orderer (1-based) whose metrics say it leads Raft, polling for up to `waitMs`. */
export async function raftLeader(portBase: number, orderers = 3, waitMs = 20000): Promise<number> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    for (let n = 1; n <= orderers; n++) {
      try {
        const res = await fetch(`http://127.0.0.1:${portBase + 93 + 10 * n}/metrics`, {
          signal: AbortSignal.timeout(2000),
        });
        if (/^consensus_etcdraft_is_leader\{[^}]*\} 1$/m.test(await res.text())) return n;
      } catch {
        // not answering: killed, stopped or starting
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('no orderer reports consensus_etcdraft_is_leader 1');
}

/** One call of a load and how it settled. */
export interface LoadCall {
  readonly key: string;
  readonly value: string;
  readonly transactionId?: string;
  readonly error?: { readonly name: string; readonly code?: string; readonly message: string };
}

/**
 * Keeps `concurrency` kv puts in flight until `until` resolves, then waits for every call to settle.
 *
 * @returns every call with its outcome
 */
export async function putLoad(
  conn: Connection,
  concurrency: number,
  until: Promise<unknown>,
  prefix: string,
): Promise<LoadCall[]> {
  let stop = false;
  void until.then(() => {
    stop = true;
  });
  let next = 0;
  const calls: LoadCall[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stop) {
        const i = next++;
        const key = `${prefix}-${i}`;
        const value = String(i);
        try {
          const out = await conn.submit({
            chaincode: 'kv',
            transaction: 'put',
            arguments: [key, value],
          });
          calls.push({ key, value, transactionId: out.transactionId });
        } catch (err) {
          const e = err as Error & { code?: string };
          calls.push({
            key,
            value,
            error: { name: e.name, message: e.message, ...(e.code ? { code: e.code } : {}) },
          });
        }
      }
    }),
  );
  return calls;
}

async function qscc(conn: Connection, fn: string, ...args: string[]): Promise<Uint8Array> {
  return conn.evaluate({
    chaincode: 'qscc',
    transaction: fn,
    arguments: [conn.channelName, ...args],
  });
}

/** The channel's height as the connection's peer reports it. */
export async function chainHeight(conn: Connection): Promise<number> {
  return Number(await clients.ledgerHeight(conn));
}

/**
 * Every copy of every transaction id in blocks [from, height): the validation code of each copy,
 * in ledger order (a second copy of an id is DUPLICATE_TXID, 9).
 */
export async function ledgerCopies(conn: Connection, from: number): Promise<Map<string, number[]>> {
  const height = await chainHeight(conn);
  const copies = new Map<string, number[]>();
  for (let n = from; n < height; n++) {
    const block = common.Block.deserializeBinary(await qscc(conn, 'GetBlockByNumber', String(n)));
    const flags = block.getMetadata()?.getMetadataList_asU8()[
      common.BlockMetadataIndex.TRANSACTIONS_FILTER
    ];
    block
      .getData()
      ?.getDataList_asU8()
      .forEach((bytes, i) => {
        const envelope = common.Envelope.deserializeBinary(bytes);
        const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
        const header = common.ChannelHeader.deserializeBinary(
          payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
        );
        const id = header.getTxId();
        copies.set(id, [...(copies.get(id) ?? []), flags?.[i] ?? -1]);
      });
  }
  return copies;
}
