/**
 * The node's one error class. Every failure the node reports (a bad configuration or job spec, a
 * source that timed out or answered garbage, a peer that refused a round message, the store) is
 * an `OracleNodeError` with a literal `code`, so callers and tests `switch (err.code)` and read the
 * offending `field` or `source` without parsing messages.
 */

/** Every code an {@link OracleNodeError} can carry. */
export type OracleNodeErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_JOB'
  | 'SOURCE_TIMEOUT'
  | 'SOURCE_UNAVAILABLE'
  | 'SOURCE_ERROR'
  | 'BAD_ANSWER'
  | 'NO_ANSWERS'
  | 'STORE_FAILED'
  | 'PEER_REFUSED'
  | 'PEER_UNAVAILABLE'
  | 'BAD_MESSAGE'
  | 'LEASE_LOST';

/** What an {@link OracleNodeError} is built from. */
export interface OracleNodeErrorProperties {
  /** Stable, machine-readable code. */
  readonly code: OracleNodeErrorCode;
  /** Explanation naming the field, source or peer at fault. */
  readonly message: string;
  /** The configuration field at fault (`jobs[0].threshold`), for `INVALID_CONFIG`/`INVALID_JOB`. */
  readonly field?: string;
  /** The source (bridge name) at fault, for source errors. */
  readonly source?: string;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * An error of the oracle node.
 *
 * @example
 * ```ts
 * try { await loadConfig('node.toml'); }
 * catch (err) {
 *   if (err instanceof OracleNodeError && err.code === 'INVALID_JOB') console.error(err.field);
 * }
 * ```
 */
export class OracleNodeError extends Error {
  /** Always `OracleNodeError`. */
  override name = 'OracleNodeError';
  /** Stable, machine-readable code. */
  readonly code: OracleNodeErrorCode;
  /** The configuration field at fault, when there is one. */
  readonly field: string | undefined;
  /** The source at fault, when there is one. */
  readonly source: string | undefined;

  /**
   * @param properties - code, message and the field or source at fault
   */
  constructor(properties: Readonly<OracleNodeErrorProperties>) {
    super(properties.message, { cause: properties.cause });
    this.code = properties.code;
    this.field = properties.field;
    this.source = properties.source;
  }
}
