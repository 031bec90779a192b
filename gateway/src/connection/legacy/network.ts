/**
 * What a connection's legacy transports share: one gRPC client per peer (configured or found by
 * discovery) and per orderer, the signed discovery requests (a discovery request carries no nonce
 * or timestamp, so one signature serves every later call with the same question), the last
 * discovery answers for a few seconds, the highest ledger height seen, and which orderer to try
 * first.
 */
import { isIP } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { endpointName, type Endpoint } from '../../lib/endpoint';
import { newOrdererClient, type OrdererEndpoint } from '../../orderer/broadcast';
import { signMessageWith, type Signer } from '../../signers/signer';
import type { PeerConfig } from '../network-config';
import {
  newDiscoveryRequest,
  parseDiscoveryResponse,
  signedDiscoveryRequest,
  type ChaincodeInterest,
  type DiscoveryResult,
} from './discovery';
import { LegacyCallError, type Creator } from './messages';
import { cancelCalls } from '../../lib/in-flight';
import { METHODS, unary } from './rpc';

/** What every legacy transport of one connection shares. */
export interface LegacyNetworkOptions {
  /** The channel. */
  readonly channelName: string;
  /** The client identity. */
  readonly creator: Creator;
  /**
   * Signer of the client identity, for the requests the transport signs itself (discovery, block
   * streams); without it endorsement plans come from the configured peers (one per organisation)
   * and orderers must be configured.
   */
  readonly signer?: Signer;
  /** The configured peers. */
  readonly peers: readonly PeerConfig[];
  /** The configured orderers; read from the channel configuration when absent. */
  readonly orderers?: readonly OrdererEndpoint[];
  /** gRPC client options (keepalive) for every peer. */
  readonly channelOptions: grpc.ChannelOptions;
  /** How long a discovery answer is reused, in ms; 10000 unless stated. */
  readonly discoveryTtlMs?: number;
}

interface Cached {
  readonly at: number;
  readonly result: Promise<DiscoveryResult>;
}

/** The gRPC clients and discovery knowledge a connection's legacy transports share. */
export class LegacyNetwork {
  readonly options: LegacyNetworkOptions;
  readonly #clients = new Map<string, grpc.Client>();
  readonly #names = new Map<string, string>();
  readonly #discovery = new Map<string, Cached>();
  readonly #signedRequests = new Map<string, Promise<Uint8Array>>();
  /** Highest ledger height any answer reported; a lower bound of the real one. */
  knownHeight = 0n;
  /** Index of the orderer to try first, moved on when one fails. */
  #ordererStart = 0;

  /**
   * @param options - channel, identity, signer, configured nodes
   */
  constructor(options: LegacyNetworkOptions) {
    this.options = options;
    for (const peer of options.peers) {
      this.#names.set(this.#key(peer.endpoint), endpointName(peer.endpoint));
    }
  }

