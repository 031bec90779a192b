/**
 * The console's HTTP server: fastify with security headers (helmet, a CSP that allows only the
 * console's own scripts, styles and connections), the access check of every request, the JSON API,
 * the event stream and the built pages. It listens on 127.0.0.1 unless told otherwise.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ConsoleBackend } from './backend';
import { checkRequest, generateToken } from './http/auth';
import { toHttpError } from './http/errors';
import { registerRoutes } from './http/routes';
import { newEventHub, type EventHub } from './http/sse';
import { startRelay, type Relay } from './live/relay';
import type { OracleNodesMonitor } from './oracle/nodes';

/** Options of {@link startConsoleServer}. */
export interface ConsoleServerOptions {
  /** The library side. */
  readonly backend: ConsoleBackend;
  /** Address to listen on; 127.0.0.1 when absent. */
  readonly host?: string;
  /** Port; 0 (any free port) when absent. */
  readonly port?: number;
  /** The write token; a fresh random one when absent. */
  readonly token?: string;
  /** The built pages (dist/web); the package's own when absent. */
  readonly webRoot?: string;
  /** Whether to relay the ledger's events and the nodes' state (true unless stated). */
  readonly live?: boolean;
  /** The oracle nodes to show (the Oracle nodes page); no such page when absent. */
  readonly oracleNodes?: OracleNodesMonitor;
  /** Where to report what goes wrong in the background; stderr when absent. */
  readonly log?: (message: string) => void;
}

/** A running console. */
export interface ConsoleServer {
  /** Where it answers, `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** The token writes need. */
  readonly token: string;
  /** The fastify instance, for tests that inject requests. */
  readonly app: FastifyInstance;
  /** Stops the relay, the oracle nodes monitor and the server, and closes the backend. */
  close(): Promise<void>;
}

/** Where the package's own build puts the pages. */
export const DEFAULT_WEB_ROOT = join(__dirname, '..', 'web');

function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set([host, '127.0.0.1', 'localhost', '[::1]']);
  return new Set([...names].map((n) => `${n}:${port}`.toLowerCase()));
}

/**
 * Starts the console.
 *
 * @param options - backend, address, token, pages
 * @returns the running console
 * @throws Error when the port is taken or the pages are not built
 * @example
 * ```ts
 * const backend = await openBackend({ descriptionPath, member: 'Org1', stateDir, probeIntervalMs: 2000, probeTimeoutMs: 1500 });
 * const console = await startConsoleServer({ backend, port: 8080 });
 * process.stdout.write(`${console.url}\n`);
 * ```
 */
export async function startConsoleServer(
  options: Readonly<ConsoleServerOptions>,
): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? generateToken();
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  const log = options.log ?? ((m: string) => process.stderr.write(`console: ${m}\n`));
  if (!existsSync(join(webRoot, 'index.html'))) {
    throw new Error(`the console's pages are not built in ${webRoot}: run npm run build`);
  }
  // Unknown body fields are refused, not dropped silently (fastify's default), so a typo is named.
  const app = Fastify({
    logger: false,
    bodyLimit: 256 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  const hub: EventHub = newEventHub();
  let hosts = new Set<string>();

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Plain HTTP on loopback: HSTS would only pin browsers to an HTTPS this server does not speak.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: true,
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      checkRequest(
        { method: request.method, headers: request.headers },
        { token, allowedHosts: hosts },
      );
      done();
    } catch (err) {
      done(err as Error);
    }
  });
  app.setErrorHandler((err, _request, reply) => {
    const { status, body } = toHttpError(err);
    if (status >= 500) log(`${body.error.code}: ${body.error.message}`);
    return reply.code(status).header('cache-control', 'no-store').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `no such page or API: ${request.method} ${request.url}`,
        source: 'console',
      },
    });
  });
  registerRoutes(app, {
    backend: options.backend,
    hub,
    ...(options.oracleNodes !== undefined ? { oracleNodes: options.oracleNodes } : {}),
  });
  await app.register(fastifyStatic, { root: webRoot, prefix: '/', index: ['index.html'] });

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  hosts = allowedHosts(host, port);

  let relay: Relay | undefined;
  if (options.live !== false) {
    try {
      relay = await startRelay(options.backend, hub, log);
    } catch (err) {
      await app.close();
      throw err;
    }
  }
  // The nodes' listeners are read here and their changes pushed as `oracle-nodes` events, the way
  // the Fabric nodes' state is; the browser never talks to a node.
  const oracle = options.oracleNodes;
  const removeOracleListener =
    oracle !== undefined && options.live !== false
      ? oracle.onChange((snapshot) => {
          hub.publish('oracle-nodes', snapshot);
        })
      : undefined;
  if (removeOracleListener !== undefined) oracle?.start();
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    token,
    app,
    async close() {
      relay?.close();
      removeOracleListener?.();
      oracle?.stop();
      hub.close();
      await app.close();
      options.backend.close();
    },
  };
}
