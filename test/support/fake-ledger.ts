/**
 * An in-memory stand-in for the peer's side of a transaction: world state, private data
 * collections, transient data, the client identity and the transaction timestamp.
 *
 * It keeps Fabric's semantics where a contract could depend on them:
 * - writes are buffered and applied only when the transaction succeeds (`submit`), so a rejected
 *   transaction leaves state untouched, exactly as an invalid transaction does on a real peer;
 * - reads never see the transaction's own writes (Fabric has no read-your-writes);
 * - range and composite-key queries return keys in byte order;
 * - a paginated query with nothing to return carries no `metadata`, as fabric-shim delivers it;
 * - private data lives per collection, and only the SHA-256 of each value is public.
 */
import { createHash } from 'node:crypto';
import type { Context, Contract } from 'fabric-contract-api';

const MIN_UNICODE = '\u0000';
const MAX_UNICODE = '\u{10FFFF}';

/** Options for one simulated transaction. */
export interface TxOptions {
  /** The client's MSP id. */
  mspId: string;
  /** The client's enrollment id (becomes the certificate subject CN). */
  clientId?: string;
  /** The client's certificate in PEM, returned by `getIDBytes` (a placeholder when absent). */
  certPem?: string;
  /** CA attributes carried by the client certificate. */
  attrs?: Record<string, string>;
  /** Transaction timestamp, ms since epoch. */
  txTimeMs: number;
  /** Transient data (private inputs). */
  transient?: Record<string, string | Uint8Array>;
  /** The MSP of the endorsing peer (defaults to the client's). */
  peerMspId?: string;
  /** Transaction id (defaults to a counter). */
  txId?: string;
}

/** An event emitted by a committed transaction. */
export interface EmittedEvent {
  name: string;
  payload: Buffer;
  txId: string;
}

interface KV {
  key: string;
  value: Uint8Array;
}

function rangeIterator(entries: KV[]): AsyncIterable<KV> & {
  next(): Promise<{ value: KV; done: boolean }>;
  close(): Promise<void>;
} {
  let i = 0;
  const it = {
    next(): Promise<{ value: KV; done: boolean }> {
      const entry = entries[i++];
      return Promise.resolve(
        entry === undefined
          ? { value: undefined as unknown as KV, done: true }
          : { value: entry, done: false },
      );
    },
    close(): Promise<void> {
      return Promise.resolve();
    },
    [Symbol.asyncIterator](): AsyncIterator<KV> {
      return { next: () => it.next() };
    },
  };
  return it;
}

/** Builds a composite key the way fabric-shim does. */
export function compositeKey(objectType: string, attributes: string[]): string {
  return MIN_UNICODE + objectType + MIN_UNICODE + attributes.map((a) => a + MIN_UNICODE).join('');
}

/** The simulated ledger shared by every transaction of a test. */
export class FakeLedger {
  readonly state = new Map<string, Uint8Array>();
  readonly collections = new Map<string, Map<string, Uint8Array>>();
  readonly events: EmittedEvent[] = [];
  /** Collections a given MSP's peers are allowed to read; absent means readable. */
  readonly collectionReaders = new Map<string, Set<string>>();
  /**
   * Writes (state, private data, events) the most recent transaction attempted, committed or not.
   * A rejected transaction never reaches the ledger on a real peer either, so comparing snapshots
   * alone cannot fail; this count shows that a rejection happened before anything was written.
   */
  lastTxWrites = 0;
  #txCounter = 0;

  /** The collection map, created on first use. */
  collection(name: string): Map<string, Uint8Array> {
    let c = this.collections.get(name);
    if (c === undefined) {
      c = new Map();
      this.collections.set(name, c);
    }
    return c;
  }

  /** Reads a public value as parsed JSON, or undefined. */
  readJson(key: string): unknown {
    const v = this.state.get(key);
    return v === undefined ? undefined : (JSON.parse(Buffer.from(v).toString('utf8')) as unknown);
  }

