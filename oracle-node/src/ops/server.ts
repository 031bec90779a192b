/**
 * The operations listener (plain HTTP, bind it to loopback or a private interface): `/health` and
 * `/readyz` as JSON with one check per component (store, chain, p2p, jobs), `/metrics` in
 * Prometheus text format, and a read-only REST API for the operator console: `/v1/jobs`,
 * `/v1/jobs/:name`, `/v1/jobs/:name/runs`, `/v1/runs/:id/sources`, `/v1/bridges`,
 * `/v1/feeds/:feedId/rounds`, `/v1/feeds/:feedId/transmissions`, `/v1/errors`, and `/v1/lease`
 * (the active/standby lease: `{ store, role, holder, epoch, expiresAt }`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListenSpec } from '../config/config';
import type { JobRunner } from '../rounds/job-runner';
import type { Store } from '../store/store';
import type { Metrics } from './metrics';

/** One component's health. */
export interface HealthCheck {
  /** `passing` or `failing`. */
  readonly status: 'passing' | 'failing';
  /** What failed, when it did. */
  readonly output?: string;
}

/** What the listener reads. */
export interface OpsSources {
  /** The store. */
  readonly store: Store;
  /** Metrics. */
  readonly metrics: Metrics;
  /** The job runners. */
  readonly runners: () => readonly JobRunner[];
  /** The bridges, for `/v1/bridges`. */
  readonly bridges: () => readonly { name: string; url: string }[];
  /** Whether start-up finished (for `/readyz`). */
  readonly ready: () => boolean;
  /** Whether the p2p listener is up. */
  readonly p2pListening: () => boolean;
}

/** The running listener. */
export interface OpsServer {
  /** The bound port. */
  readonly port: number;
  /** Stops it. */
  close(): Promise<void>;
}

async function checks(s: OpsSources): Promise<Record<string, HealthCheck>> {
  const out: Record<string, HealthCheck> = {};
  try {
    await s.store.check();
    out.store = { status: 'passing' };
  } catch (err) {
    out.store = { status: 'failing', output: err instanceof Error ? err.message : String(err) };
  }
  const lease = s.store.lease.state();
  // A standby is healthy: it is ready to take over. The role is in the output for the operator.
  out.lease = {
    status: 'passing',
    output:
      lease.role === 'single'
        ? 'single process (SQLite)'
        : `${lease.role}; holder ${lease.holder ?? '(none)'} epoch ${lease.epoch ?? '-'} until ${lease.expiresAt ?? '-'}`,
  };
  out.p2p = s.p2pListening()
    ? { status: 'passing' }
    : { status: 'failing', output: 'not listening' };
  const runners = s.runners();
  const chainErrors = runners.flatMap((r) => {
    const e = r.status().chainError;
    return e === undefined ? [] : [`${r.job.name}: ${e}`];
  });
  out.chain =
    chainErrors.length === 0
      ? { status: 'passing' }
      : { status: 'failing', output: chainErrors.join('; ') };
  for (const r of runners) {
    const st = r.status();
    out[`job:${st.job}`] = {
      status: 'passing',
      output: `round ${st.roundId} attempt ${st.attempt}, leader ${st.leader}`,
    };
  }
  return out;
}

/**
 * Starts the listener.
 *
 * @param listen - host and port
 * @param s - what it reports on
 * @returns the listener
 */
export async function startOpsServer(listen: ListenSpec, s: OpsSources): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 50) || 50, 1), 1000);
    const p = url.pathname;
    const route = async (): Promise<void> => {
      if (req.method !== 'GET') {
        json(405, { error: 'read-only API: GET only' });
        return;
      }
      if (p === '/health' || p === '/readyz') {
        const c = await checks(s);
        const ok =
          Object.values(c).every((x) => x.status === 'passing') && (p === '/health' || s.ready());
        json(ok ? 200 : 503, {
          status: ok ? 'passing' : 'failing',
          ready: s.ready(),
          lease: s.store.lease.state(),
          checks: c,
        });
        return;
      }
      if (p === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(s.metrics.render());
        return;
      }
      if (p === '/v1/jobs') {
        json(200, { jobs: s.runners().map((r) => ({ spec: r.job, status: r.status() })) });
        return;
      }
      let m = /^\/v1\/jobs\/([^/]+)(\/runs)?$/.exec(p);
      if (m !== null) {
        const name = decodeURIComponent(m[1] ?? '');
        const r = s.runners().find((x) => x.job.name === name);
        if (r === undefined) {
          json(404, { error: `no job ${name}` });
          return;
        }
        if (m[2] === undefined) {
          json(200, { spec: r.job, status: r.status() });
          return;
        }
        json(200, { runs: await s.store.listRuns(name, limit) });
        return;
      }
      m = /^\/v1\/runs\/([^/]+)\/sources$/.exec(p);
      if (m !== null) {
        json(200, { sources: await s.store.listSources(decodeURIComponent(m[1] ?? '')) });
        return;
      }
      if (p === '/v1/lease') {
        json(200, s.store.lease.state());
        return;
      }
      if (p === '/v1/bridges') {
        json(200, { bridges: s.bridges() });
        return;
      }
      m = /^\/v1\/feeds\/([^/]+)\/(rounds|transmissions)$/.exec(p);
      if (m !== null) {
        const feedId = decodeURIComponent(m[1] ?? '');
        json(
          200,
          m[2] === 'rounds'
            ? { rounds: await s.store.listRounds(feedId, limit) }
            : { transmissions: await s.store.listTransmissions(feedId, limit) },
        );
        return;
      }
      if (p === '/v1/errors') {
        json(200, { errors: await s.store.listErrors(limit) });
        return;
      }
      json(404, { error: `no route ${p}` });
    };
    route().catch((err: unknown) => {
      json(500, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
