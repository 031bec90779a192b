/**
 * A sample data source for the demo: a local HTTP endpoint that answers in the Chainlink external
 * adapter format. Request `{"id": "<job run id>", "data": {"from": "ETH", "to": "USD", "source": n}}`;
 * answer `{"jobRunID", "data": {"result"}, "result", "statusCode": 200}`, or an error answer
 * `{"jobRunID", "status": "errored", "error": {"name", "message"}, "statusCode": 400|500}`.
 *
 * Each `source` (one per oracle) reports a slightly different price around a slowly moving
 * reference, as independent exchanges would, so the median is meaningful.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running adapter. */
export interface Adapter {
  url: string;
  close: () => Promise<void>;
}

/** The answer of a successful adapter request. */
export interface AdapterAnswer {
  jobRunID: string;
  data: { result: number };
  result: number;
  statusCode: number;
}

const PAIRS: Record<string, number> = { 'ETH/USD': 3150.25, 'BTC/USD': 97123.5 };

/** Starts the adapter on a free 127.0.0.1 port. */
export async function startAdapter(): Promise<Adapter> {
  let tick = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let id = '';
      const reply = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          id?: unknown;
          data?: { from?: unknown; to?: unknown; source?: unknown };
        };
        id = typeof body.id === 'string' ? body.id : '';
        const pair = `${String(body.data?.from)}/${String(body.data?.to)}`;
        const reference = PAIRS[pair];
        if (req.method !== 'POST' || reference === undefined) {
          reply(400, {
            jobRunID: id,
            status: 'errored',
            error: { name: 'AdapterError', message: `unsupported pair ${pair}` },
            statusCode: 400,
          });
          return;
        }
        const source = typeof body.data?.source === 'number' ? body.data.source : 0;
        tick++;
        // A slow drift plus a per-source spread of a few basis points.
        const drift = Math.sin(tick / 15) * reference * 0.002;
        const spread = ((source * 7919) % 11) - 5;
        const result = Math.round((reference + drift + spread * reference * 0.0001) * 100) / 100;
        reply(200, { jobRunID: id, data: { result }, result, statusCode: 200 });
      } catch (err) {
        reply(500, {
          jobRunID: id,
          status: 'errored',
          error: {
            name: 'AdapterError',
            message: err instanceof Error ? err.message : String(err),
          },
          statusCode: 500,
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/`,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

/**
 * Asks the adapter for one observation.
 *
 * @throws Error naming the adapter's error when it answers with one
 */
export async function observe(
  url: string,
  jobRunId: string,
  from: string,
  to: string,
  source: number,
): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: jobRunId, data: { from, to, source } }),
  });
  const body = (await res.json()) as AdapterAnswer | { error: { message: string } };
  if (!('result' in body) || body.jobRunID !== jobRunId) {
    throw new Error(`adapter error: ${'error' in body ? body.error.message : 'unexpected answer'}`);
  }
  return body.result;
}

/** Scales a decimal price to an integer string with `decimals` places, without float rounding drift. */
export function scale(value: number, decimals: number): string {
  const [whole = '0', frac = ''] = value.toFixed(Math.min(decimals, 20)).split('.');
  const digits = (whole.replace('-', '') + frac.padEnd(decimals, '0')).replace(/^0+(?=\d)/, '');
  const sign = value < 0 && digits !== '0' ? '-' : '';
  return sign + digits;
}
