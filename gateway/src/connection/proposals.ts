/**
 * Building and reading Fabric requests without sending them: proposals from a transaction request,
 * commit-status requests, transaction ids and digests of bytes signed elsewhere. Purely local, so
 * it is the same whichever transport carries the requests.
 */
import type { Gateway } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos, msp, peer as peerProtos } from '@hyperledger/fabric-protos';
import type { TransactionRequest, Unsigned } from './options';

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/** Builds and parses a connection's requests. */
export class Proposals {
  readonly #gateway: Gateway;
  readonly #channelName: string;
  readonly #mspId: string;
  readonly #certificate: string;

  /**
   * @param gateway - a fabric-gateway client used only for its local builders (it sends nothing)
   * @param channelName - the channel
   * @param mspId - MSP id of the client identity
   * @param certificate - PEM certificate of the client identity
   */
  constructor(gateway: Gateway, channelName: string, mspId: string, certificate: string) {
    this.#gateway = gateway;
    this.#channelName = channelName;
    this.#mspId = mspId;
    this.#certificate = certificate;
  }

  /**
   * @param request - the invocation
   * @returns the unsigned proposal
   */
  proposal(request: Readonly<TransactionRequest>): Unsigned {
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
    return {
      bytes: proposal.getBytes(),
      digest: proposal.getDigest(),
      transactionId: proposal.getTransactionId(),
    };
  }

  /**
   * @param transactionId - the transaction
   * @returns the unsigned commit-status request for it
   */
  commit(transactionId: string): Unsigned {
    const identity = new msp.SerializedIdentity();
    identity.setMspid(this.#mspId);
    identity.setIdBytes(Buffer.from(this.#certificate));
    const request = new gatewayProtos.CommitStatusRequest();
    request.setChannelId(this.#channelName);
    request.setTransactionId(transactionId);
    request.setIdentity(identity.serializeBinary());
    const signed = new gatewayProtos.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    const bytes = signed.serializeBinary();
    return { bytes, digest: this.#gateway.newCommit(bytes).getDigest(), transactionId };
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
    return this.#gateway.newCommit(bytes).getTransactionId();
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
