import * as grpc from '@grpc/grpc-js';
import {
  connect as fabricConnect,
  hash,
  type Gateway,
  type Status,
} from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos, msp } from '@hyperledger/fabric-protos';
import {
  ConfigError,
  ConnectionError,
  ConsortiumError,
  TransactionError,
  translateError,
  validationCodeName,
  type Operation,
} from '../errors';
import { dialTarget, endpointName } from '../lib/endpoint';
import type { Signer } from '../signers/signer';
import type { NetworkConfig, PeerConfig } from './network-config';

/** Deadlines, in milliseconds, applied to every call. */
export interface Timeouts {
  /** Evaluate; 5000 unless stated. */
  readonly evaluateMs?: number;
  /** Endorse; 15000 unless stated. */
  readonly endorseMs?: number;
  /** Submit to the orderer; 5000 unless stated. */
  readonly submitMs?: number;
  /** Wait for commit status; 60000 unless stated. */
  readonly commitStatusMs?: number;
  /** Commit-status probe before a resubmit; 5000 unless stated. */
  readonly statusProbeMs?: number;
}

/** How failed peers are retried. */
export interface FailoverOptions {
  /** First backoff after a peer fails; 1000 ms unless stated. */
  readonly initialBackoffMs?: number;
  /** Longest backoff; 30000 ms unless stated. */
  readonly maxBackoffMs?: number;
}

/** gRPC keepalive; peers drop clients that ping more often than every 60 s. */
export interface KeepaliveOptions {
  /** Ping interval; at least 120000 ms (the default). */
  readonly timeMs?: number;
  /** How long to wait for a ping answer; 20000 ms unless stated. */
  readonly timeoutMs?: number;
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Peers, channel and MSP, from a network description or connection profile. */
  readonly network: NetworkConfig;
  /** The client identity. */
  readonly identity: {
    /** MSP id; the network's when absent. */
    readonly mspId?: string;
    /** PEM certificate. */
    readonly certificate: string;
  };
  /** Signer for the certificate's key; absent for offline signing only. */
  readonly signer?: Signer;
  /** Deadlines for every call. */
  readonly timeouts?: Timeouts;
  /** Peer retry policy. */
  readonly failover?: FailoverOptions;
  /** gRPC keepalive. */
  readonly keepalive?: KeepaliveOptions;
}

/** A transaction invocation. */
export interface TransactionRequest {
  /** Chaincode name as deployed. */
  readonly chaincode: string;
  /** Contract name inside the chaincode; the default contract when absent. */
  readonly contract?: string;
  /** Transaction function name. */
  readonly transaction: string;
  /** String or byte arguments. */
  readonly arguments?: readonly (string | Uint8Array)[];
  /** Private inputs, never written to the ledger. */
  readonly transientData?: Readonly<Record<string, string | Uint8Array>>;
  /** Endorse only with these organizations' peers. */
  readonly endorsingOrganizations?: readonly string[];
}

/** A committed transaction. */
export interface SubmitResult {
  /** The chaincode's return value. */
  readonly result: Uint8Array;
  /** Transaction id. */
  readonly transactionId: string;
  /** Block the transaction committed in. */
  readonly blockNumber: bigint;
  /** How many times the signed envelope was sent to a peer (1 unless failover resubmitted). */
  readonly submitAttempts: number;
}

/** Something to sign elsewhere: serialized bytes and the digest to sign. */
export interface Unsigned {
  /** Serialized request, to hand back with the signature. */
  readonly bytes: Uint8Array;
  /** SHA-256 digest (or message, for Ed25519 identities) to sign. */
  readonly digest: Uint8Array;
  /** Transaction id. */
  readonly transactionId: string;
}

/**
 * Build-sign-send in separate steps, for keys the application cannot call directly (air-gapped
 * signers, approval workflows). Each step takes the previous step's bytes and a signature over
 * its digest.
 */
