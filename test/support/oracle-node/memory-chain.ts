/**
 * An in-memory feeds contract for oracle-node unit tests: it accepts or refuses reports with the
 * chaincode's own `acceptReport` (round order, digest, observers, f+1 signatures verified), so the
 * nodes' reports are checked as the peers would check them. Each node gets a view that records
 * which node transmitted what.
 */
import type { Feed, SignedReport } from '@oracle-consortium/gateway';
import { acceptReport } from '../../../chaincode/src/feeds/report-acceptance';
import type { FeedChain, LatestRound, SubmitOutcome } from '../../../oracle-node/src/chain/chain';

/** A committed round and who transmitted it. */
export interface MemoryRound extends LatestRound {
  /** The transmitting node. */
  readonly by: string;
  /** The report. */
  readonly report: SignedReport;
}

/** The shared ledger. */
export class MemoryLedger {
  /** The feed as the contract holds it now ({@link MemoryLedger.reconfigure} replaces it). */
  feed: Feed;
  readonly rounds: MemoryRound[] = [];
  readonly stale: string[] = [];
  /** Reports the contract refused, with the error's message. */
  readonly refused: {
    readonly by: string;
    readonly report: SignedReport;
    readonly error: string;
  }[] = [];
  /** Called with each report before the contract checks it (a test's moment to change the feed). */
  beforeSubmit: ((report: SignedReport, by: string) => void) | undefined;
  /** How many times the nodes read the feed. */
  feedReads = 0;
  /** Reads lag this many rounds behind (a node reading a peer that has not caught up). */
  readLag = 0;
  /** While true, every read fails as calls to peers that are down do. */
  unreachable = false;

  constructor(feed: Feed) {
    this.feed = feed;
  }

  /**
   * Changes the feed's configuration as `updateFeed` does: the version goes up and the digest
   * changes, so reports signed under the old digest are refused `CONFIG_MISMATCH`.
   *
   * @param changes - the fields that change
   */
  reconfigure(changes: Partial<Feed>): void {
    const configVersion = this.feed.configVersion + 1;
    this.feed = {
      ...this.feed,
      ...changes,
      configVersion,
      configDigest: configVersion.toString(16).padStart(2, '0').repeat(32),
    };
  }

  #down(operation: string): Promise<never> {
    return Promise.reject(
      new Error(`${operation}: no peer could be reached (14 UNAVAILABLE: connect ECONNREFUSED)`),
    );
  }

  /** A node's view. */
  view(by: string): FeedChain {
    return {
      getFeed: () => {
        this.feedReads++;
        return this.unreachable ? this.#down('getFeed') : Promise.resolve(this.feed);
      },
      latestRound: () => {
        if (this.unreachable) return this.#down('latestRound');
        const last = this.rounds.at(-1 - this.readLag);
        return Promise.resolve(
          last === undefined
            ? undefined
            : {
                roundId: last.roundId,
                answer: last.answer,
                startedAt: last.startedAt,
                updatedAt: last.updatedAt,
              },
        );
      },
      submitReport: (report) => {
        const last = this.rounds.at(-1);
        try {
          this.beforeSubmit?.(report, by);
          const { answer } = acceptReport(
            this.feed,
            last === undefined ? undefined : { roundId: last.roundId, startedAt: last.startedAt },
            report,
            Date.now(),
          );
          this.rounds.push({
            roundId: report.roundId,
            answer: answer.toString(),
            startedAt: report.observationsTimestamp,
            updatedAt: Math.floor(Date.now() / 1000),
            by,
            report,
          });
          return Promise.resolve<SubmitOutcome>({
            status: 'committed',
            txId: `tx-${report.roundId}-${by}`,
          });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (/^\[STALE_(ROUND|TIMESTAMP)\]/.test(message)) {
            this.stale.push(by);
            return Promise.resolve<SubmitOutcome>({ status: 'stale', error: message });
          }
          this.refused.push({ by, report, error: message });
          return Promise.reject(err instanceof Error ? err : new Error(message));
        }
      },
      close: () => Promise.resolve(),
    };
  }
}

/**
 * A feed record for the ledger.
 *
 * @param feedId - its id
 * @param oracles - ids and public keys (base64 DER SPKI, P-256)
 * @param f - faults tolerated
 * @returns the feed
 */
export function memoryFeed(
  feedId: string,
  oracles: readonly { id: string; publicKey: string }[],
  f: number,
): Feed {
  return {
    feedId,
    description: 'test',
    decimals: 2,
    owner: 'Org1MSP',
    oracles: oracles.map((o) => ({ id: o.id, keyType: 'p256', publicKey: o.publicKey })),
    f,
    minSignatures: f + 1,
    minObservations: 2 * f + 1,
    minAnswer: '0',
    maxAnswer: '1000000000000',
    heartbeatSeconds: 3600,
    deviationThresholdPpb: 10_000_000,
    maxFutureSkewSeconds: 60,
    paused: false,
    configVersion: 1,
    configDigest: 'a'.repeat(64),
    createdAt: 0,
    updatedAt: 0,
  };
}
