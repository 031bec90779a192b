/**
 * Calls external adapters through bridges in Chainlink's request/response format, so existing
 * adapters work unchanged: the node POSTs `{"id": <run id>, "data": {...}}` and reads the number
 * at the source's path (`data.result` by default) of a `{"data": {"result": ...}}` answer; an
 * `{"error": ...}` answer or a non-2xx status is the adapter's refusal. A timeout or an unreachable
 * adapter is retried (the source's `retries`); a refusal or a malformed answer is not, since asking
 * again gets the same answer. Each failure is an `OracleNodeError` naming the source.
 */
import { OracleNodeError } from '../errors';
import type { BridgeSpec } from '../config/config';
import type { SourceSpec } from '../config/jobs';
import { median, toScaled } from './values';

/** One source's outcome in an observation. */
export interface SourceResult {
  /** The bridge's name. */
  readonly bridge: string;
  /** The scaled value, when the source answered well. */
  readonly value?: bigint;
  /** Why the source was skipped, when it was. */
  readonly error?: OracleNodeError;
  /** Time spent on the source, attempts included. */
  readonly latencyMs: number;
  /** Requests made. */
  readonly attempts: number;
}

/** The node's observation from a job's sources. */
export interface SourcesObservation {
  /** The median of the good answers, when at least `minSources` answered. */
  readonly value?: bigint;
  /** Every source's outcome. */
  readonly sources: readonly SourceResult[];
}

function pick(body: unknown, path: readonly string[]): unknown {
  let v: unknown = body;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function adapterMessage(body: unknown): string {
  const e = (body as { error?: unknown } | null)?.error;
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && e !== null) {
    const m = (e as { message?: unknown; name?: unknown }).message;
    if (typeof m === 'string') return m;
  }
  return JSON.stringify(e ?? body).slice(0, 200);
}

async function requestOnce(
  bridge: BridgeSpec,
  source: SourceSpec,
  runId: string,
  decimals: number,
): Promise<bigint> {
  let res: Response;
  try {
    res = await fetch(bridge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: runId, data: source.requestData }),
      signal: AbortSignal.timeout(source.timeoutMs),
    });
  } catch (err) {
    const timedOut =
      err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new OracleNodeError({
      code: timedOut ? 'SOURCE_TIMEOUT' : 'SOURCE_UNAVAILABLE',
      source: bridge.name,
      message: timedOut
        ? `bridge ${bridge.name} (${bridge.url}) did not answer within ${source.timeoutMs} ms`
        : `bridge ${bridge.name} (${bridge.url}) is unreachable: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new OracleNodeError({
      code: 'SOURCE_TIMEOUT',
      source: bridge.name,
      message: `bridge ${bridge.name} did not finish its answer within ${source.timeoutMs} ms`,
      cause: err,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // A proxy's or server's own error page (502 while the adapter restarts) is an adapter that is
    // failing, retried as any 5xx is; a 2xx or 4xx that is not JSON is a wrong answer.
    throw new OracleNodeError({
      code: res.status >= 500 ? 'SOURCE_UNAVAILABLE' : 'BAD_ANSWER',
      source: bridge.name,
      message: `bridge ${bridge.name} answered ${res.status} with text that is not JSON: ${text.slice(0, 80)}`,
    });
  }
  if (
    !res.ok ||
    (typeof body === 'object' && body !== null && 'error' in body && body.error != null)
  ) {
    throw new OracleNodeError({
      code: res.status >= 500 ? 'SOURCE_UNAVAILABLE' : 'SOURCE_ERROR',
      source: bridge.name,
      message: `bridge ${bridge.name} answered ${res.status} with an error: ${adapterMessage(body)}`,
    });
  }
  if ((body as { pending?: unknown } | null)?.pending === true) {
    throw new OracleNodeError({
      code: 'BAD_ANSWER',
      source: bridge.name,
      message: `bridge ${bridge.name} answered pending (asynchronous adapters are not supported)`,
    });
  }
  const raw = pick(body, source.path);
  const value = toScaled(raw, decimals);
  if (value === undefined) {
    throw new OracleNodeError({
      code: 'BAD_ANSWER',
      source: bridge.name,
      message: `bridge ${bridge.name}: ${source.path.join('.')} is ${raw === undefined ? 'missing' : JSON.stringify(raw)}, not a finite decimal`,
    });
  }
  return value;
}

/**
 * Asks one source, retrying timeouts and unreachable or failing (5xx) adapters.
 *
 * @param bridge - the bridge
 * @param source - what to ask and how long to wait
 * @param runId - the job run id, sent as the request's `id`
 * @param decimals - the feed's scale
 * @returns the outcome; never throws
 */
export async function callSource(
  bridge: BridgeSpec,
  source: SourceSpec,
  runId: string,
  decimals: number,
): Promise<SourceResult> {
  const started = Date.now();
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      const value = await requestOnce(bridge, source, runId, decimals);
      return { bridge: bridge.name, value, latencyMs: Date.now() - started, attempts };
    } catch (err) {
      const e =
        err instanceof OracleNodeError
          ? err
          : new OracleNodeError({
              code: 'SOURCE_ERROR',
              source: bridge.name,
              message: String(err),
              cause: err,
            });
      const retriable = e.code === 'SOURCE_TIMEOUT' || e.code === 'SOURCE_UNAVAILABLE';
      if (!retriable || attempts > source.retries) {
        return { bridge: bridge.name, error: e, latencyMs: Date.now() - started, attempts };
      }
    }
  }
}

/**
 * Asks every source of a job at once and takes the median of the good answers.
 *
 * @param bridges - the node's bridges by name
 * @param sources - the job's sources
 * @param minSources - fewest good answers for an observation
 * @param runId - the job run id
 * @param decimals - the feed's scale
 * @returns the observation (no `value` when too few sources answered) and each source's outcome
 */
export async function observeSources(
  bridges: ReadonlyMap<string, BridgeSpec>,
  sources: readonly SourceSpec[],
  minSources: number,
  runId: string,
  decimals: number,
): Promise<SourcesObservation> {
  const results = await Promise.all(
    sources.map((s) => {
      const bridge = bridges.get(s.bridge);
      if (bridge === undefined) {
        return Promise.resolve<SourceResult>({
          bridge: s.bridge,
          error: new OracleNodeError({
            code: 'SOURCE_ERROR',
            source: s.bridge,
            message: `no bridge ${s.bridge}`,
          }),
          latencyMs: 0,
          attempts: 0,
        });
      }
      return callSource(bridge, s, runId, decimals);
    }),
  );
  const good = results.flatMap((r) => (r.value === undefined ? [] : [r.value]));
  return good.length >= minSources && good.length > 0
    ? { value: median(good), sources: results }
    : { sources: results };
}