  #key(endpoint: Endpoint): string {
    return `${endpoint.address ?? endpoint.hostname}:${endpoint.port}`;
  }

  /**
   * The client of a configured peer, opened once.
   *
   * @param peer - the peer
   * @returns its client
   */
  clientOf(peer: PeerConfig): grpc.Client {
    const key = this.#key(peer.endpoint);
    let client = this.#clients.get(key);
    if (client === undefined) {
      client = new grpc.Client(key, grpc.credentials.createSsl(Buffer.from(peer.tlsRootCerts)), {
        ...this.options.channelOptions,
        'grpc.ssl_target_name_override': peer.endpoint.hostname,
        'grpc.default_authority': peer.endpoint.hostname,
      });
      this.#clients.set(key, client);
    }
    return client;
  }

  /**
   * The client of a discovered peer: the configured peer's when the endpoint is one (so its
   * hostname is the TLS name), else a new one trusting the organisation's TLS roots.
   *
   * @param endpoint - `host:port` as discovery published it
   * @param tlsRootCerts - the organisation's TLS roots
   * @returns the client and the name to report
   */
  clientAt(endpoint: string, tlsRootCerts: string): { client: grpc.Client; name: string } {
    const configured = this.options.peers.find(
      (p) => this.#key(p.endpoint) === endpoint || endpointName(p.endpoint) === endpoint,
    );
    if (configured !== undefined) {
      return { client: this.clientOf(configured), name: endpointName(configured.endpoint) };
    }
    let client = this.#clients.get(endpoint);
    if (client === undefined) {
      const host = endpoint.replace(/:\d+$/, '');
      // An IP address is checked against the certificate's IP names as dialled; only a hostname
      // is a TLS server name.
      client = new grpc.Client(endpoint, grpc.credentials.createSsl(Buffer.from(tlsRootCerts)), {
        ...this.options.channelOptions,
        ...(isIP(host) === 0
          ? { 'grpc.ssl_target_name_override': host, 'grpc.default_authority': host }
          : {}),
      });
      this.#clients.set(endpoint, client);
    }
    return { client, name: this.#names.get(endpoint) ?? endpoint };
  }

  /** @returns a client for an orderer, kept for the connection's lifetime */
  readonly ordererClient = (orderer: OrdererEndpoint): grpc.Client => {
    const key = `orderer ${this.#key(orderer.endpoint)}`;
    let client = this.#clients.get(key);
    if (client === undefined) {
      client = newOrdererClient(orderer);
      this.#clients.set(key, client);
    }
    return client;
  };

  #requireSigner(what: string): Signer {
    const signer = this.options.signer;
    if (signer === undefined) {
      throw new LegacyCallError(
        grpc.status.FAILED_PRECONDITION,
        `${what} needs a signer on the connection (peers without the Gateway service answer only signed discovery and deliver requests)`,
      );
    }
    return signer;
  }

  async #signed(interest: ChaincodeInterest | undefined): Promise<Uint8Array> {
    const key =
      interest === undefined
        ? ''
        : `${interest.chaincode}/${(interest.collections ?? []).join(',')}`;
    let request = this.#signedRequests.get(key);
    if (request === undefined) {
      const signer = this.#requireSigner('discovery');
      const payload = newDiscoveryRequest(this.options.creator, this.options.channelName, interest);
      request = signMessageWith(signer, payload).then((signature) =>
        signedDiscoveryRequest(payload, signature),
      );
      // A failed signature is not kept: the next call signs again.
      request.catch(() => this.#signedRequests.delete(key));
      this.#signedRequests.set(key, request);
    }
    return request;
  }

  /**
   * Asks a peer's discovery service, reusing an answer younger than the TTL.
   *
   * @param client - the peer asked
   * @param via - its name, the cache key
   * @param interest - the chaincode to plan for, when endorsing
   * @param deadline - absolute deadline (epoch ms)
   * @param fresh - ignore the cache
   * @returns the answer
   */
  discover(
    client: grpc.Client,
    via: string,
    interest: ChaincodeInterest | undefined,
    deadline: number,
    fresh = false,
  ): Promise<DiscoveryResult> {
    const key = `${via}|${interest?.chaincode ?? ''}|${(interest?.collections ?? []).join(',')}`;
    const ttl = this.options.discoveryTtlMs ?? 10000;
    const cached = this.#discovery.get(key);
    if (!fresh && cached !== undefined && Date.now() - cached.at < ttl) return cached.result;
    const result = this.#signed(interest)
      .then((request) => unary(client, METHODS.discover, request, deadline))
      .then((bytes) => {
        const parsed = parseDiscoveryResponse(bytes, interest !== undefined);
        for (const p of parsed.peers) {
          if (p.ledgerHeight > this.knownHeight) this.knownHeight = p.ledgerHeight;
        }
        return parsed;
      });
    result.catch(() => this.#discovery.delete(key));
    this.#discovery.set(key, { at: Date.now(), result });
    return result;
  }

  /**
   * The orderers to broadcast to, the one to try first at the head.
   *
   * @param client - a peer to ask discovery when none are configured
   * @param via - its name
   * @param deadline - absolute deadline
   * @returns the orderers
   */
  async orderers(client: grpc.Client, via: string, deadline: number): Promise<OrdererEndpoint[]> {
    let list = this.options.orderers;
    if (list === undefined || list.length === 0) {
      const found = await this.discover(client, via, undefined, deadline);
      list = found.orderers.map((o) => ({
        name: `${o.host}:${o.port}`,
        endpoint: { hostname: o.host, port: o.port },
        tlsRootCerts: found.orgs.get(o.mspId)?.tlsRootCerts ?? '',
      }));
    }
    const start = this.#ordererStart % Math.max(1, list.length);
    return [...list.slice(start), ...list.slice(0, start)];
  }

  /** Moves the first orderer to try past one that failed. */
  ordererFailed(): void {
    this.#ordererStart++;
  }

  /**
   * Signs a request with the connection's signer.
   *
   * @param payload - what to sign
   * @param what - the request, for the error when there is no signer
   * @returns the signature
   */
  sign(payload: Uint8Array, what: string): Promise<Uint8Array> {
    return signMessageWith(this.#requireSigner(what), payload);
  }

  /** Closes every client. */
  close(): void {
    for (const client of this.#clients.values()) {
      cancelCalls(client);
      client.close();
    }
    this.#clients.clear();
  }
}
