/**
 * The transport for peers without Fabric's Gateway service (Fabric 2.2, e.g. Amazon Managed
 * Blockchain, or 2.4+ with `peer.gateway.enabled: false`), on @hyperledger/fabric-protos and
 * grpc-js alone. Each transport is one peer acting as the Gateway service would: it asks discovery
 * for the endorsement plan, collects endorsements from peers that satisfy it (own organisation
 * first), checks they agree and builds the transaction envelope; it broadcasts the signed envelope
 * to the ordering service; it reads commit status from a filtered block stream starting at the
 * ledger height seen at endorsement (or, for a request signed offline, through qscc). The
 * connection's transports share one `LegacyNetwork` (legacy/network.ts): gRPC clients of every
 * peer and orderer, and the last discovery answers.
 */
import * as grpc from '@grpc/grpc-js';
import type {
  ChaincodeEvent,
  Checkpoint,
  CloseableAsyncIterable,
} from '@hyperledger/fabric-gateway';
import { common, peer as peerProtos } from '@hyperledger/fabric-protos';
import { ConnectionError, OrdererError, TransactionError } from '../errors';
import { endpointName } from '../lib/endpoint';
import { broadcast } from '../orderer/broadcast';
import type { ChaincodeInterest, DiscoveredPeer, EndorsementPlan } from './legacy/discovery';
import { findInBlock, findInFilteredBlock } from './legacy/blocks';
import { blockEvents } from './legacy/events';
import { CommitWatch } from './legacy/commit-watch';
import {
  collectionsOf,
  digestOf,
  envelopeOf,
  LegacyCallError,
  newSeekPayload,
  newTransaction,
  parseProposal,
  readSeek,
  signedEnvelope,
  type EndorserAnswer,
  type ParsedProposal,
} from './legacy/messages';
import { endorseByPlan, type AskResult } from './legacy/plan';
import { LegacyNetwork } from './legacy/network';
import { METHODS, readDeliver, unary } from './legacy/rpc';
import type { PeerConfig } from './network-config';
import type { CommitStatusAnswer, Endorsement, SignedBytes, Transport } from './transport';

/** An endorsement plan from the configured peers alone: one peer of each organisation. */
function staticPlan(peers: readonly PeerConfig[]): EndorsementPlan {
  const groups = new Map<string, DiscoveredPeer[]>();
  for (const p of peers) {
    const list = groups.get(p.mspId) ?? [];
    list.push({ endpoint: endpointName(p.endpoint), mspId: p.mspId, ledgerHeight: 0n });
    groups.set(p.mspId, list);
  }
  return { groups, layouts: [new Map([...groups.keys()].map((g) => [g, 1]))] };
}

/**
 * Fabric's chaincode handler refuses a proposal whose transaction it is still simulating
 * ("txid: <id>(<channel>) exists"). Here that is an earlier copy of the same signed proposal: one
 * sent by an attempt whose stage deadline cut the client's wait while the peer went on running
 * it. The peer is healthy and the proposal valid, so the copy is sent again once that run is over.
 */
const STILL_SIMULATING = /\btxid: [0-9a-f]+\([^)]*\) exists\b/;

/** Pause before sending a proposal again to a peer still simulating an earlier copy. */
const STILL_SIMULATING_PAUSE_MS = 50;

/**
 * Whether a peer answered that it is still simulating an earlier copy of this proposal.
 *
 * @param response - the peer's answer
 * @returns true for Fabric's "txid … exists" refusal
 */
function stillSimulating(response: peerProtos.ProposalResponse): boolean {
  const r = response.getResponse();
  return (r?.getStatus() ?? 500) >= 400 && STILL_SIMULATING.test(r?.getMessage() ?? '');
}

function refusal(
  address: string,
  mspId: string,
  response: peerProtos.ProposalResponse,
  what: string,
): LegacyCallError {
  const message = response.getResponse()?.getMessage() ?? 'no response';
  const status = response.getResponse()?.getStatus() ?? 500;
  return new LegacyCallError(grpc.status.UNKNOWN, `${what} returned status ${status}: ${message}`, [
    { address, mspId, message },
  ]);
}

const POLL_MS = 250;

class LegacyTransport implements Transport {
  readonly endpoint: string;
  readonly kind = 'legacy' as const;
  readonly #peer: PeerConfig;
  readonly #network: LegacyNetwork;
  readonly #client: grpc.Client;
  readonly #commits: CommitWatch;

