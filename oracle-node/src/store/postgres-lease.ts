/**
 * The active/standby lease over PostgreSQL: one row per oracle (`node_lease`) with the holder's
 * id, an epoch (a fencing counter) and an expiry in database time. Every process of the oracle
 * runs the same statement every `renewInterval`: it takes the row when the row is free or
 * expired, or renews it when this process already holds it, in one atomic upsert (concurrent
 * callers serialise on the row lock, and the loser's WHERE sees the winner's row). A change of
 * holder raises the epoch, and a process that lost the lease and takes it again gets a new one.
 *
 * Only database time decides expiry, so no two clocks are compared. Locally the holder counts
 * itself active until `sentAt + leaseDuration` by its monotonic clock, where `sentAt` is when it
 * sent the renewing statement: the database's expiry is at least that late, so a holder that
 * cannot renew (database down, process stalled) stops acting before a standby can take over.
 */
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { Lease, LeaseState } from './lease';

/** Options of {@link newPostgresLease}. */
export interface PostgresLeaseOptions {
  /** The pool of the store's database. */
  readonly pool: Pool;
  /** The lease's name: the oracle id (one lease per oracle). */
  readonly name: string;
  /** This process's id; `<name>@<host>:<pid>` when absent. */
  readonly holderId?: string;
  /** How long a lease lasts without renewal. */
  readonly durationMs: number;
  /** How often it is renewed (or, as standby, tried); a third of the duration when absent. */
  readonly renewIntervalMs?: number;
  /** Told of every failed renewal or attempt (the database unreachable). */
  readonly onError?: (err: unknown) => void;
}

interface LeaseRow {
  holder: string;
  epoch: string;
  expires_at: Date;
}

const ACQUIRE = `
INSERT INTO node_lease (name, holder, epoch, expires_at)
VALUES ($1, $2, 1, now() + make_interval(secs => $3::double precision / 1000))
ON CONFLICT (name) DO UPDATE SET
  holder = EXCLUDED.holder,
  epoch = CASE WHEN node_lease.holder = EXCLUDED.holder AND node_lease.expires_at > now()
                 AND node_lease.epoch = $4 THEN node_lease.epoch
               ELSE node_lease.epoch + 1 END,
  expires_at = EXCLUDED.expires_at
WHERE node_lease.holder = EXCLUDED.holder OR node_lease.expires_at <= now()
RETURNING holder, epoch, expires_at`;

class PostgresLeaseImpl implements PostgresLease {
  readonly #pool: Pool;
  readonly #name: string;
  readonly #holder: string;
  readonly #durationMs: number;
  readonly #renewMs: number;
  readonly #onError: (err: unknown) => void;
  readonly #listeners: ((state: LeaseState) => void)[] = [];
  #seen: { holder: string; epoch: number; expiresAt: string } | undefined;
  #epoch: number | undefined;
  /** Monotonic ms until which this process may act. */
  #deadline = 0;
  #role: 'active' | 'standby' = 'standby';
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(o: Readonly<PostgresLeaseOptions>) {
    this.#pool = o.pool;
    this.#name = o.name;
    this.#holder = o.holderId ?? `${o.name}@${hostname()}:${process.pid}`;
    this.#durationMs = o.durationMs;
    this.#renewMs = o.renewIntervalMs ?? Math.max(1, Math.floor(o.durationMs / 3));
    this.#onError = o.onError ?? (() => undefined);
  }

  get holderId(): string {
    return this.#holder;
  }

  state(): LeaseState {
    this.#checkExpiry();
    return {
      store: 'postgres',
      role: this.#role,
      holder: this.#seen?.holder ?? null,
      epoch: this.#seen?.epoch ?? null,
      expiresAt: this.#seen?.expiresAt ?? null,
    };
  }

  isActive(): boolean {
    this.#checkExpiry();
    return this.#role === 'active';
  }

  activeEpoch(): number | undefined {
    return this.isActive() ? this.#epoch : undefined;
  }

  onChange(listener: (state: LeaseState) => void): void {
    this.#listeners.push(listener);
  }

  async start(): Promise<void> {
    this.#stopped = false;
    await this.renew();
    this.#timer = setInterval(() => {
      void this.renew();
    }, this.#renewMs);
  }

  /** One attempt to take or renew the lease; never throws (failures go to `onError`). */
  renew(): Promise<void> {
    this.#running ??= this.#renewOnce().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #renewOnce(): Promise<void> {
    if (this.#stopped) return;
    const sentAt = performance.now();
    try {
      const taken = await this.#pool.query<LeaseRow>(ACQUIRE, [
        this.#name,
        this.#holder,
        this.#durationMs,
        this.#epoch ?? -1,
      ]);
      const row =
        taken.rows[0] ??
        (
          await this.#pool.query<LeaseRow>(
            'SELECT holder, epoch, expires_at FROM node_lease WHERE name = $1',
            [this.#name],
          )
        ).rows[0];
      if (row !== undefined) {
        this.#seen = {
          holder: row.holder,
          epoch: Number(row.epoch),
          expiresAt: row.expires_at.toISOString(),
        };
      }
      if (taken.rows[0] !== undefined) {
        this.#epoch = Number(taken.rows[0].epoch);
        this.#deadline = sentAt + this.#durationMs;
        this.#setRole('active');
      } else {
        this.#epoch = undefined;
        this.#deadline = 0;
        this.#setRole('standby');
      }
    } catch (err) {
      this.#checkExpiry();
      this.#onError(err);
    }
  }

  #checkExpiry(): void {
    if (this.#role === 'active' && performance.now() >= this.#deadline) {
      this.#epoch = undefined;
      this.#setRole('standby');
    }
  }

  #setRole(role: 'active' | 'standby'): void {
    if (role === this.#role) return;
    this.#role = role;
    const s = this.state();
    for (const l of this.#listeners) l(s);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#running;
    const epoch = this.#epoch;
    if (this.#role === 'active' && epoch !== undefined) {
      this.#deadline = 0;
      this.#epoch = undefined;
      this.#setRole('standby');
      // Give it up so a standby need not wait for the expiry; a failure only costs that wait.
      await this.#pool
        .query(
          'UPDATE node_lease SET expires_at = now() WHERE name = $1 AND holder = $2 AND epoch = $3',
          [this.#name, this.#holder, epoch],
        )
        .catch(() => undefined);
    }
  }
}

/** The PostgreSQL lease, with the id of the process holding it. */
export interface PostgresLease extends Lease {
  /** This process's holder id. */
  readonly holderId: string;
  /** One attempt to take or renew the lease now (the timer does it every renewal interval). */
  renew(): Promise<void>;
}

/**
 * Makes the lease of an oracle over its PostgreSQL store (the `node_lease` table must exist: the
 * store's migrations create it).
 *
 * @param options - pool, name, holder id, duration and renewal interval
 * @returns the lease, not started
 */
export function newPostgresLease(options: Readonly<PostgresLeaseOptions>): PostgresLease {
  return new PostgresLeaseImpl(options);
}
