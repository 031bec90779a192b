/**
 * The connection: one member's peers behind a pool with health state, the stages of a call with a
 * deadline each, and the submit state machine. This file wires them together; each lives in its own
 * file (transport.ts, gateway-transport.ts, peer-pool.ts, stages.ts, submit.ts, offline.ts).
 */
import type {
  ChaincodeEvent,
  Checkpoint,
  CloseableAsyncIterable,
} from '@hyperledger/fabric-gateway';
import { X509Certificate } from 'node:crypto';
import { connect as fabricConnect, hash } from '@hyperledger/fabric-gateway';
import { ConfigError, ConnectionError } from '../errors';
import { signMessageWith, type Signer } from '../signers/signer';
import { newSelectingTransport, TransportSelector, type TransportMode } from './auto-transport';
import { newGatewayTransport } from './gateway-transport';
import { LegacyNetwork, newLegacyTransport } from './legacy-transport';
import { newOfflineSigning } from './offline';
import type {
  ConnectOptions,
  OfflineSigning,
  PeerStatus,
  SubmitResult,
  TransactionRequest,
} from './options';
import { PeerPool } from './peer-pool';
import { Proposals } from './proposals';
import { onAnyPeer } from './stages';
import { submitAndWait, type SubmitTimings } from './submit';
import type { Transport } from './transport';

export type {
  ConnectOptions,
  FailoverOptions,
  KeepaliveOptions,
  OfflineSigning,
  PeerStatus,
  SubmitResult,
  Timeouts,
  TransactionRequest,
  Unsigned,
} from './options';

/**
 * A connection to one member's gateway peers with failover. Every stage (evaluate, endorse, submit,
 * a commit-status window) has a short deadline and moves to the next peer when the peer fails or
 * stalls. A submitted transaction is watched for a short window; when it has not committed by then
 * the ledger is asked and the identical signed envelope is sent again through another peer, until
 * an overall deadline. So nothing commits twice (a second copy is marked DUPLICATE_TXID by Fabric
 * and the first copy's outcome is reported) and nothing is lost without an error. Other members'
 * peers, when the network config lists them, serve only when none of the member's own can.
 */
export interface Connection {
  /** Channel in use. */
  readonly channelName: string;
  /** MSP of the client identity. */
  readonly mspId: string;
  /**
   * Runs a read-only transaction on one peer.
   *
   * @param request - the invocation
   * @returns the chaincode's return value
   * @throws ContractError when the chaincode rejects the call
   * @throws ConnectionError `UNAVAILABLE` / `TLS_ERROR` when no peer answers
   * @throws TransactionError `ACCESS_DENIED` when the identity is refused
   */
  evaluate(request: Readonly<TransactionRequest>): Promise<Uint8Array>;
  /**
   * Endorses, orders and waits for the commit.
   *
   * @param request - the invocation
   * @returns result, transaction id and block
   * @throws ContractError when the chaincode rejects the call
   * @throws TransactionError `COMMIT_FAILED` when validation fails
   * @throws TransactionError `COMMIT_STATUS_UNKNOWN` when the transaction was sent but no peer
   *   reported its outcome before `timeouts.commitStatusMs`
   * @throws ConnectionError when no peer can be reached before anything was sent
   */
  submit(request: Readonly<TransactionRequest>): Promise<SubmitResult>;
  /** Step-by-step API for signatures made elsewhere. */
  readonly offline: OfflineSigning;
  /** @returns the health of each peer, in preference order */
  peers(): PeerStatus[];
  /**
   * The wire in use: `gateway` or `legacy`, or `auto` until the first call has probed a peer.
   */
  readonly transport: 'gateway' | 'legacy' | 'auto';
  /** @internal each peer's event source in preference order, for event streams */
  preferredEventSources(): EventSource[];
  /**
   * Closes every gRPC client and cancels what is in flight: a call's evaluate or endorsement then
   * fails with `CLOSED`, a submit already sent ends `COMMIT_STATUS_UNKNOWN`, and event streams end
   * (an offline step cancelled this way ends with the error of its stage). Further calls fail with
   * `CLOSED`.
   */
  close(): void;
}

