/**
 * The seam between the connection's logic (peer pool, submit state machine, offline signing) and
 * the wire. A transport talks to one peer and moves already-signed bytes; it never signs, retries
 * or decides anything, so the Gateway-service implementation here and a legacy one (peers without
 * the Gateway service: endorser, broadcast and deliver services) can sit behind the same logic.
 */
import type {
  ChaincodeEvent,
  Checkpoint,
  CloseableAsyncIterable,
  Gateway,
} from '@hyperledger/fabric-gateway';

/** Serialized request bytes and the signature over their digest. */
export interface SignedBytes {
  /** Serialized request. */
  readonly bytes: Uint8Array;
  /** Signature over the request's digest. */
  readonly signature: Uint8Array;
}

/** An endorsed, not yet signed transaction. */
export interface Endorsement {
  /** Serialized prepared transaction, to sign and submit. */
  readonly bytes: Uint8Array;
  /** Digest (or message, for Ed25519 identities) to sign. */
  readonly digest: Uint8Array;
  /** The signed message, the envelope's payload: the digest is its SHA-256. */
  readonly message: Uint8Array;
  /** The chaincode's return value. */
  readonly result: Uint8Array;
  /**
   * A ledger height seen before the transaction was built (legacy transport only): its commit
   * status is read from a block stream starting there, so the commit cannot be in an earlier block.
   */
  readonly commitHeight?: bigint;
}

/** A peer's answer to "did this transaction commit". */
export interface CommitStatusAnswer {
  /** Transaction id. */
  readonly transactionId: string;
  /** Block the transaction committed in. */
  readonly blockNumber: bigint;
  /** Fabric TxValidationCode; 0 is VALID. */
  readonly code: number;
}

/**
 * One peer's end of the wire. Every call takes an absolute deadline (epoch milliseconds) and
 * rejects with the raw gRPC or fabric-gateway error, which the caller translates once.
 */
export interface Transport {
  /** `host:port` of the peer, for errors and health reports. */
  readonly endpoint: string;
  /**
   * Which wire the transport speaks: the Gateway service, the legacy services, or `auto` before
   * a selecting transport has probed the peer.
   */
  readonly kind: 'gateway' | 'legacy' | 'auto';
  /**
   * The fabric-gateway client of this peer, for event streams; absent on transports without the
   * Gateway service.
   */
  readonly gateway?: Gateway;
  /**
   * Runs a signed proposal without ordering it.
   *
   * @param proposal - signed proposal
   * @param deadline - absolute deadline in epoch milliseconds
   * @returns the chaincode's return value
   */
  evaluate(proposal: SignedBytes, deadline: number): Promise<Uint8Array>;
  /**
   * Endorses a signed proposal.
   *
   * @param proposal - signed proposal
   * @param deadline - absolute deadline in epoch milliseconds
   * @returns the prepared transaction to sign
   */
  endorse(proposal: SignedBytes, deadline: number): Promise<Endorsement>;
  /**
   * Hands a signed transaction envelope to the ordering service through this peer.
   *
   * @param transaction - signed prepared transaction
   * @param deadline - absolute deadline in epoch milliseconds
   */
  submit(transaction: SignedBytes, deadline: number): Promise<void>;
  /**
   * Reads a transaction's commit status; the peer answers at once when its ledger has the
   * transaction and otherwise waits for the commit or the deadline.
   *
   * @param request - signed commit-status request
   * @param deadline - absolute deadline in epoch milliseconds
   * @returns the status of the ledger's first copy of the transaction
   */
  commitStatus(request: SignedBytes, deadline: number): Promise<CommitStatusAnswer>;
  /**
   * Opens a stream of a chaincode's events from committed, valid transactions, starting at the
   * checkpoint (after its transaction, when it names one) or at the next block when it is empty.
   *
   * @param chaincodeName - the chaincode
   * @param checkpoint - where to start
   * @returns the events; close the iterable when done
   */
  chaincodeEvents(
    chaincodeName: string,
    checkpoint: Checkpoint,
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>>;
  /** Closes the peer's gRPC client. */
  close(): void;
}