export interface OfflineSigning {
  /**
   * Builds an unsigned proposal.
   *
   * @param request - the invocation
   * @returns proposal bytes and digest
   */
  newProposal(request: Readonly<TransactionRequest>): Unsigned;
  /**
   * Evaluates a signed proposal.
   *
   * @param proposal - proposal bytes from {@link OfflineSigning.newProposal}
   * @param signature - signature over its digest
   * @returns the chaincode's return value
   * @throws ContractError when the chaincode rejects the call
   * @throws ConnectionError when no peer can be reached
   */
  evaluate(proposal: Uint8Array, signature: Uint8Array): Promise<Uint8Array>;
  /**
   * Endorses a signed proposal and returns the unsigned transaction.
   *
   * @param proposal - proposal bytes
   * @param signature - signature over its digest
   * @returns transaction bytes and digest
   * @throws ContractError when the chaincode rejects the call
   * @throws ConnectionError when no peer can be reached
   */
  endorse(proposal: Uint8Array, signature: Uint8Array): Promise<Unsigned & { result: Uint8Array }>;
  /**
   * Submits a signed transaction and returns the unsigned commit-status request.
   *
   * @param transaction - transaction bytes
   * @param signature - signature over its digest
   * @returns commit-status request bytes and digest
   * @throws TransactionError `SUBMIT_FAILED` when the orderer refuses
   * @throws ConnectionError when no peer can be reached
   */
  submit(transaction: Uint8Array, signature: Uint8Array): Promise<Unsigned>;
  /**
   * Waits for the transaction's commit.
   *
   * @param commit - commit-status request bytes
   * @param signature - signature over its digest
   * @returns block number and validation code
   * @throws TransactionError `COMMIT_FAILED` when validation failed
   */
  commitStatus(
    commit: Uint8Array,
    signature: Uint8Array,
  ): Promise<{ blockNumber: bigint; transactionId: string }>;
}

/** Health of one peer as the pool sees it. */
export interface PeerStatus {
  /** Peer name. */
  readonly name: string;
  /** Published endpoint. */
  readonly endpoint: string;
  /** Consecutive failures. */
  readonly failures: number;
  /** Whether the peer is in backoff. */
  readonly backingOff: boolean;
}

/**
 * A connection to one member's gateway peers with failover. Evaluate and endorse move to the next
 * healthy peer on `UNAVAILABLE` or `DEADLINE_EXCEEDED`; after a failure at or after submit the
 * commit status is asked before the same signed envelope is sent again, so nothing commits twice
 * and nothing is lost without an error.
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
   * @throws TransactionError `COMMIT_STATUS_UNKNOWN` when no peer can tell whether it committed
   * @throws ConnectionError when no peer can be reached before submit
   */
  submit(request: Readonly<TransactionRequest>): Promise<SubmitResult>;
  /** Step-by-step API for signatures made elsewhere. */
  readonly offline: OfflineSigning;
  /** @returns the health of each peer, in preference order */
  peers(): PeerStatus[];
  /** @internal the fabric-gateway Gateway of the currently preferred peer, for event streams */
  preferredGateways(): { gateway: Gateway; endpoint: string; fail(): void; succeed(): void }[];
  /** Closes every gRPC client. Further calls fail with `CLOSED`. */
  close(): void;
}

/** A submitted transaction whose outcome could not be read: it may or may not commit. */
function statusUnknown(transactionId: string, err: ConsortiumError): TransactionError {
  return new TransactionError({
    code: 'COMMIT_STATUS_UNKNOWN',
    message: `transaction ${transactionId} was submitted but its commit status cannot be read: ${err.message}`,
    transactionId,
    cause: err,
  });
}

class PeerHandle {
  readonly config: PeerConfig;
  readonly client: grpc.Client;
  readonly gateway: Gateway;
  failures = 0;
  retryAt = 0;

  constructor(config: PeerConfig, client: grpc.Client, gateway: Gateway) {
    this.config = config;
    this.client = client;
    this.gateway = gateway;
  }

  get name(): string {
    return endpointName(this.config.endpoint);
  }
}

const RETRYABLE: ReadonlySet<string> = new Set(['UNAVAILABLE', 'TIMEOUT', 'TLS_ERROR']);

function isRetryable(err: ConsortiumError): boolean {
  return err instanceof ConnectionError && RETRYABLE.has(err.code);
}

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

class ConnectionImpl implements Connection {
  readonly channelName: string;
  readonly mspId: string;
  readonly offline: OfflineSigning;
  readonly #peers: PeerHandle[];
  readonly #signer: Signer | undefined;
  readonly #certificate: string;
  readonly #timeouts: Required<Timeouts>;
  readonly #initialBackoff: number;
  readonly #maxBackoff: number;
  #closed = false;

