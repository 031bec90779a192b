/**
 * The transport for peers that run Fabric's Gateway service (Fabric 2.4 and later): one gRPC client
 * per peer, TLS always on with the node hostname as server name, keepalive the peer accepts. The
 * four calls of a transaction go to the Gateway service's gRPC methods directly, with the bytes the
 * connection signed and the caller's deadline; fabric-gateway's client serves the event streams.
 */
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  connect as fabricConnect,
  hash,
  type ChaincodeEvent,
  type Checkpoint,
  type CloseableAsyncIterable,
  type Gateway,
} from '@hyperledger/fabric-gateway';
import {
  common,
  gateway as gatewayProtos,
  google,
  peer as peerProtos,
} from '@hyperledger/fabric-protos';
import { dialTarget, endpointName } from '../lib/endpoint';
import type { Signer } from '../signers/signer';
import type { PeerConfig } from './network-config';
import { cancelCalls } from '../lib/in-flight';
import { unary } from './legacy/rpc';
import type { CommitStatusAnswer, Endorsement, SignedBytes, Transport } from './transport';

/** The Gateway service's unary methods. */
const METHODS = {
  evaluate: '/gateway.Gateway/Evaluate',
  endorse: '/gateway.Gateway/Endorse',
  submit: '/gateway.Gateway/Submit',
  commitStatus: '/gateway.Gateway/CommitStatus',
} as const;

/** The proposal a connection built, with the signature set on its signed proposal. */
function proposedTransaction(proposal: SignedBytes): gatewayProtos.ProposedTransaction {
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(proposal.bytes);
  const signed = proposed.getProposal();
  if (signed === undefined) throw new Error('the proposal bytes hold no signed proposal');
  signed.setSignature(proposal.signature);
  return proposed;
}

/** The chaincode's return value in an endorsed transaction's payload (its first action). */
function chaincodeResult(payload: Uint8Array): Uint8Array {
  const transaction = peerProtos.Transaction.deserializeBinary(
    common.Payload.deserializeBinary(payload).getData_asU8(),
  );
  const action = transaction.getActionsList()[0];
  const endorsed = peerProtos.ChaincodeActionPayload.deserializeBinary(
    action?.getPayload_asU8() ?? new Uint8Array(),
  ).getAction();
  if (endorsed === undefined) throw new Error('the endorsed transaction holds no chaincode action');
  const response = peerProtos.ChaincodeAction.deserializeBinary(
    peerProtos.ProposalResponsePayload.deserializeBinary(
      endorsed.getProposalResponsePayload_asU8(),
    ).getExtension_asU8(),
  ).getResponse();
  return response?.getPayload_asU8() ?? new Uint8Array();
}

/** A Gateway-service failure: the gRPC status and the per-peer errors the service attached. */
class GatewayCallError extends Error {
  readonly code: number;
  readonly details: { address: string; mspId: string; message: string }[];
  readonly transactionId: string;

  constructor(err: grpc.ServiceError, transactionId: string) {
    super(err.message, { cause: err });
    this.name = 'GatewayError';
    this.code = err.code;
    this.transactionId = transactionId;
    this.details = err.metadata.get('grpc-status-details-bin').flatMap((value) =>
      google.rpc.Status.deserializeBinary(typeof value === 'string' ? Buffer.from(value) : value)
        .getDetailsList()
        .map((packed: { getValue_asU8(): Uint8Array }) => {
          const detail = gatewayProtos.ErrorDetail.deserializeBinary(packed.getValue_asU8());
          return {
            address: detail.getAddress(),
            mspId: detail.getMspId(),
            message: detail.getMessage(),
          };
        }),
    );
  }
}

function gatewayError(err: unknown, transactionId: string): unknown {
  const e = err as Partial<grpc.ServiceError>;
  return err instanceof Error && typeof e.code === 'number' && e.metadata instanceof grpc.Metadata
    ? new GatewayCallError(err as grpc.ServiceError, transactionId)
    : err;
}

/** What every Gateway-service transport of one connection shares. */
export interface GatewayTransportOptions {
  /** The channel, for event streams. */
  readonly channelName: string;
  /**
   * The peer's gRPC client when the connection opened it (shared with a legacy transport); the
   * transport opens and closes its own when absent.
   */
  readonly client?: grpc.Client;
  /** MSP id of the client identity. */
  readonly mspId: string;
  /** PEM certificate of the client identity. */
  readonly certificate: string;
  /** Whether digests are the whole message (Ed25519) rather than SHA-256. */
  readonly ed25519: boolean;
  /**
   * Signer of the client identity, for the requests fabric-gateway signs itself (event streams);
   * absent for offline signing only.
   */
  readonly signer?: Signer;
  /** Keepalive ping interval in ms. */
  readonly keepaliveMs: number;
  /** Keepalive ping answer timeout in ms. */
  readonly keepaliveTimeoutMs: number;
}

class GatewayTransport implements Transport {
  readonly endpoint: string;
  readonly kind = 'gateway' as const;
  readonly gateway: Gateway;
  readonly #client: grpc.Client;
  readonly #ownsClient: boolean;
  readonly #streams = new Set<CloseableAsyncIterable<ChaincodeEvent>>();
  #closed = false;
  readonly #channelName: string;
  readonly #ed25519: boolean;

