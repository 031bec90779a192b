/**
 * The peer-to-peer channel: HTTPS with mutual TLS. Both sides present a certificate from the
 * consortium's node CA (the member's Fabric CA, or a CA of the operators' own) whose subject CN is
 * the node's oracle id; the server accepts only configured peers and hands each request to the
 * handler with the peer's oracle id taken from its certificate, never from the message. The
 * client checks the server's CN is the peer it meant to reach (not a hostname: nodes are found by
 * address). Observations and reports carry oracle signatures as well, so TLS authenticates the
 * channel and the signatures authenticate the data.
 */
import { readFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { NodeConfig, PeerSpec } from '../config/config';
import { OracleNodeError } from '../errors';
import type { Refusal } from './messages';

/** The message kinds. */
export type P2pKind = 'observe' | 'sign' | 'final';

/** Answers a peer's message: a JSON body, or a refusal. */
export type P2pHandler = (kind: P2pKind, from: string, body: unknown) => Promise<unknown>;

/** A handler's refusal, answered as HTTP 409 with its {@link Refusal} body. */
export class RefusalError extends Error {
  /** The refusal. */
  readonly refusal: Refusal;
  /**
   * @param refusal - the refusal body
   */
  constructor(refusal: Refusal) {
    super(`${refusal.refused}: ${refusal.message}`);
    this.refusal = refusal;
  }
}

/** The channel. */
export interface P2p {
  /** The bound port. */
  readonly port: number;
  /**
   * Sends a message to a peer.
   *
   * @returns the peer's answer body
   * @throws OracleNodeError `PEER_REFUSED` (with the refusal in `cause`) or `PEER_UNAVAILABLE`
   */
  send(peer: PeerSpec, kind: P2pKind, body: unknown, timeoutMs: number): Promise<unknown>;
  /** Stops listening and drops connections. */
  close(): Promise<void>;
}

const MAX_BODY = 256 * 1024;

function commonName(cert: PeerCertificate | undefined): string | undefined {
  const cn = (cert?.subject as Record<string, unknown> | undefined)?.CN;
  return typeof cn === 'string' ? cn : undefined;
}

/**
 * Starts the channel.
 *
 * @param config - the node's configuration (p2p listener, TLS files, peers)
 * @param handler - answers incoming messages
 * @returns the channel, listening
 * @throws OracleNodeError `INVALID_CONFIG` when the TLS files cannot be read
 */
export async function startP2p(config: NodeConfig, handler: P2pHandler): Promise<P2p> {
  let tls: { cert: Buffer; key: Buffer; ca: Buffer };
  try {
    tls = {
      cert: readFileSync(config.p2p.tls.cert),
      key: readFileSync(config.p2p.tls.key),
      ca: readFileSync(config.p2p.tls.ca),
    };
  } catch (err) {
    throw new OracleNodeError({
      code: 'INVALID_CONFIG',
      field: 'p2p.tls',
      message: `p2p.tls: cannot read a TLS file: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
  try {
    // What the server would otherwise refuse later with OpenSSL's words alone: a key that is not
    // the certificate's, a file that is not PEM.
    createSecureContext(tls);
  } catch (err) {
    throw new OracleNodeError({
      code: 'INVALID_CONFIG',
      field: 'p2p.tls',
      message: `p2p.tls: the certificate, key and CA files do not make a usable TLS identity (is key the certificate's private key?): ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
  const peers = new Set(config.p2p.peers.map((p) => p.oracleId));
  const server: Server = createServer(
    { ...tls, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const reply = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const from = commonName(
        (req.socket as unknown as Pick<TLSSocket, 'getPeerCertificate'>).getPeerCertificate(),
      );
      const kind = /^\/p2p\/v1\/(observe|sign|final)$/.exec(req.url ?? '')?.[1] as
        P2pKind | undefined;
      if (from === undefined || !peers.has(from)) {
        reply(403, {
          refused: 'UNKNOWN_PEER',
          message: `certificate CN ${from ?? '(none)'} is not a configured peer`,
        });
        req.resume();
        return;
      }
      if (req.method !== 'POST' || kind === undefined) {
        reply(404, { refused: 'NOT_FOUND', message: `${req.method ?? ''} ${req.url ?? ''}` });
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) req.destroy();
        else chunks.push(c);
      });
      req.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          reply(400, { refused: 'BAD_MESSAGE', message: 'the body is not JSON' });
          return;
        }
        handler(kind, from, body).then(
          (answer) => {
            reply(200, answer ?? {});
          },
          (err: unknown) => {
            if (err instanceof RefusalError) reply(409, err.refusal);
            else
              reply(500, {
                refused: 'INTERNAL',
                message: err instanceof Error ? err.message : String(err),
              });
          },
        );
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.p2p.listen.port, config.p2p.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const agent = new Agent({ ...tls, keepAlive: true, maxSockets: 8 });
  const preferred = new Map<string, number>();
  const sendTo = (
    peer: PeerSpec,
    target: string,
    kind: P2pKind,
    body: unknown,
    timeoutMs: number,
  ): Promise<unknown> => {
    const url = new URL(`/p2p/v1/${kind}`, target);
    const payload = JSON.stringify(body, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    return new Promise<unknown>((resolve, reject) => {
      const unavailable = (message: string, cause?: unknown) =>
        new OracleNodeError({
          code: 'PEER_UNAVAILABLE',
          message: `peer ${peer.oracleId}: ${message}`,
          cause,
        });
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
          timeout: timeoutMs,
          checkServerIdentity: (_host, cert) => {
            const cn = commonName(cert);
            return cn === peer.oracleId
              ? undefined
              : new Error(`peer certificate CN ${cn ?? '(none)'} is not ${peer.oracleId}`);
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => {
            reject(unavailable(err.message, err));
          });
          res.on('end', () => {
            let answer: unknown;
            try {
              answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              reject(unavailable(`answered ${res.statusCode ?? 0} with text that is not JSON`));
              return;
            }
            if (res.statusCode === 200) resolve(answer);
            else {
              const r = answer as Partial<Refusal>;
              reject(
                new OracleNodeError({
                  code: 'PEER_REFUSED',
                  message: `peer ${peer.oracleId} refused ${kind}: ${r.refused ?? String(res.statusCode)} ${r.message ?? ''}`,
                  cause: answer,
                }),
              );
            }
          });
        },
      );
      req.setTimeout(timeoutMs, () => {
        req.destroy(unavailable(`no answer within ${timeoutMs} ms`));
      });
      req.on('error', (err) => {
        reject(err instanceof OracleNodeError ? err : unavailable(err.message, err));
      });
      req.end(payload);
    });
  };
  return {
    port: (server.address() as AddressInfo).port,
    async send(peer, kind, body, timeoutMs) {
      const urls = [peer.url, ...(peer.standbyUrls ?? [])];
      if (urls.length === 1) return sendTo(peer, peer.url, kind, body, timeoutMs);
      // An active/standby pair: start with the process that answered last, move on when a
      // process is down or is the standby, and remember the one that answers.
      const first = preferred.get(peer.oracleId) ?? 0;
      let last: unknown;
      for (let k = 0; k < urls.length; k++) {
        const i = (first + k) % urls.length;
        try {
          const answer = await sendTo(peer, urls[i] ?? peer.url, kind, body, timeoutMs);
          preferred.set(peer.oracleId, i);
          return answer;
        } catch (err) {
          last = err;
          const refused = (err as OracleNodeError).cause as Partial<Refusal> | undefined;
          const next =
            err instanceof OracleNodeError &&
            (err.code === 'PEER_UNAVAILABLE' ||
              (err.code === 'PEER_REFUSED' && refused?.refused === 'STANDBY'));
          if (!next) {
            preferred.set(peer.oracleId, i);
            throw err;
          }
        }
      }
      throw last;
    },
    close() {
      agent.destroy();
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
