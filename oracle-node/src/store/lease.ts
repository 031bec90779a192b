/**
 * The active/standby lease as the rest of the node sees it. Only the lease holder runs jobs,
 * answers round messages and signs; a node on its own SQLite file is always the holder (`single`).
 * The PostgreSQL store keeps the real lease (postgres-lease.ts); this module holds the shared
 * shape, the always-active lease of the SQLite store, and the signer wrapper that refuses to sign
 * when the lease is not held at the moment of signing.
 */
import type { Signer } from '@oracle-consortium/gateway';
import { OracleNodeError } from '../errors';

/** This process's part. */
export type LeaseRole = 'active' | 'standby' | 'single';

/** The lease as `GET /v1/lease` answers it (the operator console reads exactly this shape). */
export interface LeaseState {
  /** The store kind. */
  readonly store: 'postgres' | 'sqlite';
  /** `active` (holds the lease), `standby` (does not), `single` (no lease: SQLite). */
  readonly role: LeaseRole;
  /** The holder's id as the database last showed it; null for SQLite or before the first read. */
  readonly holder: string | null;
  /** The holder's epoch (fencing counter, raised on every change of holder); null for SQLite. */
  readonly epoch: number | null;
  /** When the holder's lease expires (database time, ISO 8601); null for SQLite. */
  readonly expiresAt: string | null;
}

/** The lease. */
export interface Lease {
  /** The state for the API, health and metrics. */
  state(): LeaseState;
  /**
   * Whether this process may act and sign now: it holds the lease and, by its own monotonic
   * clock, the lease cannot have expired yet (so a node cut off from the database stops in time).
   */
  isActive(): boolean;
  /** The epoch this process holds, when it is active. */
  activeEpoch(): number | undefined;
  /** Calls `listener` after every change of role. */
  onChange(listener: (state: LeaseState) => void): void;
  /** Takes the lease when it is free and keeps renewing it (or keeps trying, as standby). */
  start(): Promise<void>;
  /** Stops renewing and gives the lease up, so a standby can take over without waiting. */
  stop(): Promise<void>;
}

/**
 * The lease of a node without a shared database: always active, nothing to renew.
 *
 * @returns the lease
 */
export function newSingleLease(): Lease {
  return {
    state: () => ({ store: 'sqlite', role: 'single', holder: null, epoch: null, expiresAt: null }),
    isActive: () => true,
    activeEpoch: () => undefined,
    onChange: () => undefined,
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
}

/**
 * Wraps the oracle key so that it signs only while the lease is held: the last check before a
 * signature leaves the process, whatever path asked for it.
 *
 * @param key - the oracle key
 * @param lease - the lease
 * @returns a signer with the key's public key that throws when the lease is not held
 * @throws OracleNodeError `LEASE_LOST` from `sign` when this process does not hold the lease
 */
export function newFencedSigner(key: Signer, lease: Lease): Signer {
  return {
    keyReference: key.keyReference,
    algorithm: key.algorithm,
    publicKey: () => key.publicKey(),
    sign: async (digest: Uint8Array) => {
      if (!lease.isActive()) throw leaseLost('signing');
      const signature = await key.sign(digest);
      // A renewal may have failed while the key worked (a KMS round trip): check again.
      if (!lease.isActive()) throw leaseLost('signing');
      return signature;
    },
    close: () => key.close(),
  };
}

/**
 * The error of an action refused because this process does not hold the lease.
 *
 * @param what - the action
 * @returns the error
 */
export function leaseLost(what: string): OracleNodeError {
  return new OracleNodeError({
    code: 'LEASE_LOST',
    message: `${what} refused: this process does not hold the active lease`,
  });
}