/** @internal One peer's chaincode event streams, with the pool's health bookkeeping. */
export interface EventSource {
  /** The peer. */
  readonly endpoint: string;
  /** Opens a stream of a chaincode's events from the checkpoint. */
  events(
    chaincodeName: string,
    checkpoint: Checkpoint,
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>>;
  /** Marks the peer failed. */
  fail(): void;
  /** Marks the peer healthy. */
  succeed(): void;
}

const TRANSPORT_MODES: readonly TransportMode[] = ['gateway', 'legacy', 'auto'];

/** The key type of a PEM certificate (`ec`, `ed25519`, ...), or undefined when it does not parse. */
function certificateKeyType(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).publicKey.asymmetricKeyType;
  } catch {
    return undefined;
  }
}

function atLeast(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) {
    throw new ConfigError({
      code: 'INVALID_CONFIG',
      message: `${name} ${value} must be a number of milliseconds of at least ${min}`,
    });
  }
  return value;
}

class ConnectionImpl implements Connection {
  readonly channelName: string;
  readonly mspId: string;
  readonly offline: OfflineSigning;
  readonly #pool: PeerPool;
  readonly #proposals: Proposals;
  readonly #signer: Signer | undefined;
  readonly #stageMs: { evaluate: number; endorse: number; submit: number };
  readonly #timings: SubmitTimings;
  readonly #selector: TransportSelector;
  readonly #legacy: LegacyNetwork;
  #closed = false;

