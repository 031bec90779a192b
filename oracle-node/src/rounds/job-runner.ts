/**
 * One job's rounds between the nodes of its feed: a simplified off-chain reporting protocol.
 *
 * - **Round and leader.** Every node works on round `latest + 1` of the feed on chain. The leader
 *   of attempt `a` of round `r` is the oracle at index `(r + a) mod n` of the feed, so leadership
 *   rotates with every round. A follower that sees no completed attempt (an `idle` or `report`
 *   final message) from the current leader for `progressTimeout` (after an `idle` one, for its
 *   own poll period plus `progressTimeout`) moves to the next attempt, and so to the next leader;
 *   a node follows a leader one attempt ahead, and jumps further only when f+1 peers say they
 *   are there (so one faulty peer cannot send it to its own turn).
 * - **Observe.** The leader asks every node for a signed observation (each asks its sources at
 *   that moment) and waits for all, or for `minObservations` plus a grace period.
 * - **Decide.** The median of the observations is compared with the answer on chain: a round is
 *   due on the first report, when the heartbeat (`idleTimerPeriod`) has passed, when the median is
 *   outside the deviation band, or on a cron tick. Otherwise the leader announces `idle`.
 * - **Sign.** The leader builds the report body and asks the followers to sign it; a follower
 *   checks every observation's signature and that the body carries exactly those values, and
 *   signs at most one report per round and attempt (kept in the store, across restarts).
 * - **Transmit.** With `minSignatures` (f+1 by default, the contract's rule) the leader sends the
 *   final report to all and submits it; follower k places after the leader submits it after
 *   `k * transmitStagger` if the round is still not on chain. A copy refused as a stale round is
 *   counted, not retried.
 * - **Reconfiguration.** Each message from a leader names the feed configuration it works under.
 *   A node reads the feed again (besides once a minute) when a leader names another configuration,
 *   when a peer refuses its request as `CONFIG_MISMATCH`, and when the contract refuses its report
 *   as `CONFIG_MISMATCH`; in the last case the leader builds the report again under the new
 *   configuration in the same attempt (signatures are claimed per configuration).
 */
import {
  reports,
  type Feed,
  type ReportBody,
  type SignedReport,
  type Signer,
} from '@oracle-consortium/gateway';
import { median } from '../bridges/values';
import type { NodeConfig, PeerSpec } from '../config/config';
import type { JobSpec } from '../config/jobs';
import type { FeedChain, LatestRound } from '../chain/chain';
import { OracleNodeError } from '../errors';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import type { Store } from '../store/store';
import {
  signObservation,
  verifyOracleSignature,
  type FinalMessage,
  type ObserveRequest,
  type SignRequest,
  type SignedObservation,
} from './messages';
import { errorCode, errorMessage } from '../lib/error-text';
import type { RoundContext } from './context';
import { collectObservations } from './collect';
import { dueReason } from './due';
import { observeJob } from './observe';
import { RefusalError, type P2p } from './p2p';
import { checkObservation, checkSignRequest, signatureClaim, sortByOracle } from './report-checks';
import { transmitReport } from './transmit';

/**
 * The shortest time between two reads of the feed that a peer's message or a refused report
 * prompts: a faulty peer naming made-up configurations costs the chain one read per interval.
 */
const FEED_REREAD_MIN_MS = 2_000;

/** What a job runner needs. */
export interface JobRunnerDeps {
  /** The node's configuration. */
  readonly config: NodeConfig;
  /** The job. */
  readonly job: JobSpec;
  /** The feeds contract. */
  readonly chain: FeedChain;
  /** The state store. */
  readonly store: Store;
  /** Metrics. */
  readonly metrics: Metrics;
  /** Logs. */
  readonly logger: Logger;
  /** The peer-to-peer channel. */
  readonly p2p: P2p;
  /** The oracle's report key. */
  readonly oracleKey: Signer;
  /** The clock, ms since the epoch (tests move it). */
  readonly now?: () => number;
  /** Whether this process holds its oracle's lease; a standby runs no rounds. Always when absent. */
  readonly active?: () => boolean;
}

