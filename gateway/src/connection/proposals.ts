/**
 * Building and reading Fabric requests without sending them: proposals from a transaction request,
 * commit-status requests, transaction ids and digests of bytes signed elsewhere. Purely local, so
 * it is the same whichever transport carries the requests.
 */
import type { Gateway } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos, msp, peer as peerProtos } from '@hyperledger/fabric-protos';
import { digestOf, envelopeOf, newSeekPayload, readSeek } from './legacy/messages';
import type { TransactionRequest, Unsigned } from './options';

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/**
 * An unsigned request together with the bytes Fabric verifies its signature over, so a signer
 * with `signMessage` can hash and sign them in one native call.
 */
export interface Signable extends Unsigned {
  /** The signed message: the digest is its SHA-256 (or the message itself for Ed25519). */
  readonly message: Uint8Array;
}

/** Builds and parses a connection's requests. */
export class Proposals {
  readonly #gateway: Gateway;
  readonly #channelName: string;
  readonly #mspId: string;
  readonly #certificate: string;
  readonly #ed25519: boolean;

  /**
   * @param gateway - a fabric-gateway client used only for its local builders (it sends nothing)
   * @param channelName - the channel
   * @param mspId - MSP id of the client identity
   * @param certificate - PEM certificate of the client identity
   * @param ed25519 - whether the signer signs whole messages (Ed25519) rather than digests
   */
  constructor(
    gateway: Gateway,
    channelName: string,
    mspId: string,
    certificate: string,
    ed25519 = false,
  ) {
    this.#gateway = gateway;
    this.#channelName = channelName;
    this.#mspId = mspId;
    this.#certificate = certificate;
    this.#ed25519 = ed25519;
  }

  get #creator(): { mspId: string; certificate: string; ed25519: boolean } {
    return { mspId: this.#mspId, certificate: this.#certificate, ed25519: this.#ed25519 };
  }

  /**
   * @param request - the invocation
   * @returns the unsigned proposal
   */
  proposal(request: Readonly<TransactionRequest>): Unsigned {
    const { bytes, digest, transactionId } = this.signableProposal(request);
    return { bytes, digest, transactionId };
  }

