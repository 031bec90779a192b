/**
 * Offline signing: each step returns bytes and a digest to sign elsewhere and takes the signature
 * back. The steps run on the same pool and stages as an online call.
 */
import type { OfflineSigning, Unsigned } from './options';
import type { PeerPool } from './peer-pool';
import type { Proposals } from './proposals';
import { onAnyPeer } from './stages';
import { waitForStatus, type SubmitContext } from './submit';

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
      // Sent once with failover between peers; the caller's commitStatus step then reads the
      // outcome. A resend needs the commit status first, which this step cannot sign.
      await onAnyPeer(pool, 'submit', id, true, (peer) =>
        peer.transport.submit({ bytes, signature }, Date.now() + stageMs.submit),
      );
      return ctx.commitRequest(id);
    },
    commitStatus: async (bytes, signature) => {
      ctx.checkOpen();
      const id = proposals.commitId(bytes);
      const status = await waitForStatus(ctx, { bytes, signature }, id);
      return { blockNumber: status.blockNumber, transactionId: id };
    },
  };
}
