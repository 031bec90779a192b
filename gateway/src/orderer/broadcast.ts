/**
 * Sending a signed envelope to the ordering service over `orderer.AtomicBroadcast/Broadcast`, the
 * one path a channel config update (and, without the Gateway service, a transaction) takes to the
 * orderers. TLS always on with the network's root chain and the node hostname as server name, a
 * deadline per orderer, and failover: an orderer that cannot be reached or answers
 * SERVICE_UNAVAILABLE (no Raft leader yet, maintenance) hands the envelope to the next; a refusal
 * of the request itself (BAD_REQUEST, FORBIDDEN, ...) is final, since every orderer validates alike.
 */
import * as grpc from '@grpc/grpc-js';
import { common, orderer as ordererProtos } from '@hyperledger/fabric-protos';
import { ConfigError, ConnectionError, InputError, OrdererError } from '../errors';
import { dialTarget, endpointName, type Endpoint } from '../lib/endpoint';

/** One orderer node the library can broadcast to. */
export interface OrdererEndpoint {
  /** Name for logs and errors (node id). */
  readonly name: string;
  /** Where to dial and which TLS name to expect. */
  readonly endpoint: Endpoint;
  /** PEM roots the orderer's TLS certificate must chain to. */
  readonly tlsRootCerts: string;
}

/** Options of {@link broadcast}. */
export interface BroadcastOptions {
  /** Deadline of the call to one orderer, in milliseconds; 15000 when absent. */
  readonly timeoutMs?: number;
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

const STATUS_NAMES = new Map<number, string>(
  Object.entries(common.Status).map(([name, value]) => [value, name]),
);

/**
 * The protobuf name of a `common.Status`.
 *
 * @param status - the numeric status
 * @returns its name, or `STATUS_<n>` for values the protos do not know
 */
export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `STATUS_${status}`;
}

/** One orderer's answer, or why there was none. */
type Attempt =
  | { readonly kind: 'answer'; readonly status: number; readonly info: string }
  | { readonly kind: 'failed'; readonly error: ConnectionError };

function sendOnce(
  node: OrdererEndpoint,
  envelope: Uint8Array,
  timeoutMs: number,
): Promise<Attempt> {
  const name = endpointName(node.endpoint);
  const client = new grpc.Client(
    dialTarget(node.endpoint),
    grpc.credentials.createSsl(Buffer.from(node.tlsRootCerts)),
    {
      'grpc.ssl_target_name_override': node.endpoint.hostname,
      'grpc.default_authority': node.endpoint.hostname,
    },
  );
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    const settle = (attempt: Attempt): void => {
      if (settled) return;
      settled = true;
      call.cancel();
      client.close();
      resolve(attempt);
    };
    const call = client.makeBidiStreamRequest<Uint8Array, ordererProtos.BroadcastResponse>(
      BROADCAST_METHOD,
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => ordererProtos.BroadcastResponse.deserializeBinary(bytes),
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
    );
    call.on('data', (response: ordererProtos.BroadcastResponse) => {
      settle({ kind: 'answer', status: response.getStatus(), info: response.getInfo() });
    });
    call.on('error', (err: grpc.ServiceError) => {
      const tls = /handshake|certificate|self.signed|unable to verify|SSL|TLS/i.test(err.message);
      settle({
        kind: 'failed',
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

/**
 * Sends one signed envelope to the ordering service and returns once an orderer has accepted it
 * for ordering (not once it is in a block: watch the ledger for that).
 *
 * @param envelope - a serialized, signed `common.Envelope`
 * @param orderers - the orderers to try, in order
 * @param options - the per-orderer deadline
 * @returns which orderer accepted it and after how many attempts
 * @throws InputError `INVALID_INPUT` when the envelope is empty
 * @throws ConfigError `INVALID_CONFIG` when no orderer is given or the deadline is not positive
 * @throws OrdererError `ORDERER_REFUSED` when an orderer refuses the envelope itself (BAD_REQUEST,
 *   FORBIDDEN, NOT_FOUND, ...); `status`, `statusName` and `info` say why
 * @throws ConnectionError `UNAVAILABLE`, `TIMEOUT` or `TLS_ERROR` when no orderer took it; the
 *   message names every orderer's failure
 * @example
 * ```ts
 * const orderers = await orderer.loadOrderers({ path: 'network.json' });
 * const { endpoint } = await orderer.broadcast(envelopeBytes, orderers, { timeoutMs: 10000 });
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
  for (const [i, node] of orderers.entries()) {
    const attempt = await sendOnce(node, envelope, timeoutMs);
    const name = endpointName(node.endpoint);
    if (attempt.kind === 'failed') {
      failures.push(attempt.error);
      continue;
    }
    if (attempt.status === common.Status.SUCCESS) {
      return { endpoint: name, status: attempt.status, info: attempt.info, attempts: i + 1 };
    }
    if (attempt.status === common.Status.SERVICE_UNAVAILABLE) {
      failures.push(
        new ConnectionError({
          code: 'UNAVAILABLE',
          message: `orderer ${node.name} (${name}) answered SERVICE_UNAVAILABLE: ${attempt.info}`,
          endpoint: name,
        }),
      );
      continue;
    }
    throw new OrdererError({
      code: 'ORDERER_REFUSED',
      message: `orderer ${node.name} (${name}) refused the envelope with ${statusName(attempt.status)}: ${attempt.info}`,
      status: attempt.status,
      statusName: statusName(attempt.status),
      info: attempt.info,
      endpoint: name,
    });
  }
  const last = failures[failures.length - 1];
  const allTimedOut = failures.every((f) => f.code === 'TIMEOUT');
  const allTls = failures.every((f) => f.code === 'TLS_ERROR');
  throw new ConnectionError({
    code: allTimedOut ? 'TIMEOUT' : allTls ? 'TLS_ERROR' : 'UNAVAILABLE',
    message: `no orderer took the envelope: ${failures.map((f) => f.message).join('; ')}`,
    endpoint: orderers.map((o) => endpointName(o.endpoint)).join(','),
    cause: last,
  });
}