  /**
   * @param request - the invocation
   * @returns the unsigned proposal and the proposal bytes its digest covers
   */
  signableProposal(request: Readonly<TransactionRequest>): Signable {
    const network = this.#gateway.getNetwork(this.#channelName);
    const contract =
      request.contract !== undefined
        ? network.getContract(request.chaincode, request.contract)
        : network.getContract(request.chaincode);
    const proposal = contract.newProposal(request.transaction, {
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
    const bytes = proposal.getBytes();
    const message =
      gatewayProtos.ProposedTransaction.deserializeBinary(bytes)
        .getProposal()
        ?.getProposalBytes_asU8() ?? new Uint8Array();
    return {
      bytes,
      digest: digestOf(this.#creator, message),
      transactionId: proposal.getTransactionId(),
      message,
    };
  }

  /**
   * @param transactionId - the transaction
   * @returns the unsigned commit-status request for it
   */
  commit(transactionId: string): Unsigned {
    const { bytes, digest } = this.signableCommit(transactionId);
    return { bytes, digest, transactionId };
  }

  /**
   * @param transactionId - the transaction
   * @returns the unsigned commit-status request and the request bytes its digest covers
   */
  signableCommit(transactionId: string): Signable {
    const identity = new msp.SerializedIdentity();
    identity.setMspid(this.#mspId);
    identity.setIdBytes(Buffer.from(this.#certificate));
    const request = new gatewayProtos.CommitStatusRequest();
    request.setChannelId(this.#channelName);
    request.setTransactionId(transactionId);
    request.setIdentity(identity.serializeBinary());
    const message = request.serializeBinary();
    const signed = new gatewayProtos.SignedCommitStatusRequest();
    signed.setRequest(message);
    return {
      bytes: signed.serializeBinary(),
      digest: digestOf(this.#creator, message),
      transactionId,
      message,
    };
  }

  /**
   * The legacy transport's commit-status request: a deliver request for filtered blocks from a
   * ledger height seen before the transaction was built, naming the transaction it waits for.
   * Valid for the peers' deliver time window (15 minutes by default).
   *
   * @param transactionId - the transaction
   * @param startBlock - a ledger height seen before the transaction was endorsed
   * @returns the unsigned request
   */
  legacyCommit(transactionId: string, startBlock: bigint): Signable {
    const payload = newSeekPayload(this.#creator, this.#channelName, startBlock, transactionId);
    return {
      bytes: envelopeOf(payload, new Uint8Array()),
      digest: digestOf(this.#creator, payload),
      transactionId,
      message: payload,
    };
  }

  /**
   * The legacy transport's commit-status request for offline signing: a qscc `GetBlockByTxID`
   * query, which needs no ledger height and no time window, so it may be signed at leisure.
   *
   * @param transactionId - the transaction
   * @returns the unsigned request
   */
  legacyOfflineCommit(transactionId: string): Unsigned {
    const query = this.proposal({
      chaincode: 'qscc',
      transaction: 'GetBlockByTxID',
      arguments: [this.#channelName, transactionId],
    });
    return { bytes: query.bytes, digest: query.digest, transactionId };
  }

  /**
   * @param bytes - proposal bytes
   * @returns the proposal's transaction id
   */
  proposalId(bytes: Uint8Array): string {
    return this.#gateway.newProposal(bytes).getTransactionId();
  }

  /**
   * @param bytes - prepared transaction bytes
   * @returns the transaction's id
   */
  transactionId(bytes: Uint8Array): string {
    return this.#gateway.newTransaction(bytes).getTransactionId();
  }

  /**
   * @param bytes - commit-status request bytes
   * @returns the transaction id the request asks about
   */
  commitId(bytes: Uint8Array): string {
    const seek = readSeek(bytes);
    if (seek !== undefined) return seek.transactionId;
    const queried = this.#queriedTransaction(bytes);
    if (queried !== undefined) return queried;
    return this.#gateway.newCommit(bytes).getTransactionId();
  }

  /** The transaction a qscc GetBlockByTxID proposal asks about, when the bytes are one. */
  #queriedTransaction(bytes: Uint8Array): string | undefined {
    try {
      const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(bytes);
      const inner = proposed.getProposal();
      if (inner === undefined) return undefined;
      const proposal = peerProtos.Proposal.deserializeBinary(inner.getProposalBytes_asU8());
      const payload = peerProtos.ChaincodeProposalPayload.deserializeBinary(
        proposal.getPayload_asU8(),
      );
      const spec = peerProtos.ChaincodeInvocationSpec.deserializeBinary(
        payload.getInput_asU8(),
      ).getChaincodeSpec();
      const args = spec?.getInput()?.getArgsList_asU8() ?? [];
      if (spec?.getChaincodeId()?.getName() !== 'qscc') return undefined;
      if (Buffer.from(args[0] ?? []).toString() !== 'GetBlockByTxID') return undefined;
      return Buffer.from(args[2] ?? []).toString();
    } catch {
      return undefined;
    }
  }

  /**
   * Whether a proposal carries transient (private) data, which must not be handed to another
   * member's peer.
   *
   * @param bytes - proposal bytes as {@link Proposals.proposal} builds them
   * @returns true when the proposal has transient data
   */
  hasTransientData(bytes: Uint8Array): boolean {
    const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(bytes);
    const signedProposal = proposed.getProposal();
    if (signedProposal === undefined) return false;
    const proposal = peerProtos.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8());
    const payload = peerProtos.ChaincodeProposalPayload.deserializeBinary(
      proposal.getPayload_asU8(),
    );
    // The generated map type does not resolve under the linter; its size is all that is read.
    const transient = payload.getTransientmapMap() as { getLength(): number };
    return transient.getLength() > 0;
  }
}
