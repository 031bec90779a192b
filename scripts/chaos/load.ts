/**
 * The chaos suite's load: logical operations offered at a fixed rate with a cap on how many are in
 * flight, each writing one unique key whose value names the operation, and a record of what the
 * client was told about each one. The record is what the verifier later holds against the ledger,
 * so it keeps the client's claim exactly (transaction id, block, error code), never a guess.
 */

/** What the client was told about one logical operation. */
export type Outcome =
  | {
      /** The library returned a committed result. */
      readonly kind: 'committed';
      readonly transactionId: string;
      readonly blockNumber: number;
      readonly submitAttempts: number;
    }
  | {
      /** The library threw an error that says the transaction did not and will not commit. */
      readonly kind: 'failed';
      /** `<ErrorClass>:<code>` plus the chaincode or validation code when there is one. */
      readonly code: string;
      readonly transactionId?: string;
      readonly message: string;
    }
  | {
      /** The library could not tell (`COMMIT_STATUS_UNKNOWN`): it may or may not have committed. */
      readonly kind: 'unknown';
      readonly transactionId?: string;
      readonly message: string;
    };

/** One logical operation and what the client saw of it. */
export interface OpRecord {
  /** Operation id, unique in the run. */
  readonly id: number;
  /** The key it writes. */
  readonly key: string;
  /** When it started, in ms from the start of the run. */
  readonly startMs: number;
  /** When the client settled it, in ms from the start of the run. */
  readonly endMs: number;
  /** What the client was told. */
  readonly outcome: Outcome;
}

/** The value an operation writes: it names the run and the operation, so a stray write is seen. */
export interface OpValue {
  /** Run id. */
  readonly run: string;
  /** Operation id. */
  readonly op: number;
}

/**
 * The key operation `id` of run `runId` writes.
 *
 * @param runId - the run's id
 * @param id - the operation id
 * @returns a key unique to the run and operation
 */
export function opKey(runId: string, id: number): string {
  return `chaos-${runId}-${String(id).padStart(6, '0')}`;
}

/**
 * The value operation `id` writes.
 *
 * @param runId - the run's id
 * @param id - the operation id
 * @returns JSON naming both
 */
export function opValue(runId: string, id: number): string {
  return JSON.stringify({ run: runId, op: id } satisfies OpValue);
}

/**
 * Reads back which operation a value names.
 *
 * @param value - a value read from the ledger
 * @returns the run and operation, or undefined when the value is not an operation's
 */
export function parseOpValue(value: string): OpValue | undefined {
  try {
    const v = JSON.parse(value) as Partial<OpValue> | null;
    if (typeof v?.run === 'string' && typeof v.op === 'number' && Number.isInteger(v.op)) {
      return { run: v.run, op: v.op };
    }
  } catch {
    // not JSON: not one of ours
  }
  return undefined;
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  transactionId?: unknown;
  chaincodeCode?: unknown;
  validationCode?: unknown;
}

/**
 * What an error thrown by the library's `submit` tells the caller. Read by shape (class name and
 * fields), not `instanceof`, so the verifier does not depend on which copy of the library threw.
 *
 * @param err - what `submit` threw
 * @returns `unknown` for `COMMIT_STATUS_UNKNOWN`, otherwise `failed` with a code naming the class,
 *   the library code and the chaincode or validation code
 */
export function outcomeOf(err: unknown): Outcome {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorShape;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const transactionId =
    typeof e.transactionId === 'string' && e.transactionId !== '' ? e.transactionId : undefined;
  const idPart = transactionId === undefined ? {} : { transactionId };
  const code = typeof e.code === 'string' ? e.code : 'NO_CODE';
  if (code === 'COMMIT_STATUS_UNKNOWN') return { kind: 'unknown', message, ...idPart };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  let detail = '';
  if (typeof e.chaincodeCode === 'string') detail = `:${e.chaincodeCode}`;
  else if (typeof e.validationCode === 'string') detail = `:${e.validationCode}`;
  return { kind: 'failed', code: `${name}:${code}${detail}`, message, ...idPart };
}

/** The committed result of one submit, as the library returns it. */
export interface Submitted {
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly submitAttempts: number;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Run id: part of every key and value. */
  readonly runId: string;
  /** Operations offered per second (open loop, no catching up after a stall). */
  readonly rate: number;
  /** Most operations in flight at once. */
  readonly concurrency: number;
  /** Operations to issue at least. */
  readonly minOps: number;
  /** Keep issuing past `minOps` while this says so (the fault schedule is still running). */
  readonly keepGoing: () => boolean;
  /** Writes one key; resolves when committed, rejects with the library's error. */
  readonly submit: (key: string, value: string) => Promise<Submitted>;
  /** Milliseconds since the start of the run. */
  readonly now: () => number;
  /** Called when each operation settles (progress output). */
  readonly onSettled?: (op: OpRecord) => void;
  /** Called once, when the load stops offering operations (the last ones are still settling). */
  readonly onStopped?: () => void;
}

/**
 * Offers operations at `rate` per second with at most `concurrency` in flight until at least
 * `minOps` were issued and `keepGoing()` is false, and waits for every one to settle. A slot that
 * falls behind (every worker waiting on a stalled network) is not made up later: the load after a
 * stall is the same rate as before it, so throughput windows compare.
 *
 * @param options - rate, concurrency, count and the submit function
 * @returns one record per operation, in id order
 */
export async function runLoad(options: Readonly<LoadOptions>): Promise<OpRecord[]> {
  const records: OpRecord[] = [];
  const interval = 1000 / options.rate;
  let nextDue = options.now();
  let issued = 0;
  let stopped = false;
  const takeSlot = async (): Promise<number | undefined> => {
    if (stopped || (issued >= options.minOps && !options.keepGoing())) {
      if (!stopped) options.onStopped?.();
      stopped = true;
      return undefined;
    }
    const id = issued++;
    const now = options.now();
    const due = Math.max(nextDue, now);
    nextDue = due + interval;
    // Node's timers may fire a millisecond before the wall clock says the delay has passed; wait
    // until it has, so the offered rate is never exceeded (seen: 19 operations in under 360 ms
    // at 50/s).
    for (let left = due - now; left > 0; left = due - options.now()) {
      await new Promise((resolve) => setTimeout(resolve, left));
    }
    return id;
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      const id = await takeSlot();
      if (id === undefined) return;
      const key = opKey(options.runId, id);
      const startMs = options.now();
      let outcome: Outcome;
      try {
        const r = await options.submit(key, opValue(options.runId, id));
        outcome = {
          kind: 'committed',
          transactionId: r.transactionId,
          blockNumber: Number(r.blockNumber),
          submitAttempts: r.submitAttempts,
        };
      } catch (err) {
        outcome = outcomeOf(err);
      }
      const record: OpRecord = { id, key, startMs, endMs: options.now(), outcome };
      records.push(record);
      options.onSettled?.(record);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  return records.sort((a, b) => a.id - b.id);
}
