/**
 * The oracle node: opens the store, the oracle key and the chain connection, starts the
 * peer-to-peer channel, the operations listener and one runner per job, and stops them in the
 * reverse order. `startOracleNode` is what `oracle-node start` runs. On PostgreSQL the store's
 * lease decides whether this process is the oracle's active one: a standby keeps everything open
 * but runs no rounds, refuses round messages (`STANDBY`) and cannot sign (its key is fenced).
 */
import type { Signer } from '@oracle-consortium/gateway';
import { connectFeedChain, openConfiguredSigner, type FeedChain } from './chain/chain';
import type { NodeConfig } from './config/config';
import type { Logger } from './ops/logger';
import { NODE_METRICS, newMetrics, type Metrics } from './ops/metrics';
import { startOpsServer, type OpsServer } from './ops/server';
import type { FinalMessage, ObserveRequest, SignRequest } from './rounds/messages';
import { JobRunner } from './rounds/job-runner';
import { RefusalError, startP2p, type P2p } from './rounds/p2p';
import { newFencedSigner } from './store/lease';
import { newPostgresStore } from './store/postgres-store';
import { newSqliteStore } from './store/sqlite-store';
import type { Store } from './store/store';

/** A running node. */
export interface OracleNode {
  /** The p2p port. */
  readonly p2pPort: number;
  /** The operations port. */
  readonly apiPort: number;
  /** The metrics. */
  readonly metrics: Metrics;
  /** Stops everything; idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startOracleNode}. */
export interface StartOptions {
  /** The validated configuration. */
  readonly config: NodeConfig;
  /** Logs. */
  readonly logger: Logger;
  /** The chain; connected from `config.fabric` when absent (tests pass an in-memory one). */
  readonly chain?: FeedChain;
  /** The store; PostgreSQL at `config.database.postgres`, or SQLite at `config.database.path`, when absent. */
  readonly store?: Store;
  /** How often runners tick; 1 s by default. */
  readonly tickMs?: number;
}

/**
 * Starts an oracle node.
 *
 * @param options - configuration, logger and optional chain and store
 * @returns the running node
 * @throws OracleNodeError `STORE_FAILED`, `INVALID_CONFIG` (TLS files, oracle not in a feed)
 * @throws the gateway library's errors when the network or a key cannot be reached
 * @example
 * ```ts
 * const node = await startOracleNode({ config: await loadConfig('node.toml'), logger: newLogger() });
 * process.on('SIGTERM', () => void node.stop());
 * ```
 */
export async function startOracleNode(options: Readonly<StartOptions>): Promise<OracleNode> {
  const { config, logger } = options;
  const metrics = newMetrics(NODE_METRICS);
  const closers: (() => Promise<void>)[] = [];
  const runners: JobRunner[] = [];
  let ready = false;
  let p2p: P2p | undefined;
  let ops: OpsServer | undefined;
  const stop = async (): Promise<void> => {
    ready = false;
    for (const r of runners) r.stop();
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const pg = config.database.postgres;
    const store =
      options.store ??
      (pg === undefined
        ? newSqliteStore(config.database)
        : await newPostgresStore({
            url: pg.url,
            maxSuccessfulRuns: config.database.maxSuccessfulRuns,
            leaseName: config.oracleId,
            leaseDurationMs: pg.leaseDurationMs,
            leaseRenewIntervalMs: pg.leaseRenewIntervalMs,
            ...(pg.holderId === undefined ? {} : { holderId: pg.holderId }),
            onLeaseError: (err) => {
              metrics.inc('oracle_node_lease_errors_total');
              logger.log('warn', 'lease.renew_failed', { error: err });
            },
          }));
    closers.push(() => store.close());
    const lease = store.lease;
    const showLease = (): void => {
      const st = lease.state();
      metrics.set('oracle_node_lease_active', {}, lease.isActive() ? 1 : 0);
      if (st.epoch !== null) metrics.set('oracle_node_lease_epoch', {}, st.epoch);
    };
    lease.onChange((st) => {
      metrics.inc('oracle_node_lease_changes_total', { role: st.role });
      showLease();
      logger.log(st.role === 'active' ? 'info' : 'warn', 'lease.changed', { ...st });
    });
    await lease.start();
    closers.push(() => lease.stop());
    showLease();
    logger.log('info', 'lease.started', { ...lease.state() });
    // Every signature of this process goes through the lease: a standby's key refuses to sign.
    const rawKey: Signer = await openConfiguredSigner(config.oracleKey);
    const oracleKey = newFencedSigner(rawKey, lease);
    closers.push(() => rawKey.close());
    const chain = options.chain ?? (await connectFeedChain(config.fabric));
    closers.push(() => chain.close());
    const byFeed = new Map<string, JobRunner>();
    p2p = await startP2p(config, async (kind, from, body) => {
      const m = body as ObserveRequest;
      const runner = byFeed.get(m.feedId);
      if (!lease.isActive()) {
        throw new RefusalError({
          refused: 'STANDBY',
          message: `this process of ${config.oracleId} is the standby; it does not hold the lease`,
        });
      }
      if (runner === undefined || !ready) {
        throw new RefusalError({
          refused: 'WRONG_FEED',
          message: `no running job for feed ${JSON.stringify(m.feedId)}`,
        });
      }
      if (kind === 'observe') return runner.onObserve(from, m);
      if (kind === 'sign') return runner.onSign(from, body as SignRequest);
      return runner.onFinal(from, body as FinalMessage);
    });
    closers.push(() => p2p?.close() ?? Promise.resolve());
    ops = await startOpsServer(config.api, {
      store,
      metrics,
      runners: () => runners,
      bridges: () => [...config.bridges.values()],
      ready: () => ready,
      p2pListening: () => p2p !== undefined,
    });
    closers.push(() => ops?.close() ?? Promise.resolve());
    for (const job of config.jobs) {
      const runner = new JobRunner({
        config,
        job,
        chain,
        store,
        metrics,
        logger,
        p2p,
        oracleKey,
        active: () => lease.isActive(),
      });
      await runner.start(options.tickMs);
      runners.push(runner);
      byFeed.set(job.feedId, runner);
    }
    ready = true;
    logger.log('info', 'node.started', {
      oracleId: config.oracleId,
      p2pPort: p2p.port,
      apiPort: ops.port,
      jobs: config.jobs.map((j) => j.name),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { p2pPort: p2p.port, apiPort: ops.port, metrics, stop };
}