/** A job runner's state, for the REST API and health. */
export interface JobStatus {
  /** The job's name. */
  readonly job: string;
  /** The feed. */
  readonly feedId: string;
  /** The round being worked on. */
  readonly roundId: string;
  /** The leader attempt. */
  readonly attempt: number;
  /** The current leader's oracle id. */
  readonly leader: string;
  /** The latest round on chain. */
  readonly latest?: LatestRound;
  /** The last chain error, when the last read failed. */
  readonly chainError?: string;
}

/** Runs one job's rounds. */
export class JobRunner {
  readonly #d: JobRunnerDeps;
  readonly #log: Logger;
  readonly #now: () => number;
  #feed: Feed | undefined;
  #feedReadAt = 0;
  /** A read of the feed that a peer or the contract prompted, while it is under way. */
  #feedReread: Promise<unknown> | undefined;
  #me = -1;
  #roundId = 1n;
  #attempt = 0;
  /** When the leader timer last started; in the future after an idle attempt (the next poll). */
  #lastProgress = 0;
  /** The attempt each peer last said it is at in the current round (see #claim). */
  readonly #claims = new Map<string, number>();
  /** Whether the feed, the latest round and the saved attempt have been read ({@link start}). */
  #resumed = false;
  #latest: LatestRound | undefined;
  #chainError: string | undefined;
  #leading = false;
  #nextLeaderRun = 0;
  #cronDue = false;
  #nextCron = 0;
  #timer: NodeJS.Timeout | undefined;
  #transmitTimers = new Set<NodeJS.Timeout>();
  #ticking = false;
  #stopped = false;

  /**
   * @param deps - configuration, job, chain, store, metrics, logger, channel and key
   */
  constructor(deps: JobRunnerDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#log = deps.logger.child({ job: deps.job.name, feedId: deps.job.feedId });
  }

