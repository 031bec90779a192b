/**
 * The legacy services' gRPC methods on a plain grpc-js client: byte-level unary calls
 * (ProcessProposal, Discover, the Gateway-service probe) and a helper that reads a deliver stream
 * until the caller has what it wants, the deadline passes or the stream fails.
 */
import * as grpc from '@grpc/grpc-js';
import { common, peer as peerProtos } from '@hyperledger/fabric-protos';
import { LegacyCallError } from './messages';
import { trackCall } from '../../lib/in-flight';

/** Method paths of the services the legacy transport calls. */
export const METHODS = {
  processProposal: '/protos.Endorser/ProcessProposal',
  discover: '/discovery.Discovery/Discover',
  deliver: '/protos.Deliver/Deliver',
  deliverFiltered: '/protos.Deliver/DeliverFiltered',
  gatewayEvaluate: '/gateway.Gateway/Evaluate',
} as const;

const raw = (b: Uint8Array) => Buffer.from(b);
const same = (b: Buffer) => b;

/**
 * One unary call with already-serialized bytes.
 *
 * @param client - the peer's client
 * @param method - method path
 * @param request - serialized request
 * @param deadline - absolute deadline (epoch ms)
 * @returns the serialized response
 */
export function unary(
  client: grpc.Client,
  method: string,
  request: Uint8Array,
  deadline: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let done = (): void => undefined;
    const call = client.makeUnaryRequest(method, raw, same, request, { deadline }, (err, value) => {
      done();
      if (err !== null) reject(err);
      else resolve(value ?? Buffer.alloc(0));
    });
    done = trackCall(client, call);
  });
}

/**
 * Whether the peer runs Fabric's Gateway service: an empty evaluate request (no proposal, so
 * nothing runs and nothing waits) is refused as malformed by a peer that has the service and as
 * UNIMPLEMENTED by one that has not. Nothing is signed.
 *
 * @param client - the peer's client
 * @param deadline - absolute deadline (epoch ms)
 * @returns true when the Gateway service answered
 * @throws the gRPC error when the peer could not be asked (unreachable, deadline)
 */
export async function hasGatewayService(client: grpc.Client, deadline: number): Promise<boolean> {
  try {
    await unary(client, METHODS.gatewayEvaluate, new Uint8Array(), deadline);
    return true;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === grpc.status.UNIMPLEMENTED) return false;
    if (code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED) throw err;
    // Any other answer (INVALID_ARGUMENT, PERMISSION_DENIED, ...) came from the service itself.
    return true;
  }
}

/** What a deliver reader makes of one response: keep reading, or finish with a value. */
export type Step<T> = { readonly done: false } | { readonly done: true; readonly value: T };

/** A running deliver stream. */
export interface DeliverStream {
  /** Stops reading and cancels the call. */
  cancel(): void;
}

/**
 * Reads a deliver stream (`Deliver` or `DeliverFiltered`) until `onResponse` finishes, the
 * deadline passes (DEADLINE_EXCEEDED) or the peer ends the stream with a status.
 *
 * @param client - the peer's client
 * @param method - `METHODS.deliver` or `METHODS.deliverFiltered`
 * @param envelope - the signed seek envelope
 * @param deadline - absolute deadline (epoch ms), or undefined for none
 * @param onResponse - reads one response
 * @returns the value `onResponse` finished with
 */
export function readDeliver<T>(
  client: grpc.Client,
  method: string,
  envelope: Uint8Array,
  deadline: number | undefined,
  onResponse: (response: peerProtos.DeliverResponse) => Step<T>,
): { result: Promise<T>; stream: DeliverStream } {
  const call = client.makeBidiStreamRequest<Uint8Array, peerProtos.DeliverResponse>(
    method,
    raw,
    (b: Buffer) => peerProtos.DeliverResponse.deserializeBinary(b),
    new grpc.Metadata(),
    deadline !== undefined ? { deadline } : {},
  );
  const untrack = trackCall(client, call);
  const result = new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      untrack();
      fn();
      call.cancel();
    };
    call.on('data', (response: peerProtos.DeliverResponse) => {
      if (settled) return;
      if (response.getTypeCase() === peerProtos.DeliverResponse.TypeCase.STATUS) {
        const status = response.getStatus();
        // A refusal of the request itself (access, malformed seek) would be repeated by every
        // peer; anything else (NOT_FOUND from a peer that lost track of the channel while stopped,
        // SERVICE_UNAVAILABLE, INTERNAL_SERVER_ERROR) is this peer's condition: another may answer.
        const code =
          status === (common.Status.FORBIDDEN as number)
            ? grpc.status.PERMISSION_DENIED
            : status === (common.Status.BAD_REQUEST as number)
              ? grpc.status.INVALID_ARGUMENT
              : grpc.status.UNAVAILABLE;
        finish(() => {
          reject(
            new LegacyCallError(
              code,
              `the deliver service ended the stream with status ${status}${
                status === (common.Status.FORBIDDEN as number) ? ' (access denied)' : ''
              }`,
            ),
          );
        });
        return;
      }
      let step: Step<T>;
      try {
        step = onResponse(response);
      } catch (err) {
        finish(() => {
          reject(err instanceof Error ? err : new Error(String(err)));
        });
        return;
      }
      if (step.done) {
        finish(() => {
          resolve(step.value);
        });
      }
    });
    call.on('error', (err: grpc.ServiceError) => {
      finish(() => {
        reject(err);
      });
    });
    call.on('end', () => {
      finish(() => {
        reject(new LegacyCallError(grpc.status.UNAVAILABLE, 'the deliver stream ended'));
      });
    });
  });
  call.write(envelope);
  return {
    result,
    stream: {
      cancel: () => {
        untrack();
        call.cancel();
      },
    },
  };
}