  constructor(peer: PeerConfig, options: Readonly<GatewayTransportOptions>) {
    this.endpoint = endpointName(peer.endpoint);
    this.#channelName = options.channelName;
    this.#ed25519 = options.ed25519;
    this.#ownsClient = options.client === undefined;
    this.#client =
      options.client ??
      new grpc.Client(
        dialTarget(peer.endpoint),
        grpc.credentials.createSsl(Buffer.from(peer.tlsRootCerts)),
        {
          'grpc.ssl_target_name_override': peer.endpoint.hostname,
          'grpc.default_authority': peer.endpoint.hostname,
          'grpc.keepalive_time_ms': options.keepaliveMs,
          'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs,
          'grpc.http2.min_time_between_pings_ms': options.keepaliveMs,
          'grpc.keepalive_permit_without_calls': 1,
        },
      );
    // The signer serves only the requests fabric-gateway builds and signs itself, event streams.
    const signer = options.signer;
    this.gateway = fabricConnect({
      client: this.#client,
      identity: { mspId: options.mspId, credentials: Buffer.from(options.certificate) },
      ...(signer !== undefined ? { signer: (digest: Uint8Array) => signer.sign(digest) } : {}),
      hash: options.ed25519 ? hash.none : hash.sha256,
    });
  }

  async evaluate(proposal: SignedBytes, deadline: number): Promise<Uint8Array> {
    const proposed = proposedTransaction(proposal);
    const request = new gatewayProtos.EvaluateRequest();
    request.setTransactionId(proposed.getTransactionId());
    request.setChannelId(this.#channelName);
    request.setProposedTransaction(proposed.getProposal());
    request.setTargetOrganizationsList(proposed.getEndorsingOrganizationsList());
    const response = gatewayProtos.EvaluateResponse.deserializeBinary(
      await this.#call(METHODS.evaluate, request, deadline, proposed.getTransactionId()),
    );
    return response.getResult()?.getPayload_asU8() ?? new Uint8Array();
  }

  async endorse(proposal: SignedBytes, deadline: number): Promise<Endorsement> {
    const proposed = proposedTransaction(proposal);
    const transactionId = proposed.getTransactionId();
    const request = new gatewayProtos.EndorseRequest();
    request.setTransactionId(transactionId);
    request.setChannelId(this.#channelName);
    request.setProposedTransaction(proposed.getProposal());
    request.setEndorsingOrganizationsList(proposed.getEndorsingOrganizationsList());
    const response = gatewayProtos.EndorseResponse.deserializeBinary(
      await this.#call(METHODS.endorse, request, deadline, transactionId),
    );
    const envelope = response.getPreparedTransaction();
    if (envelope === undefined) {
      throw new Error(`the peer's endorse answer for ${transactionId} holds no transaction`);
    }
    const prepared = new gatewayProtos.PreparedTransaction();
    prepared.setTransactionId(transactionId);
    prepared.setEnvelope(envelope);
    const payload = envelope.getPayload_asU8();
    return {
      bytes: prepared.serializeBinary(),
      digest: this.#ed25519 ? payload : createHash('sha256').update(payload).digest(),
      message: payload,
      result: chaincodeResult(payload),
    };
  }

  async submit(transaction: SignedBytes, deadline: number): Promise<void> {
    const prepared = gatewayProtos.PreparedTransaction.deserializeBinary(transaction.bytes);
    const envelope = prepared.getEnvelope();
    if (envelope === undefined) throw new Error('the prepared transaction holds no envelope');
    envelope.setSignature(transaction.signature);
    const request = new gatewayProtos.SubmitRequest();
    request.setTransactionId(prepared.getTransactionId());
    request.setChannelId(this.#channelName);
    request.setPreparedTransaction(envelope);
    await this.#call(METHODS.submit, request, deadline, prepared.getTransactionId());
  }

  async commitStatus(request: SignedBytes, deadline: number): Promise<CommitStatusAnswer> {
    const signed = gatewayProtos.SignedCommitStatusRequest.deserializeBinary(request.bytes);
    const transactionId = gatewayProtos.CommitStatusRequest.deserializeBinary(
      signed.getRequest_asU8(),
    ).getTransactionId();
    signed.setSignature(request.signature);
    const response = gatewayProtos.CommitStatusResponse.deserializeBinary(
      await this.#call(METHODS.commitStatus, signed, deadline, transactionId),
    );
    return {
      transactionId,
      blockNumber: BigInt(response.getBlockNumber()),
      code: response.getResult(),
    };
  }

  /** One unary call of the Gateway service; a gRPC failure comes back with the peers' details. */
  async #call(
    method: string,
    request: { serializeBinary(): Uint8Array },
    deadline: number,
    transactionId: string,
  ): Promise<Buffer> {
    try {
      return await unary(this.#client, method, request.serializeBinary(), deadline);
    } catch (err) {
      throw gatewayError(err, transactionId);
    }
  }

  async chaincodeEvents(
    chaincodeName: string,
    checkpoint: Checkpoint,
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    const events = await this.gateway
      .getNetwork(this.#channelName)
      .getChaincodeEvents(chaincodeName, { checkpoint });
    // fabric-gateway's Gateway.close() leaves its streams open: the transport closes them.
    if (this.#closed) {
      events.close();
    } else {
      this.#streams.add(events);
    }
    const close = (): void => {
      this.#streams.delete(events);
      events.close();
    };
    return {
      [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
      close,
      [Symbol.dispose]: close,
    };
  }

  close(): void {
    this.#closed = true;
    for (const events of this.#streams) events.close();
    this.#streams.clear();
    this.gateway.close();
    if (this.#ownsClient) {
      cancelCalls(this.#client);
      this.#client.close();
    }
  }
}

/**
 * Opens the Gateway-service transport to one peer. The gRPC client connects lazily, on first use.
 *
 * @param peer - the peer's endpoint and TLS roots
 * @param options - identity and keepalive shared by the connection's transports
 * @returns the transport; `close()` it when done
 */
export function newGatewayTransport(
  peer: PeerConfig,
  options: Readonly<GatewayTransportOptions>,
): Transport {
  return new GatewayTransport(peer, options);
}
