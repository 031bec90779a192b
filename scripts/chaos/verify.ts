/**
 * The chaos suite's verdict: each logical operation's client outcome held against the ledger
 * (every VALID transaction that wrote its key) and against the key read back from world state.
 * Pure, so every classification is unit-tested on real data shapes.
 */
import type { LedgerTx } from './ledger';
import { parseOpValue, type OpRecord } from './load';

/** What the ledger shows for an operation reported as unknown. */
export interface UnknownResolution {
  /** Operation id. */
  readonly op: number;
  /** Transaction id the client had, when it had one. */
  readonly transactionId: string | undefined;
  /** What the library said (first 300 characters). */
  readonly message: string;
  /** `committed` (one VALID transaction), `absent`, or `duplicated`. */
  readonly ledger: 'committed' | 'absent' | 'duplicated';
  /** Block of the VALID transaction, when committed. */
  readonly blockNumber?: number;
}

/** Counts of a verification, and the operation ids behind every anomaly. */
export interface Verification {
  /** Logical operations issued. */
  readonly operations: number;
  /** Reported committed and found committed once, as reported. */
  readonly committed: number;
  /** Reported failed and absent from the ledger, by error code. */
  readonly failedByCode: Readonly<Record<string, number>>;
  /** Total of `failedByCode`. */
  readonly failed: number;
  /** Reported committed but not on the ledger. */
  readonly lost: readonly number[];
  /** Committed VALID more than once. */
  readonly duplicated: readonly number[];
  /** Reported failed but committed VALID. */
  readonly phantom: readonly number[];
  /** Committed once, but the client was told another transaction id or block. */
  readonly misreported: readonly number[];
  /** Reported COMMIT_STATUS_UNKNOWN, with what the ledger shows for each. */
  readonly unknown: readonly UnknownResolution[];
  /** Transactions of this run on the ledger that were not VALID, by validation code. */
  readonly invalidOnLedger: Readonly<Record<string, number>>;
  /** VALID writes of this run's keys that name no operation of the run (or another run). */
  readonly strayWrites: readonly string[];
  /** Envelopes the ledger holds that could not be decoded (by transaction id or block:index). */
  readonly undecodable: readonly string[];
}

/** Inputs of {@link verify}. */
export interface VerifyInput {
  /** The run id every key and value carries. */
  readonly runId: string;
  /** Chaincode namespace the load wrote to. */
  readonly namespace: string;
  /** Every operation with its client outcome. */
  readonly ops: readonly OpRecord[];
  /** Every transaction of every block of the channel. */
  readonly transactions: readonly LedgerTx[];
  /** Each operation's key read back from world state: the value, or null when absent. */
  readonly readBack: ReadonlyMap<string, string | null>;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Classifies every operation against the ledger.
 *
 * @param input - the run's operations, the ledger's transactions and the keys read back
 * @returns counts and the ids behind each anomaly
 * @throws Error when an operation's key was not read back (the verification would be incomplete)
 */
export function verify(input: Readonly<VerifyInput>): Verification {
  const prefix = `chaos-${input.runId}-`;
  const opsByKey = new Map(input.ops.map((op) => [op.key, op]));
  const validWriters = new Map<number, { transactionId: string; blockNumber: number }[]>();
  const invalidOnLedger: Record<string, number> = {};
  const strayWrites: string[] = [];
  const undecodable: string[] = [];
  const ourTxIds = new Set<string>();
  for (const op of input.ops) {
    if (op.outcome.transactionId !== undefined) ourTxIds.add(op.outcome.transactionId);
  }

  for (const tx of input.transactions) {
    if (tx.undecodable !== undefined) {
      undecodable.push(tx.transactionId || `${String(tx.blockNumber)}:${String(tx.index)}`);
    }
    const ours = tx.writes.filter(
      (w) => w.namespace === input.namespace && w.key.startsWith(prefix),
    );
    if (ours.length === 0 && !ourTxIds.has(tx.transactionId)) continue;
    if (tx.validation !== 'VALID') {
      bump(invalidOnLedger, tx.validation);
      continue;
    }
    for (const w of ours) {
      const op = opsByKey.get(w.key);
      const value = parseOpValue(w.value);
      if (op === undefined || value?.run !== input.runId || value.op !== op.id) {
        strayWrites.push(`${w.key} in ${tx.transactionId}`);
        continue;
      }
      const list = validWriters.get(op.id) ?? [];
      list.push({ transactionId: tx.transactionId, blockNumber: tx.blockNumber });
      validWriters.set(op.id, list);
    }
  }

  let committed = 0;
  const failedByCode: Record<string, number> = {};
  const lost: number[] = [];
  const duplicated: number[] = [];
  const phantom: number[] = [];
  const misreported: number[] = [];
  const unknown: UnknownResolution[] = [];
  for (const op of input.ops) {
    if (!input.readBack.has(op.key)) {
      throw new Error(`operation ${String(op.id)}: key ${op.key} was not read back`);
    }
    const readValue = input.readBack.get(op.key) ?? null;
    const readOp = readValue === null ? undefined : parseOpValue(readValue);
    const readsBack = readOp?.run === input.runId && readOp.op === op.id;
    const writers = validWriters.get(op.id) ?? [];
    const o = op.outcome;
    if (o.kind === 'unknown') {
      const [first] = writers;
      unknown.push({
        op: op.id,
        transactionId: o.transactionId,
        message: o.message.slice(0, 300),
        ledger: writers.length > 1 ? 'duplicated' : first !== undefined ? 'committed' : 'absent',
        ...(first !== undefined ? { blockNumber: first.blockNumber } : {}),
      });
      if (writers.length > 1) duplicated.push(op.id);
      continue;
    }
    if (writers.length > 1) {
      duplicated.push(op.id);
    } else if (o.kind === 'committed') {
      const [w] = writers;
      if (w === undefined || !readsBack) lost.push(op.id);
      else if (w.transactionId !== o.transactionId || w.blockNumber !== o.blockNumber) {
        misreported.push(op.id);
      } else committed++;
    } else if (writers.length > 0 || readValue !== null) {
      phantom.push(op.id);
    } else {
      bump(failedByCode, o.code);
    }
  }
  return {
    operations: input.ops.length,
    committed,
    failedByCode,
    failed: Object.values(failedByCode).reduce((a, b) => a + b, 0),
    lost,
    duplicated,
    phantom,
    misreported,
    unknown,
    invalidOnLedger,
    strayWrites,
    undecodable,
  };
}

/**
 * Why a verification fails the run: any loss, duplicate, phantom, misreported transaction, stray
 * write or undecodable envelope.
 *
 * @param v - a verification
 * @returns one sentence per breach; empty when the run kept every promise
 */
export function breaches(v: Readonly<Verification>): string[] {
  const out: string[] = [];
  const say = (ids: readonly (number | string)[], what: string): void => {
    if (ids.length > 0) {
      out.push(
        `${String(ids.length)} ${what} (${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', ...' : ''})`,
      );
    }
  };
  say(v.lost, 'lost: reported committed but not on the ledger');
  say(v.duplicated, 'duplicated: committed VALID more than once');
  say(v.phantom, 'phantom: reported failed but committed VALID');
  say(v.misreported, 'misreported: committed under another transaction id or block than reported');
  say(v.strayWrites, 'stray writes of this run naming no operation');
  say(v.undecodable, 'undecodable envelopes on the ledger');
  return out;
}
