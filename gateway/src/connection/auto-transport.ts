/**
 * Choosing the wire per connection: a peer that answers UNIMPLEMENTED for `gateway.Gateway` has no
 * Gateway service (Fabric 2.2, or the service switched off), so the connection speaks the legacy
 * services to all its peers; any other answer means the Gateway service is there. The first call
 * on any peer probes (one unsigned, malformed request) and the answer is kept for the connection's
 * lifetime; calls made meanwhile wait for the same probe. A peer that cannot be reached decides
 * nothing: the call fails over to the next peer, which probes in turn.
 */
import type * as grpc from '@grpc/grpc-js';
import type {
  ChaincodeEvent,
  Checkpoint,
  CloseableAsyncIterable,
} from '@hyperledger/fabric-gateway';
import { hasGatewayService } from './legacy/rpc';
import type { CommitStatusAnswer, Endorsement, SignedBytes, Transport } from './transport';

/** Which transport a connection uses: the Gateway service, the legacy services, or either. */
export type TransportMode = 'gateway' | 'legacy' | 'auto';

/** The connection-wide decision between the two transports. */
export class TransportSelector {
  #kind: 'gateway' | 'legacy' | undefined;
  #probe: Promise<'gateway' | 'legacy'> | undefined;
  /** Probes sent, for tests and health reports. */
  probes = 0;

  /**
   * @param mode - the connection's `transport` option
   */
  constructor(mode: TransportMode) {
    if (mode !== 'auto') this.#kind = mode;
  }

  /** The transport in use, once known. */
  get decided(): 'gateway' | 'legacy' | undefined {
    return this.#kind;
  }

  /**
   * The transport to use, probing through `client` when not yet known.
   *
   * @param client - a peer's client
   * @param deadline - absolute deadline of the probe (epoch ms)
   * @returns the transport
   * @throws the gRPC error when the peer could not be asked
   */
  resolve(client: grpc.Client, deadline: number): Promise<'gateway' | 'legacy'> {
    if (this.#kind !== undefined) return Promise.resolve(this.#kind);
    if (this.#probe === undefined) {
      this.probes++;
      const probe = hasGatewayService(client, deadline).then((has) => {
        this.#kind = has ? 'gateway' : 'legacy';
        return this.#kind;
      });
      // An unreachable peer leaves the question open for the next one.
      probe.catch(() => {
        this.#probe = undefined;
      });
      this.#probe = probe;
    }
    return this.#probe;
  }
}

class SelectingTransport implements Transport {
  readonly endpoint: string;
  readonly #client: grpc.Client;
  readonly #selector: TransportSelector;
  readonly #gateway: Transport;
  readonly #legacy: Transport;

  constructor(
    client: grpc.Client,
    selector: TransportSelector,
    gateway: Transport,
    legacy: Transport,
  ) {
    this.endpoint = gateway.endpoint;
    this.#client = client;
    this.#selector = selector;
    this.#gateway = gateway;
    this.#legacy = legacy;
  }

  get kind(): 'gateway' | 'legacy' | 'auto' {
    return this.#selector.decided ?? 'auto';
  }

  async #pick(deadline: number): Promise<Transport> {
    const kind = await this.#selector.resolve(this.#client, deadline);
    return kind === 'gateway' ? this.#gateway : this.#legacy;
  }

  async evaluate(proposal: SignedBytes, deadline: number): Promise<Uint8Array> {
    return (await this.#pick(deadline)).evaluate(proposal, deadline);
  }

  async endorse(proposal: SignedBytes, deadline: number): Promise<Endorsement> {
    return (await this.#pick(deadline)).endorse(proposal, deadline);
  }

  async submit(transaction: SignedBytes, deadline: number): Promise<void> {
    return (await this.#pick(deadline)).submit(transaction, deadline);
  }

  async commitStatus(request: SignedBytes, deadline: number): Promise<CommitStatusAnswer> {
    return (await this.#pick(deadline)).commitStatus(request, deadline);
  }

  async chaincodeEvents(
    chaincodeName: string,
    checkpoint: Checkpoint,
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    return (await this.#pick(Date.now() + 5000)).chaincodeEvents(chaincodeName, checkpoint);
  }

  close(): void {
    this.#gateway.close();
    this.#legacy.close();
  }
}

/**
 * A transport that speaks whichever wire the connection's selector settles on.
 *
 * @param client - the peer's client, for the probe
 * @param selector - the connection's selector
 * @param gateway - the peer's Gateway-service transport
 * @param legacy - the peer's legacy transport
 * @returns the transport
 */
export function newSelectingTransport(
  client: grpc.Client,
  selector: TransportSelector,
  gateway: Transport,
  legacy: Transport,
): Transport {
  return new SelectingTransport(client, selector, gateway, legacy);
}
