/**
 * The transport for peers that run Fabric's Gateway service (Fabric 2.4 and later): one gRPC client
 * per peer, TLS always on with the node hostname as server name, keepalive the peer accepts, and
 * fabric-gateway's signed-request calls with the caller's deadline.
 */
import * as grpc from '@grpc/grpc-js';
import {
  connect as fabricConnect,
  hash,
  type ChaincodeEvent,
  type Checkpoint,
  type CloseableAsyncIterable,
  type Gateway,
} from '@hyperledger/fabric-gateway';
import { dialTarget, endpointName } from '../lib/endpoint';
import type { Signer } from '../signers/signer';
import type { PeerConfig } from './network-config';
import type { CommitStatusAnswer, Endorsement, SignedBytes, Transport } from './transport';

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
  readonly #channelName: string;

  constructor(peer: PeerConfig, options: Readonly<GatewayTransportOptions>) {
    this.endpoint = endpointName(peer.endpoint);
    this.#channelName = options.channelName;
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
    // Evaluate, endorse, submit and commit status arrive here already signed; the signer serves
    // only the requests fabric-gateway builds and signs itself, event streams.
    const signer = options.signer;
    this.gateway = fabricConnect({
      client: this.#client,
      identity: { mspId: options.mspId, credentials: Buffer.from(options.certificate) },
      ...(signer !== undefined ? { signer: (digest: Uint8Array) => signer.sign(digest) } : {}),
      hash: options.ed25519 ? hash.none : hash.sha256,
    });
  }

  evaluate(proposal: SignedBytes, deadline: number): Promise<Uint8Array> {
    return this.gateway
      .newSignedProposal(proposal.bytes, proposal.signature)
      .evaluate({ deadline });
  }

  async endorse(proposal: SignedBytes, deadline: number): Promise<Endorsement> {
    const tx = await this.gateway
      .newSignedProposal(proposal.bytes, proposal.signature)
      .endorse({ deadline });
    return { bytes: tx.getBytes(), digest: tx.getDigest(), result: tx.getResult() };
  }

  async submit(transaction: SignedBytes, deadline: number): Promise<void> {
    await this.gateway
      .newSignedTransaction(transaction.bytes, transaction.signature)
      .submit({ deadline });
  }

  async commitStatus(request: SignedBytes, deadline: number): Promise<CommitStatusAnswer> {
    const status = await this.gateway
      .newSignedCommit(request.bytes, request.signature)
      .getStatus({ deadline });
    return {
      transactionId: status.transactionId,
      blockNumber: status.blockNumber,
      code: status.code,
    };
  }

  chaincodeEvents(
    chaincodeName: string,
    checkpoint: Checkpoint,
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    return this.gateway
      .getNetwork(this.#channelName)
      .getChaincodeEvents(chaincodeName, { checkpoint });
  }

  close(): void {
    this.gateway.close();
    if (this.#ownsClient) this.#client.close();
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
