/**
 * Sending a signed envelope to the ordering service over `orderer.AtomicBroadcast/Broadcast`: the
 * path a transaction takes on peers without the Gateway service, and a channel config update's
 * path on any network. TLS always on with the network's root chain and the node hostname as server
 * name, a deadline per orderer, and failover only where it cannot order the envelope twice: to the
 * next orderer when this one certainly never received it (no connection) or answered that it could
 * not take it (SERVICE_UNAVAILABLE: no Raft leader yet). An orderer that took the envelope and then
 * went silent may still order it, so the call stops there and says so; the caller checks the
 * ledger before it sends the same envelope again.
 */
import * as grpc from '@grpc/grpc-js';
import { common, orderer as ordererProtos } from '@hyperledger/fabric-protos';
import { ConfigError, ConnectionError, InputError, OrdererError } from '../errors';
import { dialTarget, endpointName, type Endpoint } from '../lib/endpoint';
import { trackCall } from '../lib/in-flight';

/** One orderer node the library can broadcast to. */
export interface OrdererEndpoint {
  /** Name for logs and errors (node id). */
  readonly name: string;
  /** Where to dial and which TLS name to expect. */
  readonly endpoint: Endpoint;
  /** PEM roots the orderer's TLS certificate must chain to. */
  readonly tlsRootCerts: string;
}

/** Opens (or hands out a kept) gRPC client for an orderer. */
export type OrdererClientSource = (orderer: OrdererEndpoint) => grpc.Client;

/** Options of {@link broadcast}. */
export interface BroadcastOptions {
  /** Deadline of the call to one orderer, in milliseconds; 15000 when absent. */
  readonly timeoutMs?: number;
  /** Absolute deadline (epoch ms) of the whole call; no orderer is tried after it. */
  readonly deadline?: number;
  /**
   * Where the gRPC clients come from; a new client per orderer, closed after the call, when
   * absent. A connection passes its kept clients so a transaction costs no TLS handshake.
   */
  readonly clients?: OrdererClientSource;
  /**
   * Whether to move on to the next orderer after one that may have received the envelope went
   * silent (dropped stream, deadline). False unless stated: the envelope could then be ordered
   * twice. A config update, whose second copy the orderer refuses, may set it.
   */
  readonly failoverWhenUncertain?: boolean;
}

/** What the orderer that took the envelope answered. */
export interface BroadcastResult {
  /** The orderer (host:port) that accepted the envelope. */
  readonly endpoint: string;
  /** Always 200 (`common.Status.SUCCESS`). */
  readonly status: number;
  /** The orderer's info text, usually empty. */
  readonly info: string;
  /** How many orderers were tried, the accepting one included. */
  readonly attempts: number;
}

const BROADCAST_METHOD = '/orderer.AtomicBroadcast/Broadcast';

const STATUS_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(common.Status as unknown as Record<string, number>).map(([name, value]) => [
    value,
    name,
  ]),
);

/**
 * The protobuf name of a `common.Status`.
 *
 * @param status - the numeric status
 * @returns its name, or `STATUS_<n>` for values the protos do not know
 */
export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `STATUS_${status}`;
}

/**
 * Opens a gRPC client to an orderer: TLS with its roots, its hostname as server name.
 *
 * @param node - the orderer
 * @returns the client; close it when done
 */
export function newOrdererClient(node: OrdererEndpoint): grpc.Client {
  return new grpc.Client(
    dialTarget(node.endpoint),
    grpc.credentials.createSsl(Buffer.from(node.tlsRootCerts)),
    {
      'grpc.ssl_target_name_override': node.endpoint.hostname,
      'grpc.default_authority': node.endpoint.hostname,
    },
  );
}

/** One orderer's answer, or why there was none. */
type Attempt =
  | { readonly kind: 'answer'; readonly status: number; readonly info: string }
  | { readonly kind: 'failed'; readonly error: ConnectionError; readonly delivered: boolean };

const TLS_PATTERN = /handshake|certificate|self.signed|unable to verify|SSL|TLS/i;
// What grpc-js says when no connection could be opened: nothing can have reached the orderer.
const NOT_CONNECTED =
  /No connection established|ECONNREFUSED|failed to connect|Name resolution failed|getaddrinfo/i;

function sendOnce(
  node: OrdererEndpoint,
  client: grpc.Client,
  envelope: Uint8Array,
  deadline: number,
): Promise<Attempt> {
  const name = endpointName(node.endpoint);
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    const settle = (attempt: Attempt): void => {
      if (settled) return;
      settled = true;
      untrack();
      call.cancel();
      resolve(attempt);
    };
    const call = client.makeBidiStreamRequest<Uint8Array, ordererProtos.BroadcastResponse>(
      BROADCAST_METHOD,
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => ordererProtos.BroadcastResponse.deserializeBinary(bytes),
      new grpc.Metadata(),
      { deadline },
    );
    // Cancelled (ending as CANCELLED) when the connection that owns the client closes.
    const untrack = trackCall(client, call);
    call.on('data', (response: ordererProtos.BroadcastResponse) => {
      settle({ kind: 'answer', status: response.getStatus(), info: response.getInfo() });
    });
    call.on('error', (err: grpc.ServiceError) => {
      const tls = TLS_PATTERN.test(err.message);
      const notConnected =
        tls || (err.code === grpc.status.UNAVAILABLE && NOT_CONNECTED.test(err.message));
      settle({
        kind: 'failed',
        delivered: !notConnected,
        error: new ConnectionError({
          code: tls
            ? 'TLS_ERROR'
            : err.code === grpc.status.DEADLINE_EXCEEDED
              ? 'TIMEOUT'
              : 'UNAVAILABLE',
          message: `broadcast to orderer ${node.name} (${name}) failed: ${err.message}`,
          endpoint: name,
          cause: err,
        }),
      });
    });
    call.on('end', () => {
      settle({
        kind: 'failed',
        delivered: true,
        error: new ConnectionError({
          code: 'UNAVAILABLE',
          message: `orderer ${node.name} (${name}) closed the broadcast stream without an answer`,
          endpoint: name,
        }),
      });
    });
    call.write(envelope);
  });
}