  constructor(options: Readonly<ConnectOptions>) {
    const { network } = options;
    this.channelName = network.channelName;
    this.mspId = options.identity.mspId ?? network.mspId;
    this.#signer = options.signer;
    this.#certificate = options.identity.certificate;
    this.#timeouts = {
      evaluateMs: options.timeouts?.evaluateMs ?? 5000,
      endorseMs: options.timeouts?.endorseMs ?? 15000,
      submitMs: options.timeouts?.submitMs ?? 5000,
      commitStatusMs: options.timeouts?.commitStatusMs ?? 60000,
      statusProbeMs: options.timeouts?.statusProbeMs ?? 5000,
    };
    this.#initialBackoff = options.failover?.initialBackoffMs ?? 1000;
    this.#maxBackoff = options.failover?.maxBackoffMs ?? 30000;
    const keepaliveMs = options.keepalive?.timeMs ?? 120000;
    if (keepaliveMs < 120000) {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: `keepalive.timeMs ${keepaliveMs} is below 120000; peers drop clients that ping more often than every 60 s`,
      });
    }
    if (network.peers.length === 0) {
      throw new ConfigError({
        code: 'INVALID_CONFIG',
        message: 'the network config lists no peers',
      });
    }
    const t = this.#timeouts;
    const deadline = (ms: number) => () => ({ deadline: Date.now() + ms });
    this.#peers = network.peers.map((peer) => {
      const client = new grpc.Client(
        dialTarget(peer.endpoint),
        grpc.credentials.createSsl(Buffer.from(peer.tlsRootCerts)),
        {
          'grpc.ssl_target_name_override': peer.endpoint.hostname,
          'grpc.default_authority': peer.endpoint.hostname,
          'grpc.keepalive_time_ms': keepaliveMs,
          'grpc.keepalive_timeout_ms': options.keepalive?.timeoutMs ?? 20000,
          'grpc.http2.min_time_between_pings_ms': keepaliveMs,
          'grpc.keepalive_permit_without_calls': 1,
        },
      );
      const signer = this.#signer;
      const gateway = fabricConnect({
        client,
        identity: { mspId: this.mspId, credentials: Buffer.from(this.#certificate) },
        ...(signer !== undefined ? { signer: (digest: Uint8Array) => signer.sign(digest) } : {}),
        hash: signer?.algorithm === 'ED25519' ? hash.none : hash.sha256,
        evaluateOptions: deadline(t.evaluateMs),
        endorseOptions: deadline(t.endorseMs),
        submitOptions: deadline(t.submitMs),
        commitStatusOptions: deadline(t.commitStatusMs),
      });
      return new PeerHandle(peer, client, gateway);
    });
    this.offline = this.#newOffline();
  }

  #ordered(): PeerHandle[] {
    const now = Date.now();
    const ready = this.#peers.filter((p) => p.retryAt <= now);
    const waiting = this.#peers
      .filter((p) => p.retryAt > now)
      .sort((a, b) => a.retryAt - b.retryAt);
    // Peers in backoff stay as a last resort: better a slow retry than a certain failure.
    return [...ready, ...waiting];
  }

  #fail(peer: PeerHandle): void {
    peer.failures++;
    peer.retryAt =
      Date.now() + Math.min(this.#initialBackoff * 2 ** (peer.failures - 1), this.#maxBackoff);
  }

  #succeed(peer: PeerHandle): void {
    peer.failures = 0;
    peer.retryAt = 0;
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

  async #withFailover<T>(
    operation: Operation,
    transactionId: string | undefined,
    call: (peer: PeerHandle) => Promise<T>,
  ): Promise<T> {
    this.#checkOpen();
    const failures: ConsortiumError[] = [];
    for (const peer of this.#ordered()) {
      try {
        const out = await call(peer);
        this.#succeed(peer);
        return out;
      } catch (raw) {
        const err = translateError(raw, {
          operation,
          endpoint: peer.name,
          ...(transactionId !== undefined ? { transactionId } : {}),
        });
        if (!isRetryable(err)) {
          throw err;
        }
        this.#fail(peer);
        failures.push(err);
      }
    }
    const last = failures[failures.length - 1];
    throw new ConnectionError({
      code: failures.every((f) => f.code === 'TLS_ERROR') ? 'TLS_ERROR' : 'UNAVAILABLE',
      message: `${operation} failed on every peer: ${failures.map((f) => f.message).join(' | ')}`,
      endpoint: this.#peers.map((p) => p.name).join(','),
      cause: last,
      ...(transactionId !== undefined ? { transactionId } : {}),
    });
  }

  #firstGateway(): Gateway {
    this.#checkOpen();
    const peer = this.#ordered()[0];
    if (peer === undefined) {
      throw new ConfigError({ code: 'INVALID_CONFIG', message: 'no peers' });
    }
    return peer.gateway;
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

  #buildProposal(request: Readonly<TransactionRequest>) {
    const network = this.#firstGateway().getNetwork(this.channelName);
    const contract =
      request.contract !== undefined
        ? network.getContract(request.chaincode, request.contract)
        : network.getContract(request.chaincode);
    return contract.newProposal(request.transaction, {
      arguments: (request.arguments ?? []).map(toBytes),
      ...(request.transientData !== undefined
        ? {
            transientData: Object.fromEntries(
              Object.entries(request.transientData).map(([k, v]) => [k, toBytes(v)]),
            ),
          }
        : {}),
      ...(request.endorsingOrganizations !== undefined
        ? { endorsingOrganizations: [...request.endorsingOrganizations] }
        : {}),
    });
  }

  #commitRequest(transactionId: string): Uint8Array {
    const identity = new msp.SerializedIdentity();
    identity.setMspid(this.mspId);
    identity.setIdBytes(Buffer.from(this.#certificate));
    const request = new gatewayProtos.CommitStatusRequest();
    request.setChannelId(this.channelName);
    request.setTransactionId(transactionId);
    request.setIdentity(identity.serializeBinary());
    const signed = new gatewayProtos.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    return signed.serializeBinary();
  }

  async evaluate(request: Readonly<TransactionRequest>): Promise<Uint8Array> {
    const signer = this.#requireSigner();
    const proposal = this.#buildProposal(request);
    const bytes = proposal.getBytes();
    const signature = await signer.sign(proposal.getDigest());
    return this.#evaluateSigned(bytes, signature, proposal.getTransactionId());
  }

  #evaluateSigned(
    bytes: Uint8Array,
    signature: Uint8Array,
    transactionId: string,
  ): Promise<Uint8Array> {
    return this.#withFailover('evaluate', transactionId, (peer) =>
      peer.gateway.newSignedProposal(bytes, signature).evaluate(),
    );
  }

  async #endorseSigned(bytes: Uint8Array, signature: Uint8Array, transactionId: string) {
    return this.#withFailover('endorse', transactionId, (peer) =>
      peer.gateway.newSignedProposal(bytes, signature).endorse(),
    );
  }

  async submit(request: Readonly<TransactionRequest>): Promise<SubmitResult> {
    const signer = this.#requireSigner();
    const proposal = this.#buildProposal(request);
    const transactionId = proposal.getTransactionId();
    const transaction = await this.#endorseSigned(
      proposal.getBytes(),
      await signer.sign(proposal.getDigest()),
      transactionId,
    );
    const txBytes = transaction.getBytes();
    const txSignature = await signer.sign(transaction.getDigest());
    const commitBytes = this.#commitRequest(transactionId);
    const commit = this.#firstGateway().newCommit(commitBytes);
    const commitSignature = await signer.sign(commit.getDigest());
    const { status, attempts } = await this.#submitAndWait(
      txBytes,
      txSignature,
      commitBytes,
      commitSignature,
      transactionId,
    );
    return {
      result: transaction.getResult(),
      transactionId,
      blockNumber: status.blockNumber,
      submitAttempts: attempts,
    };
  }

  async #status(
    peer: PeerHandle,
    commitBytes: Uint8Array,
    commitSignature: Uint8Array,
    deadlineMs: number,
  ): Promise<Status> {
    return peer.gateway
      .newSignedCommit(commitBytes, commitSignature)
      .getStatus({ deadline: Date.now() + deadlineMs });
  }

  // Sends the signed envelope and waits for its commit. A failure after the envelope may have
  // reached the orderer never leads straight to a resubmit: the commit status is asked first.
  // Resending the identical envelope is safe even when the first copy was ordered, because
  // Fabric marks a second copy DUPLICATE_TXID and the ledger keeps the first's status.
  async #submitAndWait(
    txBytes: Uint8Array,
    txSignature: Uint8Array,
    commitBytes: Uint8Array,
    commitSignature: Uint8Array,
    transactionId: string,
  ): Promise<{ status: Status; attempts: number }> {
    this.#checkOpen();
    let attempts = 0;
    let maybeSubmitted = false;
    const failures: ConsortiumError[] = [];
    const context = (operation: Operation, peer: PeerHandle) => ({
      operation,
      endpoint: peer.name,
      transactionId,
    });
    for (const peer of this.#ordered()) {
      if (maybeSubmitted) {
        try {
          const status = await this.#status(
            peer,
            commitBytes,
            commitSignature,
            this.#timeouts.statusProbeMs,
          );
          this.#succeed(peer);
          return { status: this.#checkStatus(status), attempts };
        } catch (raw) {
          const err = translateError(raw, context('commitStatus', peer));
          if (err instanceof TransactionError && err.code === 'COMMIT_FAILED') throw err;
          if (!isRetryable(err)) throw statusUnknown(transactionId, err);
          failures.push(err);
          if (err.code !== 'TIMEOUT') {
            this.#fail(peer);
            continue;
          }
          // The peer answers but has not seen the transaction commit: send it again through it.
        }
      }
      try {
        attempts++;
        await peer.gateway.newSignedTransaction(txBytes, txSignature).submit();
      } catch (raw) {
        const err = translateError(raw, context('submit', peer));
        if (!isRetryable(err)) {
          if (maybeSubmitted) {
            // An earlier copy may be in flight; the caller must not be told it failed outright.
            throw new TransactionError({
              code: 'COMMIT_STATUS_UNKNOWN',
              message: `transaction ${transactionId} may have been ordered; resubmit was refused: ${err.message}`,
              transactionId,
              cause: err,
            });
          }
          throw err;
        }
        maybeSubmitted = true;
        this.#fail(peer);
        failures.push(err);
        continue;
      }
      maybeSubmitted = true;
      try {
        const status = await this.#status(
          peer,
          commitBytes,
          commitSignature,
          this.#timeouts.commitStatusMs,
        );
        this.#succeed(peer);
        return { status: this.#checkStatus(status), attempts };
      } catch (raw) {
        const err = translateError(raw, context('commitStatus', peer));
        if (err instanceof TransactionError && err.code === 'COMMIT_FAILED') throw err;
        // The envelope reached the orderer: whatever else went wrong, it may still commit, so
        // the caller must not read this as "failed" and submit a second transaction.
        if (!isRetryable(err)) throw statusUnknown(transactionId, err);
        this.#fail(peer);
        failures.push(err);
      }
    }
    throw new TransactionError({
      code: 'COMMIT_STATUS_UNKNOWN',
      message: `cannot tell whether transaction ${transactionId} committed: ${failures.map((f) => f.message).join(' | ')}`,
      transactionId,
      cause: failures[failures.length - 1],
    });
  }

  #checkStatus(status: Status): Status {
    if (!status.successful) {
      const validationCode = validationCodeName(status.code);
      throw new TransactionError({
        code: 'COMMIT_FAILED',
        message: `transaction ${status.transactionId} failed validation with ${validationCode} in block ${status.blockNumber}`,
        transactionId: status.transactionId,
        validationCode,
      });
    }
    return status;
  }

  #newOffline(): OfflineSigning {
    return {
      newProposal: (request) => {
        const proposal = this.#buildProposal(request);
        return {
          bytes: proposal.getBytes(),
          digest: proposal.getDigest(),
          transactionId: proposal.getTransactionId(),
        };
      },
      evaluate: (bytes, signature) => {
        const id = this.#firstGateway().newProposal(bytes).getTransactionId();
        return this.#evaluateSigned(bytes, signature, id);
      },
      endorse: async (bytes, signature) => {
        const id = this.#firstGateway().newProposal(bytes).getTransactionId();
        const tx = await this.#endorseSigned(bytes, signature, id);
        return {
          bytes: tx.getBytes(),
          digest: tx.getDigest(),
          transactionId: id,
          result: tx.getResult(),
        };
      },
      submit: async (bytes, signature) => {
        const tx = this.#firstGateway().newSignedTransaction(bytes, signature);
        const id = tx.getTransactionId();
        const submitted = await this.#withFailover('submit', id, (peer) =>
          peer.gateway.newSignedTransaction(bytes, signature).submit(),
        );
        return { bytes: submitted.getBytes(), digest: submitted.getDigest(), transactionId: id };
      },
      commitStatus: async (bytes, signature) => {
        const id = this.#firstGateway().newCommit(bytes).getTransactionId();
        const status = await this.#withFailover('commitStatus', id, (peer) =>
          this.#status(peer, bytes, signature, this.#timeouts.commitStatusMs),
        );
        this.#checkStatus(status);
        return { blockNumber: status.blockNumber, transactionId: id };
      },
    };
  }

  peers(): PeerStatus[] {
    const now = Date.now();
    return this.#ordered().map((p) => ({
      name: p.config.name,
      endpoint: p.name,
      failures: p.failures,
      backingOff: p.retryAt > now,
    }));
  }

  preferredGateways() {
    this.#checkOpen();
    return this.#ordered().map((p) => ({
      gateway: p.gateway,
      endpoint: p.name,
      fail: () => {
        this.#fail(p);
      },
      succeed: () => {
        this.#succeed(p);
      },
    }));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers) {
      peer.gateway.close();
      peer.client.close();
    }
  }
}

/**
 * Connects to a member's gateway peers: one gRPC client per peer, TLS always on with the node
 * hostname as server name, deadlines on every call, keepalive peers accept.
 *
 * @param options - network config, identity, signer, timeouts
 * @returns the connection; call `close()` when done
 * @throws ConfigError `INVALID_CONFIG` when there are no peers or keepalive is too aggressive
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
