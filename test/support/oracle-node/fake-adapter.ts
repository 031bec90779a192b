/**
 * A fake external adapter for oracle-node tests, on 127.0.0.1 and a port the system picks: it
 * answers Chainlink's bridge format with a price the test sets, and can be told to lie (a
 * multiplier), to be slow (a delay beyond the source timeout), to refuse (`{error}`), to fail
 * (HTTP 500) or to answer garbage. It counts requests and keeps the last request body.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the adapter answers. */
export interface AdapterBehaviour {
  /** The price, as the adapter sends it (a JSON number or a decimal string). */
  price: number | string;
  /** Multiplies a numeric price (10 for a lying adapter). */
  multiplier: number;
  /** Delay before answering. */
  delayMs: number;
  /** `ok`, `error` (an adapter error body, HTTP 400), `http500`, `garbage` (not JSON), `nan`. */
  mode: 'ok' | 'error' | 'http500' | 'garbage' | 'nan' | 'proxy502';
}

/** A running fake adapter. */
export interface FakeAdapter {
  /** Its URL. */
  readonly url: string;
  /** Requests answered or pending so far. */
  readonly requests: number;
  /** The last request's body. */
  readonly lastRequest: unknown;
  /** Changes how it answers. */
  set(behaviour: Partial<AdapterBehaviour>): void;
  /** Stops it. */
  close(): Promise<void>;
}

/**
 * Starts a fake adapter.
 *
 * @param initial - how it answers at first (price 100 by default)
 * @returns the adapter
 */
export async function startFakeAdapter(
  initial: Partial<AdapterBehaviour> = {},
): Promise<FakeAdapter> {
  const b: AdapterBehaviour = { price: 100, multiplier: 1, delayMs: 0, mode: 'ok', ...initial };
  let requests = 0;
  let lastRequest: unknown;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      let id = '';
      try {
        lastRequest = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const raw = (lastRequest as { id?: unknown }).id;
        id = typeof raw === 'string' ? raw : '';
      } catch {
        lastRequest = undefined;
      }
      const mode = b.mode;
      const price = typeof b.price === 'number' ? b.price * b.multiplier : b.price;
      setTimeout(() => {
        if (res.destroyed) return;
        if (mode === 'garbage' || mode === 'proxy502') {
          // 'proxy502': a reverse proxy's own page while the adapter behind it restarts.
          res.writeHead(mode === 'garbage' ? 200 : 502, { 'content-type': 'text/html' });
          res.end(mode === 'garbage' ? '<html>oops</html>' : '<html>502 Bad Gateway</html>');
          return;
        }
        const [status, body] =
          mode === 'error'
            ? [
                400,
                {
                  jobRunID: id,
                  status: 'errored',
                  error: { name: 'AdapterError', message: 'market closed' },
                  statusCode: 400,
                },
              ]
            : mode === 'http500'
              ? [
                  500,
                  {
                    jobRunID: id,
                    status: 'errored',
                    error: { name: 'AdapterError', message: 'upstream down' },
                    statusCode: 500,
                  },
                ]
              : mode === 'nan'
                ? [200, { jobRunID: id, data: { result: 'NaN' }, statusCode: 200 }]
                : [200, { jobRunID: id, data: { result: price }, result: price, statusCode: 200 }];
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }, b.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/`,
    get requests() {
      return requests;
    },
    get lastRequest() {
      return lastRequest;
    },
    set(next) {
      Object.assign(b, next);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
