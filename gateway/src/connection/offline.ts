/**
 * Offline signing: each step returns bytes and a digest to sign elsewhere and takes the signature
 * back. The steps run on the same pool and stages as an online call.
 */
import type { OfflineSigning, Unsigned } from './options';
import type { PeerPool, PoolPeer } from './peer-pool';
import type { Proposals } from './proposals';
import { InputError, type ConsortiumError } from '../errors';
import { noPeerError, onAnyPeer, statusUnknown, translateFor } from './stages';
import { sendFailure, settleSend, waitForStatus, type SubmitContext } from './submit';

/** What the offline steps need from their connection. */
export interface OfflineContext extends SubmitContext {
  /** The peers. */
  readonly pool: PeerPool;
  /** Request builder. */
  readonly proposals: Proposals;
  /** Per-peer deadlines of evaluate, endorse and submit, in ms. */
  readonly stageMs: {
    readonly evaluate: number;
    readonly endorse: number;
    readonly submit: number;
  };
  /** Throws `CLOSED` when the connection is closed. */
  readonly checkOpen: () => void;
  /** The unsigned commit-status request of the transport in use. */
  readonly commitRequest: (transactionId: string) => Unsigned;
}

/**
 * Builds the offline-signing steps of a connection.
 *
 * @param ctx - pool, builders and deadlines of the connection
 * @returns the steps
 */
export function newOfflineSigning(ctx: OfflineContext): OfflineSigning {
  const { pool, proposals, stageMs } = ctx;
  return {
    newProposal: (request) => proposals.proposal(request),
    evaluate: (bytes, signature) => {
      ctx.checkOpen();
      const id = proposals.proposalId(bytes);
      const foreign = !proposals.hasTransientData(bytes);
      return onAnyPeer(pool, 'evaluate', id, foreign, (peer) =>
        peer.transport.evaluate({ bytes, signature }, Date.now() + stageMs.evaluate),
      );
    },
    endorse: async (bytes, signature) => {
      ctx.checkOpen();
      const id = proposals.proposalId(bytes);
      const foreign = !proposals.hasTransientData(bytes);
      const tx = await onAnyPeer(pool, 'endorse', id, foreign, (peer) =>
        peer.transport.endorse({ bytes, signature }, Date.now() + stageMs.endorse),
      );
      return { bytes: tx.bytes, digest: tx.digest, transactionId: id, result: tx.result };
    },
    submit: async (bytes, signature) => {
      ctx.checkOpen();
      const id = proposals.transactionId(bytes);
      // Sent once; the next peer is tried only when nothing can have reached the last one. After
      // a send that may have gone out only the ledger can tell, and reading it needs a
      // commit-status request this step cannot sign: the caller is told so, with the id.
      const tried = new Set<PoolPeer>();
      const failures: ConsortiumError[] = [];
      for (let peer = pool.pick({ exclude: tried, foreign: true }); peer !== undefined;) {
        tried.add(peer);
        const started = Date.now();
        try {
          await peer.transport.submit({ bytes, signature }, started + stageMs.submit);
          settleSend(pool, peer, started, undefined, false);
          return ctx.commitRequest(id);
        } catch (raw) {
          const err = translateFor(raw, 'submit', peer, id);
          const failure = sendFailure(err);
          settleSend(pool, peer, started, failure, false);
          if (failure.mayBeSent) {
            throw statusUnknown(
              id,
              `the send through ${peer.transport.endpoint} may have reached the ordering service before it failed; sign offline.commitRequest('${id}') and pass it to offline.commitStatus to learn the outcome, or submit the same signed transaction again (a second copy of one id never commits twice)`,
              err,
            );
          }
          // Refused by the peer or the orderers: every peer would answer alike.
          if (failure.kind === 'refused') throw err;
          failures.push(err);
        }
        peer = pool.pick({ exclude: tried, foreign: true });
      }
      throw noPeerError('submit', pool, failures, id);
    },
    commitRequest: (transactionId) => {
      ctx.checkOpen();
      if (!/^[0-9a-f]{64}$/.test(transactionId)) {
        throw new InputError({
          code: 'INVALID_INPUT',
          message: `transactionId must be the 64 hex digits of a Fabric transaction id, got '${transactionId}'`,
        });
      }
      return ctx.commitRequest(transactionId);
    },
    commitStatus: async (bytes, signature) => {
      ctx.checkOpen();
      const id = proposals.commitId(bytes);
      const status = await waitForStatus(ctx, { bytes, signature }, id);
      return { blockNumber: status.blockNumber, transactionId: id };
    },
  };
}
