/**
 * The probe loop the console's monitors share (the network's nodes, the oracle nodes): read a
 * snapshot now and then, one read at a time, keep the latest, and tell listeners when it changed.
 * The next read is scheduled when the previous one ends, so a slow network never stacks reads.
 */

/** Options of {@link newPoller}. */
export interface PollerOptions<S> {
  /** Reads one snapshot; a rejection skips the round (the last snapshot stays). */
  readonly read: () => Promise<S>;
  /** What of a snapshot counts as a change (without its timestamp, say). */
  readonly comparable: (snapshot: S) => string;
  /** Pause between the end of one read and the start of the next, in ms. */
  readonly intervalMs: number;
}

/** A snapshot read at an interval. */
export interface Poller<S> {
  /** The latest snapshot, or a read now when there is none yet. */
  snapshot(): Promise<S>;
  /** Calls the listener with every snapshot that differs from the one before; returns its removal. */
  onChange(listener: (snapshot: S) => void): () => void;
  /** Reads now and then at the interval until {@link Poller.stop}; a second call does nothing. */
  start(): void;
  /** Ends the reading; a read under way finishes. */
  stop(): void;
}

class PollerImpl<S> implements Poller<S> {
  readonly #options: Readonly<PollerOptions<S>>;
  readonly #listeners = new Set<(s: S) => void>();
  #latest: S | undefined;
  #inFlight: Promise<S> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(options: Readonly<PollerOptions<S>>) {
    this.#options = options;
  }

  async snapshot(): Promise<S> {
    return this.#latest ?? (await this.#poll());
  }

  onChange(listener: (snapshot: S) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const tick = (): void => {
      void this.#poll()
        .catch(() => undefined)
        .finally(() => {
          if (this.#running) this.#timer = setTimeout(tick, this.#options.intervalMs);
        });
    };
    tick();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // One read at a time: a caller arriving while one runs shares its result.
  #poll(): Promise<S> {
    this.#inFlight ??= this.#readAndNotify().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #readAndNotify(): Promise<S> {
    const snapshot = await this.#options.read();
    const { comparable } = this.#options;
    const changed = this.#latest === undefined || comparable(this.#latest) !== comparable(snapshot);
    this.#latest = snapshot;
    if (changed) for (const listener of this.#listeners) listener(snapshot);
    return snapshot;
  }
}

/**
 * A poller of one kind of snapshot.
 *
 * @param options - how to read and compare a snapshot, and the pause between reads
 * @returns the poller; nothing is read until `snapshot()` or `start()`
 */
export function newPoller<S>(options: Readonly<PollerOptions<S>>): Poller<S> {
  return new PollerImpl(options);
}