function refused(node: OrdererEndpoint, status: number, info: string): OrdererError {
  const name = endpointName(node.endpoint);
  return new OrdererError({
    code: 'ORDERER_REFUSED',
    message: `orderer ${node.name} (${name}) refused the envelope with ${statusName(status)}: ${info}`,
    status,
    statusName: statusName(status),
    info,
    endpoint: name,
  });
}

/**
 * Sends one signed envelope to the ordering service and returns once an orderer has accepted it
 * for ordering (not once it is in a block: watch the ledger for that).
 *
 * @param envelope - a serialized, signed `common.Envelope`
 * @param orderers - the orderers to try, in order
 * @param options - per-orderer and overall deadlines, kept clients, failover policy
 * @returns which orderer accepted it and after how many attempts
 * @throws InputError `INVALID_INPUT` when the envelope is empty
 * @throws ConfigError `INVALID_CONFIG` when no orderer is given or the deadline is not positive
 * @throws OrdererError `ORDERER_REFUSED`, with the status and the orderer's info, when an orderer
 *   refuses the envelope itself (BAD_REQUEST, FORBIDDEN, NOT_FOUND, ...): every orderer validates
 *   alike, so no other is tried
 * @throws ConnectionError `UNAVAILABLE`, `TIMEOUT` or `TLS_ERROR` when no orderer took it; the
 *   message names every orderer's failure and says whether one may have received it
 * @example
 * ```ts
 * const { endpoint } = await broadcast(envelopeBytes, orderers, { timeoutMs: 10000 });
 * ```
 */
export async function broadcast(
  envelope: Uint8Array,
  orderers: readonly OrdererEndpoint[],
  options: Readonly<BroadcastOptions> = {},
): Promise<BroadcastResult> {
  if (envelope.length === 0) {
    throw new InputError({ code: 'INVALID_INPUT', message: 'the envelope to broadcast is empty' });
  }
  if (orderers.length === 0) {
    throw new ConfigError({ code: 'INVALID_CONFIG', message: 'no orderer to broadcast to' });
  }
  const timeoutMs = options.timeoutMs ?? 15000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigError({
      code: 'INVALID_CONFIG',
      message: `broadcast timeoutMs ${timeoutMs} must be a positive number of milliseconds`,
    });
  }
  const failures: ConnectionError[] = [];
  let uncertain = false;
  let attempts = 0;
  for (const node of orderers) {
    const now = Date.now();
    if (options.deadline !== undefined && now >= options.deadline) break;
    const deadline = Math.min(now + timeoutMs, options.deadline ?? Infinity);
    const source = options.clients;
    const client = source === undefined ? newOrdererClient(node) : source(node);
    attempts++;
    let attempt: Attempt;
    try {
      attempt = await sendOnce(node, client, envelope, deadline);
    } finally {
      if (source === undefined) client.close();
    }
    const name = endpointName(node.endpoint);
    if (attempt.kind === 'failed') {
      failures.push(attempt.error);
      if (attempt.delivered) {
        uncertain = true;
        if (options.failoverWhenUncertain !== true) break;
      }
      continue;
    }
    if (attempt.status === (common.Status.SUCCESS as number)) {
      return { endpoint: name, status: attempt.status, info: attempt.info, attempts };
    }
    if (attempt.status === (common.Status.SERVICE_UNAVAILABLE as number)) {
      failures.push(
        new ConnectionError({
          code: 'UNAVAILABLE',
          message: `orderer ${node.name} (${name}) answered SERVICE_UNAVAILABLE: ${attempt.info}`,
          endpoint: name,
        }),
      );
      continue;
    }
    throw refused(node, attempt.status, attempt.info);
  }
  const last = failures[failures.length - 1];
  const allTimedOut = failures.length > 0 && failures.every((f) => f.code === 'TIMEOUT');
  const allTls = failures.length > 0 && failures.every((f) => f.code === 'TLS_ERROR');
  throw new ConnectionError({
    code: allTimedOut ? 'TIMEOUT' : allTls ? 'TLS_ERROR' : 'UNAVAILABLE',
    message: `no orderer took the envelope${
      uncertain
        ? ' (an orderer may have received it; check the ledger before sending it again)'
        : ''
    }: ${failures.length > 0 ? failures.map((f) => f.message).join('; ') : 'the deadline passed'}`,
    endpoint: orderers.map((o) => endpointName(o.endpoint)).join(','),
    cause: last,
  });
}