  /** A deep copy of all state, for "state untouched" assertions. */
  snapshot(): string {
    const dump = (m: Map<string, Uint8Array>): [string, string][] =>
      [...m.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, Buffer.from(v).toString('base64')]);
    return JSON.stringify({
      state: dump(this.state),
      collections: [...this.collections.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([n, m]) => [n, dump(m)]),
      events: this.events.length,
    });
  }

  /**
   * Runs one transaction function and commits its writes if it returns, discards them if it throws.
   *
   * @returns what the function returned
   */
  async submit<C extends Contract, R>(
    contract: C,
    opts: TxOptions,
    fn: (contract: C, ctx: Context) => Promise<R>,
  ): Promise<R> {
    const tx = this.#newTx(opts);
    const result = await fn(contract, tx.ctx);
    tx.commit();
    return result;
  }

  /** Runs a read-only call: writes, if any, are discarded. */
  async evaluate<C extends Contract, R>(
    contract: C,
    opts: TxOptions,
    fn: (contract: C, ctx: Context) => Promise<R>,
  ): Promise<R> {
    const tx = this.#newTx(opts);
    return fn(contract, tx.ctx);
  }

  /**
   * Runs a transaction function the way fabric-contract-api dispatches it: the stub carries the
   * function name and string arguments, `beforeTransaction` runs first, then the function. Writes
   * are committed when `submit` is true and the call returns.
   *
   * @returns what the function returned
   */
  async invoke(
    contract: Contract,
    opts: TxOptions,
    fn: string,
    args: readonly string[],
    submit = true,
  ): Promise<unknown> {
    const tx = this.#newTx(opts, [`${contract.getName()}:${fn}`, ...args]);
    await contract.beforeTransaction(tx.ctx);
    const method = (contract as unknown as Record<string, unknown>)[fn];
    if (typeof method !== 'function') throw new Error(`no transaction function ${fn}`);
    const result: unknown = await (
      method as (this: Contract, ctx: Context, ...a: string[]) => Promise<unknown>
    ).call(contract, tx.ctx, ...args);
    if (submit) tx.commit();
    return result;
  }

  #newTx(opts: TxOptions, args: readonly string[] = []): { ctx: Context; commit: () => void } {
    const txId = opts.txId ?? `tx${String(++this.#txCounter).padStart(6, '0')}`;
    this.lastTxWrites = 0;
    const writes = new Map<string, Uint8Array | null>();
    const privateWrites = new Map<string, Map<string, Uint8Array | null>>();
    let event: EmittedEvent | undefined;
    const peerMsp = opts.peerMspId ?? opts.mspId;
    const transient = new Map<string, Uint8Array>();
    for (const [k, v] of Object.entries(opts.transient ?? {})) {
      transient.set(k, typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
    }
    const canRead = (coll: string): void => {
      const readers = this.collectionReaders.get(coll);
      if (readers !== undefined && !readers.has(peerMsp)) {
        throw new Error(
          `GET_STATE failed: private data collection ${coll} is not readable by peer of ${peerMsp}`,
        );
      }
    };
    const sorted = (m: Map<string, Uint8Array>, start: string, end: string): KV[] =>
      [...m.entries()]
        .filter(([k]) => k >= start && (end === '' || k < end))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => ({ key, value }));
    const paginate = (entries: KV[], pageSize: number, bookmark?: string) => {
      const from =
        bookmark !== undefined && bookmark !== '' ? entries.findIndex((e) => e.key >= bookmark) : 0;
      const start = from < 0 ? entries.length : from;
      const page = entries.slice(start, start + pageSize);
      const next = entries[start + pageSize];
      const bookmarkOut = next === undefined ? '' : next.key;
      // The peer sends the page's QueryResponseMetadata as protobuf bytes, and proto3 encodes
      // {fetchedRecordsCount: 0, bookmark: ''} as zero bytes; fabric-shim's handler then sets no
      // `metadata` at all (handler.js: `if (payload.getMetadata())`). An empty last page
      // therefore arrives without metadata, whatever its declared type says.
      if (page.length === 0 && bookmarkOut === '') {
        return { iterator: rangeIterator(page) };
      }
      return {
        iterator: rangeIterator(page),
        metadata: { fetchedRecordsCount: page.length, bookmark: bookmarkOut },
      };
    };
    const partialRange = (type: string, attrs: string[]): [string, string] => {
      const start = compositeKey(type, attrs);
      return [start, start + MAX_UNICODE];
    };
    const clientId = opts.clientId ?? 'user1';
    const stub = {
      getArgs: () => [...args],
      getStringArgs: () => [...args],
      getBufferArgs: () => args.map((a) => Buffer.from(a, 'utf8')),
      getFunctionAndParameters: () => ({ fcn: args[0] ?? '', params: args.slice(1) }),
      getTxID: () => txId,
      getChannelID: () => 'consortium',
      getMspID: () => peerMsp,
      getTxTimestamp: () => ({
        seconds: {
          toString: () => String(Math.floor(opts.txTimeMs / 1000)),
          toNumber: () => Math.floor(opts.txTimeMs / 1000),
        },
        nanos: (opts.txTimeMs % 1000) * 1_000_000,
      }),
      getDateTimestamp: () => new Date(opts.txTimeMs),
      getTransient: () => transient,
      getState: (key: string) => Promise.resolve(this.state.get(key) ?? new Uint8Array(0)),
      putState: (key: string, value: Uint8Array) => {
        if (key === '') throw new Error('key must not be an empty string');
        this.lastTxWrites++;
        writes.set(key, value);
        return Promise.resolve();
      },
      deleteState: (key: string) => {
        this.lastTxWrites++;
        writes.set(key, null);
        return Promise.resolve();
      },
      createCompositeKey: (type: string, attrs: string[]) => compositeKey(type, attrs),
      splitCompositeKey: (key: string) => {
        const parts = key.split(MIN_UNICODE);
        return { objectType: parts[1] ?? '', attributes: parts.slice(2, -1) };
      },
      getStateByRange: (start: string, end: string) =>
        rangeIterator(sorted(this.state, start, end)),
      getStateByRangeWithPagination: (
        start: string,
        end: string,
        pageSize: number,
        bookmark?: string,
      ) => Promise.resolve(paginate(sorted(this.state, start, end), pageSize, bookmark)),
      getStateByPartialCompositeKey: (type: string, attrs: string[]) => {
        const [s, e] = partialRange(type, attrs);
        return rangeIterator(sorted(this.state, s, e));
      },
      getStateByPartialCompositeKeyWithPagination: (
        type: string,
        attrs: string[],
        pageSize: number,
        bookmark?: string,
      ) => {
        const [s, e] = partialRange(type, attrs);
        return Promise.resolve(paginate(sorted(this.state, s, e), pageSize, bookmark));
      },
      getPrivateData: (coll: string, key: string) => {
        canRead(coll);
        return Promise.resolve(this.collection(coll).get(key) ?? new Uint8Array(0));
      },
      getPrivateDataHash: (coll: string, key: string) => {
        const v = this.collection(coll).get(key);
        return Promise.resolve(
          v === undefined ? new Uint8Array(0) : createHash('sha256').update(v).digest(),
        );
      },
      putPrivateData: (coll: string, key: string, value: Uint8Array) => {
        this.lastTxWrites++;
        let m = privateWrites.get(coll);
        if (m === undefined) {
          m = new Map();
          privateWrites.set(coll, m);
        }
        m.set(key, value);
        return Promise.resolve();
      },
      deletePrivateData: (coll: string, key: string) => {
        this.lastTxWrites++;
        let m = privateWrites.get(coll);
        if (m === undefined) {
          m = new Map();
          privateWrites.set(coll, m);
        }
        m.set(key, null);
        return Promise.resolve();
      },
      getPrivateDataByPartialCompositeKey: (coll: string, type: string, attrs: string[]) => {
        canRead(coll);
        const [s, e] = partialRange(type, attrs);
        return rangeIterator(sorted(this.collection(coll), s, e));
      },
      setEvent: (name: string, payload: Uint8Array) => {
        this.lastTxWrites++;
        event = { name, payload: Buffer.from(payload), txId };
      },
    };
    const subject = `x509::/OU=client/CN=${clientId}::/C=US/O=${opts.mspId}/CN=ca.${opts.mspId}`;
    const clientIdentity = {
      getMSPID: () => opts.mspId,
      getID: () => subject,
      getAttributeValue: (name: string) => opts.attrs?.[name] ?? null,
      assertAttributeValue: (name: string, value: string) => opts.attrs?.[name] === value,
      getIDBytes: () => Buffer.from(opts.certPem ?? subject),
    };
    const ctx = { stub, clientIdentity } as unknown as Context;
    return {
      ctx,
      commit: () => {
        for (const [k, v] of writes) {
          if (v === null) this.state.delete(k);
          else this.state.set(k, v);
        }
        for (const [coll, m] of privateWrites) {
          const target = this.collection(coll);
          for (const [k, v] of m) {
            if (v === null) target.delete(k);
            else target.set(k, v);
          }
        }
        if (event !== undefined) this.events.push(event);
      },
    };
  }
}