  #ctx(): RoundContext {
    return {
      config: this.#d.config,
      job: this.#d.job,
      chain: this.#d.chain,
      store: this.#d.store,
      metrics: this.#d.metrics,
      log: this.#log,
    };
  }

  /** The job. */
  get job(): JobSpec {
    return this.#d.job;
  }

  /** Where the job stands. */
  status(): JobStatus {
    return {
      job: this.#d.job.name,
      feedId: this.#d.job.feedId,
      roundId: this.#roundId.toString(),
      attempt: this.#attempt,
      leader: this.#leaderId(this.#roundId, this.#attempt) ?? '',
      ...(this.#latest === undefined ? {} : { latest: this.#latest }),
      ...(this.#chainError === undefined ? {} : { chainError: this.#chainError }),
    };
  }

  /**
   * Reads the feed and the saved position, then ticks every `tickMs`. When the chain cannot be
   * read (the peers are down while the node starts), the job starts anyway, reports the chain
   * failing on `/health`, and each tick tries again until it can resume.
   *
   * @param tickMs - how often to read the chain and check timers
   * @throws OracleNodeError `INVALID_CONFIG` when this node's oracle id is not in the feed
   */
  async start(tickMs = 1000): Promise<void> {
    try {
      await this.#resume();
    } catch (err) {
      if (err instanceof OracleNodeError) throw err;
      this.#log.log('warn', 'job.chain_unavailable', { error: err, retryEveryMs: tickMs });
    }
    this.#timer = setInterval(() => {
      void this.tick();
    }, tickMs);
  }

  /** The feed, the latest round and the saved attempt: what the job needs before it takes part. */
  async #resume(): Promise<void> {
    await this.#readFeed();
    const saved = await this.#d.store.loadJobState(this.#d.job.name);
    await this.#refreshLatest();
    if (saved !== undefined && BigInt(saved.roundId) === this.#roundId) {
      this.#attempt = saved.attempt;
      // Saved again at once: reading the latest round saved attempt 0 over it.
      await this.#save();
    }
    this.#lastProgress = this.#now();
    if (this.#d.job.type === 'cron') this.#nextCron = this.#d.job.schedule.next(this.#now());
    this.#resumed = true;
    this.#log.log('info', 'job.started', {
      roundId: this.#roundId,
      attempt: this.#attempt,
      resumedFrom: saved ?? null,
      oracleIndex: this.#me,
    });
  }

  /** Stops timers; a round in flight finishes on its own. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const t of this.#transmitTimers) clearTimeout(t);
    this.#transmitTimers.clear();
  }

  async #readFeed(): Promise<Feed> {
    let feed: Feed;
    try {
      feed = await this.#d.chain.getFeed(this.#d.job.feedId);
    } catch (err) {
      this.#chainError = err instanceof Error ? err.message : String(err);
      throw err;
    }
    const me = feed.oracles.findIndex((o) => o.id === this.#d.config.oracleId);
    if (me < 0) {
      throw new OracleNodeError({
        code: 'INVALID_CONFIG',
        field: 'oracleId',
        message: `oracle ${this.#d.config.oracleId} is not an oracle of feed ${feed.feedId} (${feed.oracles.map((o) => o.id).join(', ')})`,
      });
    }
    if (this.#feed !== undefined && this.#feed.configDigest !== feed.configDigest) {
      this.#log.log('info', 'feed.config_changed', { configDigest: feed.configDigest });
    }
    this.#feed = feed;
    this.#me = me;
    this.#feedReadAt = this.#now();
    return feed;
  }

  /**
   * Reads the feed again because a peer or the contract says its configuration changed: at most
   * once every {@link FEED_REREAD_MIN_MS}, sharing a read already under way. A failed read is
   * logged and leaves the feed as it was.
   *
   * @param why - what prompted it, for the log
   * @returns whether the feed's configuration digest changed
   */
  async #rereadFeed(why: string): Promise<boolean> {
    const before = this.#feed?.configDigest;
    if (this.#feedReread === undefined) {
      if (this.#now() - this.#feedReadAt < FEED_REREAD_MIN_MS) return false;
      this.#log.log('info', 'feed.reread', { why });
      this.#feedReread = this.#readFeed()
        .catch((err: unknown) => {
          this.#log.log('warn', 'feed.reread_failed', { error: err });
        })
        .finally(() => {
          this.#feedReread = undefined;
        });
    }
    await this.#feedReread;
    return this.#feed?.configDigest !== before;
  }

  #leaderIndex(roundId: bigint, attempt: number): number {
    const n = BigInt(this.#feed?.oracles.length ?? 1);
    return Number((roundId + BigInt(attempt)) % n);
  }

  #leaderId(roundId: bigint, attempt: number): string | undefined {
    return this.#feed?.oracles[this.#leaderIndex(roundId, attempt)]?.id;
  }

  #peer(oracleId: string): PeerSpec | undefined {
    return this.#d.config.p2p.peers.find((p) => p.oracleId === oracleId);
  }

  async #save(): Promise<void> {
    await this.#d.store.saveJobState(this.#d.job.name, {
      roundId: this.#roundId.toString(),
      attempt: this.#attempt,
    });
  }

  async #refreshLatest(): Promise<void> {
    let latest: LatestRound | undefined;
    try {
      latest = await this.#d.chain.latestRound(this.#d.job.feedId);
      this.#chainError = undefined;
    } catch (err) {
      this.#chainError = err instanceof Error ? err.message : String(err);
      throw err;
    }
    this.#latest = latest;
    if (latest !== undefined) {
      this.#d.metrics.set(
        'oracle_node_latest_round',
        { feed: this.#d.job.feedId },
        Number(latest.roundId),
      );
    }
    const next = latest === undefined ? 1n : BigInt(latest.roundId) + 1n;
    if (next > this.#roundId || this.#lastProgress === 0) {
      const moved = next !== this.#roundId;
      this.#roundId = next;
      if (moved) {
        this.#attempt = 0;
        this.#claims.clear();
        this.#cronDue = false;
        this.#lastProgress = this.#now();
        this.#nextLeaderRun = 0;
        this.#log.log('info', 'round.advanced', { roundId: next, latest: latest ?? null });
      }
      await this.#save();
    }
  }

  /**
   * Progress after an idle attempt: the same leader observes again one poll period later, so the
   * leader timer starts then (with a poll period above `progressTimeout`, every quiet poll would
   * otherwise count as a stalled leader and move the round to the next one).
   */
  #idleProgress(): void {
    const job = this.#d.job;
    this.#lastProgress = this.#now() + (job.type === 'fluxmonitor' ? job.pollTimerPeriodMs : 0);
  }

  /** One step: read the chain, move on a stalled leader, lead when it is this node's turn. */
  async tick(): Promise<void> {
    if (this.#ticking || this.#stopped) return;
    if (this.#d.active !== undefined && !this.#d.active()) {
      // A standby waits; when it takes over, the leader timer starts from then, not from before.
      this.#lastProgress = this.#now();
      return;
    }
    this.#ticking = true;
    try {
      if (!this.#resumed) {
        await this.#resume();
      } else if (this.#now() - this.#feedReadAt > 60_000) await this.#readFeed();
      await this.#refreshLatest();
      const now = this.#now();
      const job = this.#d.job;
      if (job.type === 'cron' && now >= this.#nextCron) {
        this.#cronDue = true;
        this.#nextCron = job.schedule.next(now);
      }
      const expecting = job.type === 'fluxmonitor' || this.#cronDue;
      if (!expecting) this.#lastProgress = now;
      else if (now - this.#lastProgress > this.#d.config.rounds.progressTimeoutMs) {
        const from = this.#leaderId(this.#roundId, this.#attempt);
        this.#attempt++;
        this.#lastProgress = now;
        this.#nextLeaderRun = 0;
        this.#d.metrics.inc('oracle_node_leader_changes_total', { feed: job.feedId });
        this.#log.log('warn', 'round.leader_timeout', {
          roundId: this.#roundId,
          attempt: this.#attempt,
          from,
          to: this.#leaderId(this.#roundId, this.#attempt),
        });
        await this.#save();
      }
      if (
        expecting &&
        !this.#leading &&
        now >= this.#nextLeaderRun &&
        this.#leaderIndex(this.#roundId, this.#attempt) === this.#me
      ) {
        this.#leading = true;
        this.#nextLeaderRun = now + (job.type === 'fluxmonitor' ? job.pollTimerPeriodMs : 1000);
        void this.#lead().finally(() => {
          this.#leading = false;
        });
      }
    } catch (err) {
      // Found only once the chain could be read (it could not at start): the node keeps running,
      // and /health says why it takes no part.
      if (err instanceof OracleNodeError && err.code === 'INVALID_CONFIG') {
        this.#chainError = err.message;
      }
      this.#log.log('warn', 'tick.failed', { error: err });
      await this.#d.store
        .recordError({
          component: 'chain',
          job: this.#d.job.name,
          code: errorCode(err),
          message: errorMessage(err),
        })
        .catch(() => undefined);
    } finally {
      this.#ticking = false;
    }
  }

  async #signedObservation(
    roundId: bigint,
    attempt: number,
    trigger: string,
  ): Promise<SignedObservation | undefined> {
    const feed = this.#feed;
    if (feed === undefined) return undefined;
    const value = await observeJob(this.#ctx(), feed, trigger);
    if (value === undefined) return undefined;
    return signObservation(
      {
        feedId: feed.feedId,
        roundId: roundId.toString(),
        attempt,
        configDigest: feed.configDigest,
        oracle: this.#me,
        value: value.toString(),
        observedAt: Math.floor(this.#now() / 1000),
      },
      this.#d.oracleKey,
    );
  }

  #checkObservation(o: SignedObservation, roundId: bigint, attempt: number): boolean {
    return this.#feed !== undefined && checkObservation(this.#feed, o, roundId, attempt);
  }

  /** Sends a message to every peer; each answer or failure is handed over as it arrives. */
  #broadcast(
    kind: 'observe' | 'sign' | 'final',
    body: unknown,
    onAnswer: (from: string, answer: unknown) => void,
    onError: (from: string, err: unknown) => void,
  ): Promise<void>[] {
    const feed = this.#feed;
    if (feed === undefined) return [];
    return feed.oracles
      .filter((_, i) => i !== this.#me)
      .map(async (o) => {
        const peer = this.#peer(o.id);
        if (peer === undefined) return;
        try {
          onAnswer(
            o.id,
            await this.#d.p2p.send(peer, kind, body, this.#d.config.rounds.requestTimeoutMs),
          );
        } catch (err) {
          onError(o.id, err);
        }
      });
  }

  /**
   * Notes the attempt a peer says it is at in this round (from its refusal or its request as
   * leader): one claim per peer, its highest.
   */
  #claim(from: string, attempt: number): void {
    if (attempt > (this.#claims.get(from) ?? -1)) this.#claims.set(from, attempt);
  }

  /**
   * The highest attempt that at least f+1 peers say they are at or past: at least one of them is
   * honest, so the attempt was reached by progress timeouts, not named by a faulty peer alone.
   */
  #vouchedAttempt(): number {
    const f = this.#feed?.f ?? 0;
    const claims = [...this.#claims.values()].sort((a, b) => b - a);
    return claims[f] ?? -1;
  }

  /**
   * A refusal carrying a later attempt moves this node there once f+1 peers are there; one saying
   * the feed's configuration changed has the feed read again.
   */
  #learnFrom(from: string, err: unknown): void {
    const refusal =
      err instanceof OracleNodeError
        ? (err.cause as { attempt?: unknown; roundId?: unknown; refused?: unknown } | undefined)
        : undefined;
    if (refusal?.refused === 'CONFIG_MISMATCH') {
      void this.#rereadFeed(`${from} refused this node's configuration`);
    }
    if (typeof refusal?.attempt !== 'number' || refusal.roundId !== this.#roundId.toString()) {
      return;
    }
    this.#claim(from, refusal.attempt);
    const vouched = this.#vouchedAttempt();
    if (vouched <= this.#attempt) return;
    this.#attempt = vouched;
    this.#lastProgress = this.#now();
    this.#log.log('info', 'round.attempt_adopted', {
      roundId: this.#roundId,
      attempt: this.#attempt,
    });
    // Kept across a restart like any other move; a failed save is retried with the next one.
    this.#save().catch((e: unknown) => {
      this.#log.log('warn', 'round.save_failed', { error: e });
    });
  }

  /** One attempt as leader: observe, decide, sign, transmit. */
  async #lead(): Promise<void> {
    const feed = this.#feed;
    if (feed === undefined) return;
    const roundId = this.#roundId;
    const attempt = this.#attempt;
    const started = this.#now();
    const base: ObserveRequest = {
      feedId: feed.feedId,
      roundId: roundId.toString(),
      attempt,
      configDigest: feed.configDigest,
    };
    const entry = {
      feedId: feed.feedId,
      roundId: roundId.toString(),
      attempt,
      role: 'leader' as const,
      leader: this.#d.config.oracleId,
    };
    const failed = async (why: string): Promise<void> => {
      this.#d.metrics.inc('oracle_node_rounds_total', {
        feed: feed.feedId,
        role: 'leader',
        outcome: 'failed',
      });
      this.#log.log('warn', 'round.failed', { roundId, attempt, why });
      await this.#d.store.recordRound({ ...entry, status: 'failed' });
      await this.#d.store.recordError({
        component: 'round',
        job: this.#d.job.name,
        code: 'ROUND_FAILED',
        message: `round ${roundId} attempt ${attempt}: ${why}`,
      });
    };
    try {
      this.#log.log('info', 'round.observe', { roundId, attempt });
      await this.#d.store.recordRound({ ...entry, status: 'observing' });
      const observations = await collectObservations({
        feed,
        roundId,
        attempt,
        graceMs: this.#d.config.rounds.graceMs,
        timeoutMs: this.#d.config.rounds.requestTimeoutMs + 1000,
        log: this.#log,
        unreachable: feed.oracles.filter((o, i) => i !== this.#me && this.#peer(o.id) === undefined)
          .length,
        own: () => this.#signedObservation(roundId, attempt, 'observe'),
        ask: (onAnswer, onError) => this.#broadcast('observe', base, onAnswer, onError),
        check: (o) => this.#checkObservation(o, roundId, attempt),
        learnFrom: (from, err) => {
          this.#learnFrom(from, err);
        },
      });
      this.#log.log('info', 'round.observed', {
        roundId,
        attempt,
        observations: observations.length,
      });
      if (this.#roundId !== roundId || this.#attempt !== attempt) {
        await failed('a later round or attempt began meanwhile');
        return;
      }
      if (observations.length < feed.minObservations) {
        await failed(`${observations.length} observations, ${feed.minObservations} needed`);
        return;
      }
      const answer = median(observations.map((o) => BigInt(o.value)));
      const reason = dueReason({
        job: this.#d.job,
        latest: this.#latest,
        answer,
        nowMs: this.#now(),
        cronDue: this.#cronDue,
        decimals: feed.decimals,
      });
      if (reason === undefined) {
        // Not awaited, as a report's final is not: a peer that never answers must not hold the
        // leader's next poll.
        void Promise.all(
          this.#broadcast(
            'final',
            { ...base, status: 'idle' } satisfies FinalMessage,
            () => undefined,
            () => undefined,
          ),
        );
        this.#idleProgress();
        this.#d.metrics.inc('oracle_node_rounds_total', {
          feed: feed.feedId,
          role: 'leader',
          outcome: 'idle',
        });
        await this.#d.store.recordRound({ ...entry, status: 'idle', answer: answer.toString() });
        return;
      }
      const body: ReportBody = {
        feedId: feed.feedId,
        roundId: roundId.toString(),
        observationsTimestamp: Math.max(
          Math.floor(this.#now() / 1000),
          this.#latest?.startedAt ?? 0,
        ),
        configDigest: feed.configDigest,
        observations: sortByOracle(observations).map((o) => ({ oracle: o.oracle, value: o.value })),
      };
      this.#log.log('info', 'round.sign', { roundId, attempt, reason, answer });
      // The leader is bound by the one-report-per-attempt rule too (a restart in the same attempt).
      if (!(await this.#d.store.claimSignature(signatureClaim(body, attempt)))) {
        await failed('this node already signed another report for this round and attempt');
        return;
      }
      const own = await reports.buildReport(body, [{ oracle: this.#me, key: this.#d.oracleKey }]);
      const signatures = [...own.signatures];
      const request: SignRequest = { ...base, body, observations, reason };
      const bytes = reports.encodeReport(body);
      // Done with the feed's minSignatures, which is all a report carries: a peer that holds the
      // request (a host that drops packets) would otherwise add requestTimeout to every round.
      await new Promise<void>((enough) => {
        if (signatures.length >= feed.minSignatures) enough();
        void Promise.all(
          this.#broadcast(
            'sign',
            request,
            (from, answer) => {
              const s = answer as { oracle?: unknown; signature?: unknown };
              const i = feed.oracles.findIndex((o) => o.id === from);
              const oracle = feed.oracles[i];
              if (
                s.oracle === i &&
                typeof s.signature === 'string' &&
                oracle !== undefined &&
                verifyOracleSignature(oracle.keyType, oracle.publicKey, bytes, s.signature)
              ) {
                signatures.push({ oracle: i, signature: s.signature });
                if (signatures.length >= feed.minSignatures) enough();
              } else {
                this.#log.log('warn', 'round.bad_signature', { roundId, from });
              }
            },
            (from, err) => {
              this.#learnFrom(from, err);
              this.#log.log('warn', 'round.sign_refused', { roundId, from, error: err });
            },
          ),
        ).then(() => {
          enough();
        });
      });
      if (signatures.length < feed.minSignatures) {
        await failed(`${signatures.length} signatures, ${feed.minSignatures} needed`);
        return;
      }
      // Exactly minSignatures signatures go on chain, the lowest oracle indices first, as OCR2's
      // transmit carries exactly f+1: more prove nothing the contract's threshold does not, and
      // each costs every endorser a verification and every peer the bytes.
      const report: SignedReport = {
        ...own,
        signatures: sortByOracle(signatures).slice(0, feed.minSignatures),
      };
      await this.#d.store.recordRound({
        ...entry,
        status: 'reported',
        answer: answer.toString(),
        reason,
      });
      this.#lastProgress = this.#now();
      void Promise.all(
        this.#broadcast(
          'final',
          { ...base, status: 'report', report } satisfies FinalMessage,
          () => undefined,
          () => undefined,
        ),
      );
      this.#d.metrics.inc('oracle_node_rounds_total', {
        feed: feed.feedId,
        role: 'leader',
        outcome: 'reported',
      });
      const outcome = await transmitReport(this.#ctx(), report, 'leader');
      if (
        outcome.status === 'failed' &&
        outcome.code === 'CONFIG_MISMATCH' &&
        (await this.#rereadFeed('the contract refused the report under its configuration'))
      ) {
        // The feed was reconfigured in the middle of the attempt: this node leads it again at
        // once, under the new configuration (its claim on the old one does not bind the new).
        this.#log.log('info', 'round.reconfigured', { roundId, attempt });
        this.#lastProgress = this.#now();
        this.#nextLeaderRun = 0;
      }
      if (outcome.status === 'committed') {
        this.#d.metrics.observe(
          'oracle_node_round_seconds',
          { feed: feed.feedId },
          (this.#now() - started) / 1000,
        );
      }
    } catch (err) {
      await failed(errorMessage(err)).catch(() => undefined);
    }
  }

  /** Checks a leader's message against this node's round; adopts a later attempt. */
  async #admit(from: string, m: ObserveRequest): Promise<bigint> {
    const feed = this.#feed;
    if (!this.#resumed && m.feedId === this.#d.job.feedId) {
      throw new RefusalError({
        refused: 'NOT_READY',
        message: `this node cannot read feed ${m.feedId} from the chain yet`,
      });
    }
    if (feed === undefined || m.feedId !== feed.feedId) {
      throw new RefusalError({
        refused: 'WRONG_FEED',
        message: `this job reports ${this.#d.job.feedId}`,
      });
    }
    if (typeof m.configDigest === 'string' && m.configDigest !== this.#feed?.configDigest) {
      await this.#rereadFeed(`${from} works under another configuration`);
      const mine = this.#feed?.configDigest;
      if (m.configDigest !== mine) {
        throw new RefusalError({
          refused: 'CONFIG_MISMATCH',
          message: `the leader works under feed configuration ${m.configDigest.slice(0, 64)}, this node under ${mine ?? '?'}`,
          ...(mine === undefined ? {} : { configDigest: mine }),
        });
      }
    }
    if (
      typeof m.roundId !== 'string' ||
      !/^\d{1,30}$/.test(m.roundId) ||
      !Number.isInteger(m.attempt) ||
      m.attempt < 0
    ) {
      throw new RefusalError({
        refused: 'BAD_MESSAGE',
        message: 'roundId and attempt are malformed',
      });
    }
    const roundId = BigInt(m.roundId);
    if (roundId > this.#roundId) await this.#refreshLatest();
    if (roundId !== this.#roundId) {
      throw new RefusalError({
        refused: 'ROUND_MISMATCH',
        message: `round ${m.roundId} is not the next round ${this.#roundId}`,
        roundId: this.#roundId.toString(),
        attempt: this.#attempt,
      });
    }
    this.#claim(from, m.attempt);
    if (m.attempt < this.#attempt) {
      throw new RefusalError({
        refused: 'OLD_ATTEMPT',
        message: `attempt ${m.attempt} is over; this node is at attempt ${this.#attempt}`,
        roundId: this.#roundId.toString(),
        attempt: this.#attempt,
      });
    }
    if (m.attempt > this.#attempt + 1 && m.attempt > this.#vouchedAttempt()) {
      // A leader one attempt ahead is followed (it got there by a progress timeout); further
      // ahead only when f+1 peers are there, or one faulty peer could send this node to its own
      // turn again and again.
      throw new RefusalError({
        refused: 'FAR_ATTEMPT',
        message: `attempt ${m.attempt} is more than one past this node's attempt ${this.#attempt}, and fewer than f+1 peers are there`,
        roundId: this.#roundId.toString(),
        attempt: this.#attempt,
      });
    }
    const leader = this.#leaderId(roundId, m.attempt);
    if (leader !== from) {
      throw new RefusalError({
        refused: 'NOT_LEADER',
        message: `the leader of round ${m.roundId} attempt ${m.attempt} is ${leader ?? '?'}, not ${from}`,
      });
    }
    if (m.attempt > this.#attempt) {
      this.#attempt = m.attempt;
      this.#lastProgress = this.#now();
      await this.#save();
    }
    return roundId;
  }

  /**
   * Answers a leader's request for an observation.
   *
   * @param from - the leader's oracle id (from its certificate)
   * @param m - the request
   * @returns the signed observation
   * @throws RefusalError when the request is not for this node's round and leader, or there is no observation
   */
  async onObserve(from: string, m: ObserveRequest): Promise<SignedObservation> {
    const roundId = await this.#admit(from, m);
    await this.#d.store.recordRound({
      feedId: m.feedId,
      roundId: m.roundId,
      attempt: m.attempt,
      role: 'follower',
      leader: from,
      status: 'observed',
    });
    const o = await this.#signedObservation(roundId, m.attempt, 'observe');
    if (o === undefined)
      throw new RefusalError({ refused: 'NO_OBSERVATION', message: 'too few sources answered' });
    return o;
  }

  /**
   * Signs a leader's report after checking it was built from valid signed observations.
   *
   * @param from - the leader's oracle id
   * @param m - the request
   * @returns this oracle's index and signature
   * @throws RefusalError for a report this node must not sign
   */
  async onSign(from: string, m: SignRequest): Promise<{ oracle: number; signature: string }> {
    const roundId = await this.#admit(from, m);
    const feed = this.#feed;
    if (feed === undefined) throw new RefusalError({ refused: 'WRONG_FEED', message: 'no feed' });
    const body = m.body;
    checkSignRequest(feed, m, Math.floor(this.#now() / 1000), (o) =>
      this.#checkObservation(o, roundId, m.attempt),
    );
    if (!(await this.#d.store.claimSignature(signatureClaim(body, m.attempt)))) {
      throw new RefusalError({
        refused: 'ALREADY_SIGNED',
        message: `this node signed another report for round ${m.roundId} attempt ${m.attempt} under config ${body.configDigest}`,
      });
    }
    const signature = await reports.signReport(reports.encodeReport(body), this.#d.oracleKey);
    await this.#d.store.recordRound({
      feedId: feed.feedId,
      roundId: m.roundId,
      attempt: m.attempt,
      role: 'follower',
      leader: from,
      status: 'signed',
      reason: m.reason,
      answer: median(m.observations.map((o) => BigInt(o.value))).toString(),
    });
    this.#log.log('info', 'round.signed', { roundId, attempt: m.attempt, leader: from });
    return { oracle: this.#me, signature: Buffer.from(signature).toString('base64') };
  }

  /**
   * Takes a leader's final message: progress, and for a report a transmission scheduled by rank.
   *
   * @param from - the leader's oracle id
   * @param m - the message
   * @returns an empty answer
   * @throws RefusalError when it is not from this round's leader
   */
  async onFinal(from: string, m: FinalMessage): Promise<Record<string, never>> {
    await this.#admit(from, m);
    if (m.status === 'idle') this.#idleProgress();
    else this.#lastProgress = this.#now();
    this.#d.metrics.inc('oracle_node_rounds_total', {
      feed: m.feedId,
      role: 'follower',
      outcome: m.status === 'report' ? 'reported' : 'idle',
    });
    const report = m.report;
    if (m.status !== 'report' || report === undefined || report.roundId !== m.roundId) return {};
    const n = this.#feed?.oracles.length ?? 1;
    const rank = (this.#me - this.#leaderIndex(BigInt(m.roundId), m.attempt) + n) % n;
    const t = setTimeout(() => {
      this.#transmitTimers.delete(t);
      void (async () => {
        try {
          await this.#refreshLatest();
          if (
            this.#latest !== undefined &&
            BigInt(this.#latest.roundId) >= BigInt(report.roundId)
          ) {
            this.#log.log('debug', 'transmit.not_needed', { roundId: report.roundId });
            return;
          }
          this.#log.log('warn', 'transmit.leader_late', {
            roundId: report.roundId,
            leader: from,
            rank,
          });
          await transmitReport(this.#ctx(), report, 'follower');
          await this.#refreshLatest();
        } catch (err) {
          this.#log.log('warn', 'transmit.follower_failed', { error: err });
        }
      })();
    }, rank * this.#d.config.rounds.transmitStaggerMs);
    this.#transmitTimers.add(t);
    return {};
  }
}
