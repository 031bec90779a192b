/**
 * The peers a connection can use and the health of each. A peer's health is one state, not a count
 * of calls: healthy, or suspect until a time. Calls that were already in flight when a peer failed
 * belong to the same failure epoch and add nothing; only a call started after the peer became
 * suspect (the one probe let through when its backoff runs out, or a last-resort call) can add a
 * backoff step. So 32 concurrent calls failing on a restarting peer cost one step, not 32.
 */
import type { PeerStatus } from './options';
import type { PeerConfig } from './network-config';
import type { Transport } from './transport';

/** A peer and its transport, as the pool hands it out. */
export interface PoolPeer {
  /** The peer's configuration. */
  readonly config: PeerConfig;
  /** The wire to it. */
  readonly transport: Transport;
  /** Whether the peer belongs to another member: used only when none of the member's own can be. */
  readonly foreign: boolean;
}

/** Backoff settings of a pool. */
export interface PoolOptions {
  /** First backoff after a failure. */
  readonly initialBackoffMs: number;
  /** Longest backoff. */
  readonly maxBackoffMs: number;
  /** Clock, for tests; `Date.now` unless stated. */
  readonly now?: () => number;
}

/** What {@link PeerPool.pick} may return. */
export interface PickOptions {
  /** Peers already tried by this call. */
  readonly exclude?: ReadonlySet<PoolPeer>;
  /** A peer to use only when no other is usable (to send a resend along another path). */
  readonly avoid?: PoolPeer;
  /** Whether other members' peers may be used as a last resort; true unless stated. */
  readonly foreign?: boolean;
}

class Member implements PoolPeer {
  readonly config: PeerConfig;
  readonly transport: Transport;
  readonly foreign: boolean;
  suspect = false;
  /** When the current failure epoch began. */
  since = 0;
  /** End of the current backoff. */
  until = 0;
  /** Failure epochs since the last success. */
  steps = 0;
  /** Whether the one probe of a suspect peer is in flight. */
  probing = false;
  /** When the current probe was handed out. */
  probeSince = 0;

  constructor(config: PeerConfig, transport: Transport, foreign: boolean) {
    this.config = config;
    this.transport = transport;
    this.foreign = foreign;
  }
}

/** Peers in preference order with one health state each. */
export class PeerPool {
  readonly #members: Member[];
  readonly #options: PoolOptions;
  readonly #now: () => number;

  /**
   * @param peers - peers in preference order, each with its transport
   * @param ownMspId - the client's member; peers of other members come after all of its own
   * @param options - backoff settings
   */
  constructor(
    peers: readonly { config: PeerConfig; transport: Transport }[],
    ownMspId: string,
    options: Readonly<PoolOptions>,
  ) {
    this.#members = peers.map(
      (p) => new Member(p.config, p.transport, p.config.mspId !== ownMspId),
    );
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Every peer, in configured order. */
  get all(): readonly PoolPeer[] {
    return this.#members;
  }

  /**
   * The peer the next call should use, or undefined when every allowed peer was tried. Order: the
   * member's own peers in configured order, each when healthy or when its backoff ran out and no
   * probe of it is in flight; then other members' peers the same way; then, as a last resort,
   * suspect peers still backing off (soonest first): a slow retry is better than a certain failure.
   *
   * @param options - peers to skip or avoid, and whether other members' peers may be used
   * @returns the peer, marked as probing when it is a suspect one
   */
  pick(options: Readonly<PickOptions> = {}): PoolPeer | undefined {
    const now = this.#now();
    const usable = this.#members.filter(
      (m) => !(options.exclude?.has(m) ?? false) && (options.foreign !== false || !m.foreign),
    );
    const preferred = usable.filter((m) => m !== options.avoid);
    // A suspect peer whose backoff ran out takes its place in the order again, for one call at a
    // time: that call is the probe that returns a restarted peer to service.
    const ready = (m: Member) => !m.suspect || (!m.probing && m.until <= now);
    for (const pool of [preferred, usable]) {
      for (const foreign of [false, true]) {
        const found = pool.find((m) => m.foreign === foreign && ready(m));
        if (found !== undefined) {
          if (found.suspect) {
            found.probing = true;
            found.probeSince = now;
          }
          return found;
        }
      }
    }
    const waiting = [...usable].sort((a, b) => a.until - b.until)[0];
    if (waiting !== undefined) {
      waiting.probing = true;
      waiting.probeSince = now;
    }
    return waiting;
  }

  /**
   * Records that a peer answered (any answer, even a refusal, shows it is alive).
   *
   * @param peer - the peer
   */
  succeeded(peer: PoolPeer): void {
    const m = this.#member(peer);
    m.suspect = false;
    m.probing = false;
    m.steps = 0;
    m.until = 0;
  }

  /**
   * Records that a call to a peer failed because of the peer (unreachable, stalled, TLS).
   *
   * @param peer - the peer
   * @param startedAt - when the failed call began; calls begun before the current failure epoch
   *   add nothing
   */
  failed(peer: PoolPeer, startedAt: number): void {
    const m = this.#member(peer);
    const now = this.#now();
    if (m.suspect && startedAt <= m.since) {
      return;
    }
    m.steps = m.suspect ? m.steps + 1 : 1;
    m.suspect = true;
    m.probing = false;
    m.since = now;
    m.until =
      now +
      Math.min(this.#options.initialBackoffMs * 2 ** (m.steps - 1), this.#options.maxBackoffMs);
  }

  /**
   * Ends a call that proved nothing about the peer (a commit-status window that ran out: the
   * transaction may just not be committed yet), so the probe slot it held is free again. Calls
   * begun before the current probe was handed out never held the slot and free nothing.
   *
   * @param peer - the peer
   * @param startedAt - when the call began
   */
  released(peer: PoolPeer, startedAt: number): void {
    const m = this.#member(peer);
    if (startedAt >= m.probeSince) m.probing = false;
  }

  /** @returns the health of each peer, in preference order */
  status(): PeerStatus[] {
    const now = this.#now();
    const rank = (m: Member) => (m.suspect ? 2 : m.foreign ? 1 : 0);
    return [...this.#members]
      .sort((a, b) => rank(a) - rank(b) || (a.suspect ? a.until - b.until : 0))
      .map((m) => ({
        name: m.config.name,
        endpoint: m.transport.endpoint,
        mspId: m.config.mspId,
        state: m.suspect ? 'suspect' : 'healthy',
        failures: m.steps,
        backingOff: m.suspect && m.until > now,
      }));
  }

  #member(peer: PoolPeer): Member {
    if (!(peer instanceof Member) || !this.#members.includes(peer)) {
      throw new Error('peer does not belong to this pool');
    }
    return peer;
  }
}