  constructor(options: Readonly<ConnectOptions>) {
    const { network } = options;
    this.channelName = network.channelName;
    this.mspId = options.identity.mspId ?? network.mspId;
    this.#signer = options.signer;
    const t = options.timeouts ?? {};
    this.#stageMs = {
      evaluate: atLeast('timeouts.evaluateMs', t.evaluateMs ?? 4000, 1),
      endorse: atLeast('timeouts.endorseMs', t.endorseMs ?? 4000, 1),
      submit: atLeast('timeouts.submitMs', t.submitMs ?? 4000, 1),
    };
    this.#timings = {
      submitMs: this.#stageMs.submit,
      commitStatusMs: atLeast('timeouts.commitStatusMs', t.commitStatusMs ?? 60000, 1),
      commitWindowMs: atLeast('timeouts.commitWindowMs', t.commitWindowMs ?? 4000, 1),
      statusProbeMs: atLeast('timeouts.statusProbeMs', t.statusProbeMs ?? 1000, 1),
      orderingRetryMs: atLeast(
        'failover.orderingRetryMs',
        options.failover?.orderingRetryMs ?? 500,
        1,
      ),
    };
    const keepaliveMs = atLeast('keepalive.timeMs', options.keepalive?.timeMs ?? 120000, 1);
    if (keepaliveMs < 120000) {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: `keepalive.timeMs ${keepaliveMs} is below 120000; peers drop clients that ping more often than every 60 s`,
      });
    }
    const keepaliveTimeoutMs = atLeast(
      'keepalive.timeoutMs',
      options.keepalive?.timeoutMs ?? 20000,
      1,
    );
    if (network.peers.length === 0) {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: 'the network config lists no peers',
      });
    }
    const mode = options.transport ?? 'auto';
    if (!TRANSPORT_MODES.includes(mode)) {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: `transport ${mode as string} is not one of ${TRANSPORT_MODES.join(', ')}`,
      });
    }
    // Ed25519 identities sign whole messages, EC ones SHA-256 digests: without a signer (offline
    // signing) the certificate says which digests to hand out.
    const certified = certificateKeyType(options.identity.certificate);
    const ed25519 =
      options.signer !== undefined
        ? options.signer.algorithm === 'ED25519'
        : certified === 'ed25519';
    if (
      options.signer !== undefined &&
      certified !== undefined &&
      (certified === 'ed25519') !== ed25519
    ) {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: `the signer signs ${options.signer.algorithm} but the identity's certificate holds an ${certified} key: the peers would refuse every signature`,
      });
    }
    // One gRPC client per peer, shared by both transports (so probing costs no second connection).
    this.#legacy = new LegacyNetwork({
      channelName: this.channelName,
      creator: { mspId: this.mspId, certificate: options.identity.certificate, ed25519 },
      ...(options.signer !== undefined ? { signer: options.signer } : {}),
      peers: network.peers,
      ...(network.orderers !== undefined ? { orderers: network.orderers } : {}),
      channelOptions: {
        'grpc.keepalive_time_ms': keepaliveMs,
        'grpc.keepalive_timeout_ms': keepaliveTimeoutMs,
        'grpc.http2.min_time_between_pings_ms': keepaliveMs,
        'grpc.keepalive_permit_without_calls': 1,
      },
    });
    this.#selector = new TransportSelector(mode);
    const transportFor = (config: (typeof network.peers)[number]): Transport => {
      const client = this.#legacy.clientOf(config);
      const gateway = () =>
        newGatewayTransport(config, {
          channelName: this.channelName,
          client,
          mspId: this.mspId,
          certificate: options.identity.certificate,
          ed25519,
          ...(options.signer !== undefined ? { signer: options.signer } : {}),
          keepaliveMs,
          keepaliveTimeoutMs,
        });
      const legacy = () => newLegacyTransport(config, this.#legacy);
      if (mode === 'gateway') return gateway();
      if (mode === 'legacy') return legacy();
      return newSelectingTransport(client, this.#selector, gateway(), legacy());
    };
    this.#pool = new PeerPool(
      network.peers.map((config) => ({ config, transport: transportFor(config) })),
      this.mspId,
      {
        initialBackoffMs: atLeast(
          'failover.initialBackoffMs',
          options.failover?.initialBackoffMs ?? 1000,
          0,
        ),
        maxBackoffMs: atLeast('failover.maxBackoffMs', options.failover?.maxBackoffMs ?? 30000, 0),
      },
    );
    const first = network.peers[0];
    if (first === undefined) {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: 'the network config lists no peers',
      });
    }
    // Requests are built locally by fabric-gateway's builders, which need a client object but send
    // nothing, whichever transport carries them.
    const builder = fabricConnect({
      client: this.#legacy.clientOf(first),
      identity: { mspId: this.mspId, credentials: Buffer.from(options.identity.certificate) },
      hash: ed25519 ? hash.none : hash.sha256,
    });
    this.#proposals = new Proposals(
      builder,
      this.channelName,
      this.mspId,
      options.identity.certificate,
      ed25519,
    );
    this.offline = newOfflineSigning({
      pool: this.#pool,
      proposals: this.#proposals,
      stageMs: this.#stageMs,
      timings: this.#timings,
      isClosed: () => this.#closed,
      checkOpen: () => {
        this.#checkOpen();
      },
      commitRequest: (transactionId) =>
        this.#selector.decided === 'legacy'
          ? this.#proposals.legacyOfflineCommit(transactionId)
          : this.#proposals.commit(transactionId),
    });
  }

  get transport(): 'gateway' | 'legacy' | 'auto' {
    return this.#selector.decided ?? 'auto';
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new ConnectionError({
        code: 'CLOSED',
        message: 'the connection is closed',
        endpoint: '',
      });
    }
  }

  #requireSigner(): Signer {
    if (this.#signer === undefined) {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: 'this connection has no signer; use connection.offline to sign elsewhere',
      });
    }
    return this.#signer;
  }

  async evaluate(request: Readonly<TransactionRequest>): Promise<Uint8Array> {
    this.#checkOpen();
    const signer = this.#requireSigner();
    const proposal = this.#proposals.signableProposal(request);
    const signed = {
      bytes: proposal.bytes,
      signature: await signMessageWith(signer, proposal.message, proposal.digest),
    };
    // Private inputs stay with the member's own peers.
    const foreign = request.transientData === undefined;
    return this.#unlessClosed(
      onAnyPeer(this.#pool, 'evaluate', proposal.transactionId, foreign, (peer) =>
        peer.transport.evaluate(signed, Date.now() + this.#stageMs.evaluate),
      ),
    );
  }

  /** A stage's outcome, or `CLOSED` when the connection was closed while it ran (and cancelled it). */
  async #unlessClosed<T>(stage: Promise<T>): Promise<T> {
    try {
      return await stage;
    } catch (err) {
      if (!this.#closed) throw err;
      throw new ConnectionError({
        code: 'CLOSED',
        message: 'the connection was closed during the call',
        endpoint: '',
        cause: err,
      });
    }
  }

  async submit(request: Readonly<TransactionRequest>): Promise<SubmitResult> {
    this.#checkOpen();
    const signer = this.#requireSigner();
    const proposal = this.#proposals.signableProposal(request);
    const transactionId = proposal.transactionId;
    const foreign = request.transientData === undefined;
    const signedProposal = {
      bytes: proposal.bytes,
      signature: await signMessageWith(signer, proposal.message, proposal.digest),
    };
    const endorsed = await this.#unlessClosed(
      endorseUntilAgreed(() =>
        onAnyPeer(this.#pool, 'endorse', transactionId, foreign, (peer) =>
          peer.transport.endorse(signedProposal, Date.now() + this.#stageMs.endorse),
        ),
      ),
    );
    const commit =
      endorsed.commitHeight !== undefined
        ? this.#proposals.legacyCommit(transactionId, endorsed.commitHeight)
        : this.#proposals.signableCommit(transactionId);
    const [txSignature, commitSignature] = await Promise.all([
      signMessageWith(signer, endorsed.message, endorsed.digest),
      signMessageWith(signer, commit.message, commit.digest),
    ]);
    const { status, attempts } = await submitAndWait(
      { pool: this.#pool, timings: this.#timings, isClosed: () => this.#closed },
      {
        transactionId,
        transaction: { bytes: endorsed.bytes, signature: txSignature },
        commit: { bytes: commit.bytes, signature: commitSignature },
        foreign,
      },
    );
    return {
      result: endorsed.result,
      transactionId,
      blockNumber: status.blockNumber,
      submitAttempts: attempts,
    };
  }

  peers(): PeerStatus[] {
    return this.#pool.status();
  }

  preferredEventSources(): EventSource[] {
    this.#checkOpen();
    const order = this.#pool.status().map((s) => s.endpoint);
    return [...this.#pool.all]
      .sort((a, b) => order.indexOf(a.transport.endpoint) - order.indexOf(b.transport.endpoint))
      .map((p) => ({
        endpoint: p.transport.endpoint,
        events: (chaincodeName: string, checkpoint: Checkpoint) =>
          p.transport.chaincodeEvents(chaincodeName, checkpoint),
        fail: () => {
          this.#pool.failed(p, Date.now());
        },
        succeed: () => {
          this.#pool.succeeded(p);
        },
      }));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#pool.all) {
      peer.transport.close();
    }
    this.#legacy.close();
  }
}

