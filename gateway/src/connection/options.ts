/**
 * The options, requests and results of a connection: what callers pass to `connect` and get back.
 * Kept apart from the code that acts on them so the transport, pool and submit files can share them.
 */
import type { Signer } from '../signers/signer';
import type { NetworkConfig } from './network-config';

/**
 * Deadlines, in milliseconds. Each stage's deadline is also how long a stalled peer (one that
 * accepts the call but never answers, e.g. a stopped process) holds a call before it moves to the
 * next peer, so the defaults are short; the overall deadline of a submit is `commitStatusMs`.
 */
export interface Timeouts {
  /** One evaluate on one peer; 4000 unless stated. */
  readonly evaluateMs?: number;
  /** One endorse on one peer; 4000 unless stated (it was 15000 before stalls failed over). */
  readonly endorseMs?: number;
  /** One submit of the signed envelope through one peer; 4000 unless stated. */
  readonly submitMs?: number;
  /**
   * Overall deadline from the first send of a signed transaction until its commit is known, every
   * resend and status read included; 60000 unless stated. When it passes with the outcome unknown
   * the call fails with `COMMIT_STATUS_UNKNOWN`.
   */
  readonly commitStatusMs?: number;
  /**
   * First window to wait for the commit status after a send; 4000 unless stated. Make it a few of
   * the channel's BatchTimeout plus validation time (Fabric's default BatchTimeout is 2 s). When it passes the ledger is asked and, if the transaction is not there, the identical
   * envelope is sent again through the next peer; each later window doubles, up to 16 windows' worth.
   */
  readonly commitWindowMs?: number;
  /** Commit-status read on another peer before each resend; 1000 unless stated. */
  readonly statusProbeMs?: number;
}

/** How failed peers are avoided and retried. */
export interface FailoverOptions {
  /** First backoff after a peer fails; 1000 ms unless stated. */
  readonly initialBackoffMs?: number;
  /** Longest backoff; 30000 ms unless stated. */
  readonly maxBackoffMs?: number;
  /**
   * Pause before resending after the ordering service refused the envelope (no Raft leader, no
   * quorum); doubles per refusal up to four times this. 500 ms unless stated.
   */
  readonly orderingRetryMs?: number;
}

/** gRPC keepalive; peers drop clients that ping more often than every 60 s. */
export interface KeepaliveOptions {
  /** Ping interval; at least 120000 ms (the default). */
  readonly timeMs?: number;
  /** How long to wait for a ping answer; 20000 ms unless stated. */
  readonly timeoutMs?: number;
}

/** Options of `connect` (`connection.connect`). */
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
  /**
   * Which wire to speak: `gateway` (Fabric's Gateway service, 2.4+), `legacy` (discovery,
   * endorser, broadcast and deliver services, for peers without the Gateway service such as
   * Fabric 2.2 on Amazon Managed Blockchain), or `auto` (the default): the first call probes a
   * peer once and the connection keeps the answer, legacy when the peer answers UNIMPLEMENTED for
   * the Gateway service.
   */
  readonly transport?: 'gateway' | 'legacy' | 'auto';
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
  endorse(
    proposal: Uint8Array,
    signature: Uint8Array,
  ): Promise<
    Unsigned & {
      /** The chaincode's return value, as the endorsing peers agreed on it. */
      result: Uint8Array;
    }
  >;
  /**
   * Submits a signed transaction and returns the unsigned commit-status request. The next peer is
   * tried only when nothing can have reached the last one (connection refused, TLS failure).
   *
   * @param transaction - transaction bytes
   * @param signature - signature over its digest
   * @returns commit-status request bytes and digest
   * @throws TransactionError `SUBMIT_FAILED` when the orderer refuses
   * @throws TransactionError `COMMIT_STATUS_UNKNOWN` (with `transactionId`) when a send failed after
   *   it may have reached the ordering service (a deadline, a dropped connection, the orderers
   *   unavailable): sign {@link OfflineSigning.commitRequest} for that id and pass it to
   *   {@link OfflineSigning.commitStatus}, or submit the same signed transaction again; never build
   *   a new proposal for it
   * @throws ConnectionError `UNAVAILABLE` when no peer could be reached, so nothing was sent
   */
  submit(transaction: Uint8Array, signature: Uint8Array): Promise<Unsigned>;
  /**
   * The unsigned commit-status request of a transaction, for reading the outcome of a submit that
   * ended `COMMIT_STATUS_UNKNOWN`.
   *
   * @param transactionId - the transaction's id (64 hex digits)
   * @returns commit-status request bytes and digest
   * @throws InputError `INVALID_INPUT` for anything but a transaction id
   * @example
   * ```ts
   * const req = conn.offline.commitRequest(err.transactionId);
   * const status = await conn.offline.commitStatus(req.bytes, await sign(req.digest));
   * ```
   */
  commitRequest(transactionId: string): Unsigned;
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
  ): Promise<{
    /** Block that holds the transaction. */
    blockNumber: bigint;
    /** The committed transaction's id. */
    transactionId: string;
  }>;
}

/** Health of one peer as the pool sees it. */
export interface PeerStatus {
  /** Peer name. */
  readonly name: string;
  /** Published endpoint. */
  readonly endpoint: string;
  /** MSP of the member running the peer. */
  readonly mspId: string;
  /** `healthy`, or `suspect` after a failure until a call to it succeeds again. */
  readonly state: 'healthy' | 'suspect';
  /**
   * Consecutive failure epochs: calls that failed together (started before the peer was suspected)
   * count once, and each failed retry after a backoff adds one.
   */
  readonly failures: number;
  /** Whether the peer is suspect and its backoff has not yet run out. */
  readonly backingOff: boolean;
}
