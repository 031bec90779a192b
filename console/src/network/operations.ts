/**
 * Reading a Fabric node's operations endpoint: `/healthz` for health and `/metrics` (Prometheus
 * text) for block heights and the Raft leader gauge. Plain HTTP on loopback, each request with a
 * short deadline so a stopped or frozen node shows as down within one poll.
 */
import { get as httpGet } from 'node:http';

/** What one probe of a node found. */
export interface Probe {
  /** Whether `/healthz` answered 200. */
  readonly healthy: boolean;
  /** Why not, when not: the status and failed checks, or the connection error. */
  readonly reason?: string;
  /** The Prometheus text of `/metrics`, when asked for and served. */
  readonly metrics?: string;
}

/** Options of {@link probeNode}. */
export interface ProbeOptions {
  /** Read `/metrics` too (peers and orderers). */
  readonly metrics: boolean;
  /** Deadline of each request, in milliseconds. */
  readonly timeoutMs: number;
}

/**
 * One plain-HTTP GET with a deadline. A new connection per request (no keep-alive pool): a node
 * that stopped is then refused at once rather than found out through a pooled socket that dies
 * mid-request.
 *
 * @param url - the address
 * @param timeoutMs - the deadline
 * @returns the status and the body as text
 * @throws Error with `code` `TIMEOUT` past the deadline, or the connection's error (`ECONNREFUSED`)
 */
export function getText(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => {
      req.destroy(Object.assign(new Error('no answer before the deadline'), { code: 'TIMEOUT' }));
    });
    req.on('error', reject);
  });
}

/**
 * Names why a request failed, briefly: the deadline or the socket's error code.
 *
 * @param err - what {@link getText} threw
 * @returns the reason
 */
export function describeFailure(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'TIMEOUT') return 'no answer before the deadline';
  return e.code ?? e.message ?? String(err);
}

/**
 * Probes one node's operations endpoint.
 *
 * @param operations - `host:port` of the endpoint
 * @param options - whether to read metrics, and the deadline
 * @returns health, the reason when unhealthy, and the metrics text when asked for
 */
export async function probeNode(
  operations: string,
  options: Readonly<ProbeOptions>,
): Promise<Probe> {
  const base = `http://${operations}`;
  let health: { status: number; body: string };
  try {
    health = await getText(`${base}/healthz`, options.timeoutMs);
  } catch (err) {
    return { healthy: false, reason: describeFailure(err) };
  }
  if (health.status !== 200) {
    return { healthy: false, reason: `healthz answered ${health.status}: ${health.body.trim()}` };
  }
  if (!options.metrics) return { healthy: true };
  try {
    const m = await getText(`${base}/metrics`, options.timeoutMs);
    return m.status === 200 ? { healthy: true, metrics: m.body } : { healthy: true };
  } catch {
    return { healthy: true };
  }
}

/**
 * One sample of a Prometheus text exposition, by metric name and exact label values.
 *
 * @param text - the `/metrics` body
 * @param name - the metric (`ledger_blockchain_height`)
 * @param labels - label values the sample must carry (others may be present)
 * @returns the value, or undefined when no sample matches
 */
export function metricValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (m === null || m[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      found[pair[1] ?? ''] = pair[2] ?? '';
    }
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) {
      const value = Number(m[4]);
      if (Number.isFinite(value)) return value;
    }
  }
  return undefined;
}