  constructor(peer: PeerConfig, network: LegacyNetwork) {
    this.endpoint = endpointName(peer.endpoint);
    this.#peer = peer;
    this.#network = network;
    this.#client = network.clientOf(peer);
    this.#commits = new CommitWatch((envelope, onBlock) => {
      const { result, stream } = readDeliver<never>(
        this.#client,
        METHODS.deliverFiltered,
        envelope,
        undefined,
        (response) => {
          const block = response.getFilteredBlock();
          if (block !== undefined) {
            this.#sawBlock(block);
            onBlock(block);
          }
          return { done: false };
        },
      );
      return { ended: result, stream };
    }, this.endpoint);
  }

  async #process(
    client: grpc.Client,
    signed: peerProtos.SignedProposal,
    deadline: number,
    peer: { address: string; mspId: string } = {
      address: this.endpoint,
      mspId: this.#peer.mspId,
    },
  ) {
    const request = signed.serializeBinary();
    const busy = () => {
      // A peer busy past the stage deadline is treated as a stalled one: the next peer is tried.
      const message = `${peer.address} was still simulating an earlier copy of this proposal at the stage deadline`;
      return new LegacyCallError(grpc.status.DEADLINE_EXCEEDED, message, [{ ...peer, message }]);
    };
    let simulating = false;
    for (;;) {
      let bytes: Buffer;
      try {
        bytes = await unary(client, METHODS.processProposal, request, deadline);
      } catch (err) {
        const e = err as { code?: unknown; message?: unknown };
        // The deadline ran out on a request sent again because the peer was still busy: say so.
        if (simulating && e.code === (grpc.status.DEADLINE_EXCEEDED as number)) throw busy();
        if (
          typeof e.code !== 'number' ||
          e.code === (grpc.status.UNAVAILABLE as number) ||
          e.code === (grpc.status.DEADLINE_EXCEEDED as number)
        ) {
          throw err;
        }
        // The endorser refused the proposal before running it (access denied, malformed): the
        // refusal names the peer, as a chaincode's would.
        const message = typeof e.message === 'string' ? e.message : 'refused';
        throw new LegacyCallError(e.code, message, [{ ...peer, message }]);
      }
      const response = peerProtos.ProposalResponse.deserializeBinary(bytes);
      if (!stillSimulating(response)) return response;
      simulating = true;
      if (Date.now() + STILL_SIMULATING_PAUSE_MS >= deadline) throw busy();
      await new Promise((resolve) => setTimeout(resolve, STILL_SIMULATING_PAUSE_MS));
    }
  }

  async evaluate(proposal: SignedBytes, deadline: number): Promise<Uint8Array> {
    const parsed = parseProposal(proposal.bytes, proposal.signature);
    const response = await this.#process(this.#client, parsed.signed, deadline);
    if ((response.getResponse()?.getStatus() ?? 500) >= 400) {
      throw refusal(this.endpoint, this.#peer.mspId, response, `evaluate via ${this.endpoint}`);
    }
    return response.getResponse()?.getPayload_asU8() ?? new Uint8Array();
  }

  async endorse(proposal: SignedBytes, deadline: number): Promise<Endorsement> {
    const parsed = parseProposal(proposal.bytes, proposal.signature);
    const known = new Map<string, AskResult>();
    let interest: ChaincodeInterest = { chaincode: parsed.chaincodeName };
    if (parsed.hasTransientData && parsed.endorsingOrganizations.length === 0) {
      // Private inputs go first to this (the member's own) peer only; the collections its answer
      // touches then narrow the plan to peers that may hold them, as the Gateway service does.
      const own = await this.#process(this.#client, parsed.signed, deadline);
      known.set(this.endpoint, {
        kind: 'answer',
        answer: { address: this.endpoint, mspId: this.#peer.mspId, response: own },
      });
      if ((own.getResponse()?.getStatus() ?? 500) >= 400) {
        throw refusal(this.endpoint, this.#peer.mspId, own, `endorse via ${this.endpoint}`);
      }
      const collections = collectionsOf(own).get(parsed.chaincodeName);
      if (collections !== undefined) interest = { ...interest, collections };
    }
    const { plan, tlsRoots } = await this.#plan(parsed, interest, deadline);
    const ask = async (peer: DiscoveredPeer): Promise<AskResult> => {
      // Past the stage deadline a proposal could still reach the peer and run there, only to
      // collide with the next attempt's copy: it is not sent at all.
      if (Date.now() >= deadline) {
        return {
          kind: 'fault',
          message: `stage deadline passed before ${peer.endpoint} was asked`,
        };
      }
      const { client, name } =
        peer.endpoint === this.endpoint
          ? { client: this.#client, name: this.endpoint }
          : this.#network.clientAt(
              peer.endpoint,
              tlsRoots.get(peer.mspId) ?? this.#peer.tlsRootCerts,
            );
      try {
        const response = await this.#process(client, parsed.signed, deadline, {
          address: name,
          mspId: peer.mspId,
        });
        return { kind: 'answer', answer: { address: name, mspId: peer.mspId, response } };
      } catch (err) {
        const e = err as { code?: unknown; message?: string };
        if (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED) {
          return { kind: 'fault', message: e.message ?? String(err) };
        }
        throw err;
      }
    };
    const answers: EndorserAnswer[] = await endorseByPlan(
      plan,
      { ownMspId: this.#network.options.creator.mspId, first: this.#selfEndpoint(plan) },
      ask,
      known,
    );
    const prepared = newTransaction(parsed, answers);
    return {
      bytes: prepared.bytes,
      digest: digestOf(this.#network.options.creator, prepared.payload),
      message: prepared.payload,
      result: prepared.result,
      commitHeight: this.#network.knownHeight,
    };
  }

  /**
   * Raises the ledger height the connection knows to past a block a deliver stream brought, so the
   * next commit-status wait starts there rather than at a height already passed. Heights only
   * grow: a slower stream's older block leaves it alone.
   */
  #sawBlock(block: peerProtos.FilteredBlock): void {
    const height = BigInt(block.getNumber()) + 1n;
    if (height > this.#network.knownHeight) this.#network.knownHeight = height;
  }

  /** How discovery names this peer: by the address it is dialled at, or its published name. */
  #selfEndpoint(plan: EndorsementPlan): string {
    const dialled = `${this.#peer.endpoint.address ?? this.#peer.endpoint.hostname}:${this.#peer.endpoint.port}`;
    for (const peers of plan.groups.values()) {
      const me = peers.find((p) => p.endpoint === dialled || p.endpoint === this.endpoint);
      if (me !== undefined) return me.endpoint;
    }
    return this.endpoint;
  }

  async #plan(
    parsed: ParsedProposal,
    interest: ChaincodeInterest,
    deadline: number,
  ): Promise<{ plan: EndorsementPlan; tlsRoots: Map<string, string> }> {
    if (this.#network.options.signer === undefined) {
      return { plan: staticPlan(this.#network.options.peers), tlsRoots: new Map() };
    }
    const named = parsed.endorsingOrganizations;
    const found = await this.#network
      .discover(this.#client, this.endpoint, named.length > 0 ? undefined : interest, deadline)
      .catch((err: unknown) => {
        // A refusal of the discovery service (access denied for a revoked certificate, unknown
        // chaincode) names this peer, as an endorser's refusal would.
        if (err instanceof LegacyCallError && err.details.length === 0) {
          throw new LegacyCallError(err.code, err.message, [
            { address: this.endpoint, mspId: this.#peer.mspId, message: err.message },
          ]);
        }
        throw err;
      });
    const tlsRoots = new Map([...found.orgs.values()].map((o) => [o.mspId, o.tlsRootCerts]));
    if (named.length > 0) {
      // The caller chose the organisations: one peer of each, whatever the policy says.
      const groups = new Map(named.map((msp) => [msp, found.peers.filter((p) => p.mspId === msp)]));
      return { plan: { groups, layouts: [new Map(named.map((m) => [m, 1]))] }, tlsRoots };
    }
    if (found.plan === undefined) throw new LegacyCallError(9, 'discovery returned no plan');
    return { plan: found.plan, tlsRoots };
  }

  async submit(transaction: SignedBytes, deadline: number): Promise<void> {
    const envelope = signedEnvelope(transaction.bytes, transaction.signature);
    const orderers = await this.#network.orderers(this.#client, this.endpoint, deadline);
    try {
      await broadcast(envelope, orderers, {
        deadline,
        timeoutMs: Math.max(1, deadline - Date.now()),
        clients: this.#network.ordererClient,
      });
    } catch (err) {
      if (err instanceof OrdererError) {
        // The envelope itself was refused (every orderer validates alike): a transaction error,
        // as the Gateway service reports it, never retried.
        throw new TransactionError({
          code:
            err.status === (common.Status.FORBIDDEN as number) ? 'ACCESS_DENIED' : 'SUBMIT_FAILED',
          message: err.message,
          cause: err,
        });
      }
      if (!(err instanceof ConnectionError)) throw err;
      this.#network.ordererFailed();
      // The peer is not at fault: the submit state machine must treat this as the ordering
      // service being unavailable (and, since an orderer may hold the envelope, check the ledger
      // before any resend), never as a reason to avoid this peer.
      throw new ConnectionError({
        code: 'UNAVAILABLE',
        message: `ordering service unavailable: ${err.message}`,
        endpoint: err.endpoint,
        cause: err,
      });
    }
  }

  async commitStatus(request: SignedBytes, deadline: number): Promise<CommitStatusAnswer> {
    const seek = readSeek(request.bytes);
    if (seek === undefined) return this.#statusByQuery(request, deadline);
    const envelope = envelopeOf(seek.payload, request.signature);
    const transactionId = seek.transactionId;
    const watched = this.#commits.status(transactionId, seek.startBlock, envelope, deadline);
    if (watched !== undefined) return watched;
    const { result } = readDeliver<CommitStatusAnswer>(
      this.#client,
      METHODS.deliverFiltered,
      envelope,
      deadline,
      (response) => {
        const block = response.getFilteredBlock();
        if (block === undefined) return { done: false };
        this.#sawBlock(block);
        const found = findInFilteredBlock(block, transactionId);
        return found === undefined
          ? { done: false }
          : {
              done: true,
              value: { transactionId, blockNumber: found.blockNumber, code: found.code },
            };
      },
    );
    return result;
  }

  /** A commit-status request signed offline is a qscc GetBlockByTxID proposal: asked until found. */
  async #statusByQuery(request: SignedBytes, deadline: number): Promise<CommitStatusAnswer> {
    const parsed = parseProposal(request.bytes, request.signature);
    const args = peerProtos.ChaincodeProposalPayload.deserializeBinary(
      parsed.proposal.getPayload_asU8(),
    );
    const spec = peerProtos.ChaincodeInvocationSpec.deserializeBinary(args.getInput_asU8());
    const input = spec.getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? [];
    const transactionId = Buffer.from(input[2] ?? new Uint8Array()).toString('utf8');
    for (;;) {
      const response = await this.#process(this.#client, parsed.signed, deadline);
      const status = response.getResponse()?.getStatus() ?? 500;
      if (status < 400) {
        const block = common.Block.deserializeBinary(
          response.getResponse()?.getPayload_asU8() ?? new Uint8Array(),
        );
        const found = findInBlock(block, transactionId);
        if (found !== undefined)
          return { transactionId, blockNumber: found.blockNumber, code: found.code };
      } else if (
        !/not found|no such|failed to get block/i.test(response.getResponse()?.getMessage() ?? '')
      ) {
        throw refusal(
          this.endpoint,
          this.#peer.mspId,
          response,
          `commit status via ${this.endpoint}`,
        );
      }
      if (Date.now() + POLL_MS >= deadline) {
        throw new LegacyCallError(
          grpc.status.DEADLINE_EXCEEDED,
          `transaction ${transactionId} not in the ledger of ${this.endpoint} yet`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async chaincodeEvents(
    chaincodeName: string,
    checkpoint: Checkpoint,
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    const startBlock = checkpoint.getBlockNumber() ?? this.#network.knownHeight;
    const payload = newSeekPayload(
      this.#network.options.creator,
      this.#network.options.channelName,
      startBlock,
    );
    const envelope = envelopeOf(payload, await this.#network.sign(payload, 'an event stream'));
    return blockEvents(
      this.#client,
      envelope,
      chaincodeName,
      startBlock,
      checkpoint.getTransactionId(),
    );
  }

  close(): void {
    // The clients belong to the shared network, closed with the connection; the commit stream
    // is this transport's own.
    this.#commits.close();
  }
}

/**
 * Opens the legacy transport to one peer. Nothing is sent until the first call.
 *
 * @param peer - the peer's endpoint and TLS roots
 * @param network - what the connection's legacy transports share
 * @returns the transport
 */
export function newLegacyTransport(peer: PeerConfig, network: LegacyNetwork): Transport {
  return new LegacyTransport(peer, network);
}

export { LegacyNetwork, type LegacyNetworkOptions } from './legacy/network';