/**
 * Connects to a member's gateway peers: one gRPC client per peer, TLS always on with the node
 * hostname as server name, a deadline on every stage, keepalive peers accept.
 *
 * @param options - network config, identity, signer, timeouts, failover
 * @returns the connection; call `close()` when done
 * @throws ConfigError `INVALID_CONFIG` when there are no peers, a deadline is not a positive
 *   number or keepalive is too aggressive
 * @example
 * ```ts
 * const network = await connection.loadNetworkDescription({ path, member: 'Org1' });
 * const conn = connection.connect({ network, identity: { certificate }, signer });
 * const out = await conn.submit({ chaincode: 'kv', transaction: 'put', arguments: ['k', 'v'] });
 * conn.close();
 * ```
 */
export function connect(options: Readonly<ConnectOptions>): Connection {
  return new ConnectionImpl(options);
}

/** How often an endorsement whose endorsers disagreed is asked for again, and the pause before. */
const DISAGREEMENT_RETRIES = 3;
const DISAGREEMENT_PAUSE_MS = 250;

/**
 * Whether endorsers returned different results. Right after a commit, the peers of one member may
 * already hold the new block while another member's peer is a block behind: the lagging peer reads
 * older values, the results differ, and Fabric's Gateway service ("ProposalResponsePayloads do not
 * match") or the legacy transport ("the endorsers returned different results") refuses to go on.
 * Nothing was ordered, so asking again once the lagging peer has committed is safe.
 */
function endorsersDisagreed(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.message.includes('ProposalResponsePayloads do not match') ||
      err.message.includes('the endorsers returned different results'))
  );
}

/**
 * Runs an endorsement, and again (a few times, after a short pause) while the endorsers disagree;
 * any other failure, or disagreement that outlasts the retries, is thrown as it came.
 */
async function endorseUntilAgreed<T>(endorse: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await endorse();
    } catch (err) {
      if (attempt > DISAGREEMENT_RETRIES || !endorsersDisagreed(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, DISAGREEMENT_PAUSE_MS * attempt));
    }
  }
}
