/**
 * A cluster of four oracle nodes (f = 1) in this process against an in-memory ledger, each node
 * with one fake adapter: what the oracle-node unit tests of one behaviour each start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../oracle-node/src/config/config';
import { newLogger } from '../../../oracle-node/src/ops/logger';
import { startOracleNode, type OracleNode } from '../../../oracle-node/src/node';
import { makeNodeFiles, writeNodeConfig, type NodeFiles } from './cluster';
import { startFakeAdapter, type FakeAdapter } from './fake-adapter';
import { MemoryLedger, memoryFeed } from './memory-chain';

/** The oracle ids, in feed order. */
export const CLUSTER_IDS = ['oracle-0', 'oracle-1', 'oracle-2', 'oracle-3'] as const;

/** How to start a cluster. */
export interface ClusterOptions {
  /** The feed. */
  readonly feedId: string;
  /** Node i listens for peers on `p2pBase + i`. */
  readonly p2pBase: number;
  /** Node i serves its API on `apiBase + i`. */
  readonly apiBase: number;
  /** Job lines beyond type, name, feedId and sources. */
  readonly job: string;
  /** The `[rounds]` table's lines. */
  readonly rounds: string;
  /** The oracles that run (default all four); the others are left to the test. */
  readonly running?: readonly number[];
  /** Called with the ledger before any node starts. */
  readonly beforeStart?: (ledger: MemoryLedger) => void;
}

/** A started cluster. */
export interface MemoryCluster {
  /** Every oracle's files, running or not. */
  readonly files: readonly NodeFiles[];
  /** The ledger the nodes report to. */
  readonly ledger: MemoryLedger;
  /** The running nodes, by oracle index. */
  readonly nodes: ReadonlyMap<number, OracleNode>;
  /** The running nodes' adapters (price 100 at start). */
  readonly adapters: readonly FakeAdapter[];
  /** Stops the nodes, then the adapters. */
  stop(): Promise<void>;
}

/**
 * Starts the cluster's nodes (tick 50 ms, logs dropped).
 *
 * @param o - the feed, ports, job and round settings, and which oracles run
 * @returns the cluster
 */
export async function startMemoryCluster(o: ClusterOptions): Promise<MemoryCluster> {
  const files = await makeNodeFiles(
    mkdtempSync(join(tmpdir(), `oracle-${o.feedId}-`)),
    CLUSTER_IDS,
  );
  const ledger = new MemoryLedger(
    memoryFeed(
      o.feedId,
      files.map((f) => ({ id: f.oracleId, publicKey: f.publicKey })),
      1,
    ),
  );
  o.beforeStart?.(ledger);
  const nodes = new Map<number, OracleNode>();
  const adapters: FakeAdapter[] = [];
  for (const i of o.running ?? [0, 1, 2, 3]) {
    const adapter = await startFakeAdapter({ price: 100 });
    adapters.push(adapter);
    writeNodeConfig({
      index: i,
      all: files,
      p2pBase: o.p2pBase,
      apiBase: o.apiBase,
      adapters: [adapter.url],
      feedId: o.feedId,
      fabric:
        'networkDescription = "unused.json"\nmember = "Org1"\ncertificate = "unused.pem"\nkey = { type = "file", path = "oracle.pem" }',
      job: o.job,
      rounds: o.rounds,
      sourceTimeout: '300ms',
    });
    nodes.set(
      i,
      await startOracleNode({
        config: await loadConfig(join(files[i]!.dir, 'node.toml')),
        logger: newLogger({ write: () => undefined }),
        chain: ledger.view(CLUSTER_IDS[i]!),
        tickMs: 50,
      }),
    );
  }
  return {
    files,
    ledger,
    nodes,
    adapters,
    stop: async () => {
      await Promise.all([...nodes.values()].map((n) => n.stop()));
      await Promise.all(adapters.map((a) => a.close()));
    },
  };
}

/**
 * Waits until the ledger holds a round with this answer.
 *
 * @param ledger - the ledger
 * @param answer - the round's answer
 * @param timeoutMs - how long at most
 * @throws Error naming the answer when no such round came
 */
export async function roundWith(
  ledger: MemoryLedger,
  answer: string,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ledger.rounds.some((r) => r.answer === answer)) {
    if (Date.now() > end) throw new Error(`no round with answer ${answer}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
