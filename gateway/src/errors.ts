/**
 * One error hierarchy for everything the library throws. Raw gRPC, fabric-gateway, KMS, PKCS#11
 * and HTTP errors are translated once, where they enter the library, so callers can
 * `switch (err.code)` and read the transaction id and per-peer details without knowing which
 * layer failed.
 *
 * Over 400 lines on purpose: the classes, their code unions and the one translation boundary
 * (`translateError`) read as one table; split across files, a reader would have to collect
 * the hierarchy from several places to see which code a `switch` can meet.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';

/** Every code a {@link ConsortiumError} can carry. */
export type ErrorCode =
  | ConfigErrorCode
  | InputErrorCode
  | ConnectionErrorCode
  | SignerErrorCode
  | CaErrorCode
  | TransactionErrorCode
  | ContractErrorCode
  | OrdererErrorCode
  | GovernanceErrorCode;

/** Codes of {@link ConfigError}. */
export type ConfigErrorCode = 'INVALID_CONFIG';
/** Codes of {@link InputError}. */
export type InputErrorCode = 'INVALID_INPUT';
/** Codes of {@link ConnectionError}. */
export type ConnectionErrorCode = 'UNAVAILABLE' | 'TIMEOUT' | 'TLS_ERROR' | 'CLOSED';
/** Codes of {@link SignerError}. */
export type SignerErrorCode = 'SIGNER_UNAVAILABLE' | 'SIGNER_FAILED' | 'KEY_NOT_FOUND';
/** Codes of {@link CaError}. */
export type CaErrorCode = 'CA_UNAVAILABLE' | 'CA_REJECTED';
/**
 * Codes of {@link TransactionError}. `RESULT_UNREADABLE`: the transaction committed (its id is on
 * the error) but a typed client could not read what it returned, e.g. a chaincode name that
 * points at another chaincode; it must not be submitted again.
 */
export type TransactionErrorCode =
  | 'EVALUATE_FAILED'
  | 'ENDORSE_FAILED'
  | 'SUBMIT_FAILED'
  | 'COMMIT_FAILED'
  | 'COMMIT_STATUS_UNKNOWN'
  | 'RESULT_UNREADABLE'
  | 'ACCESS_DENIED'
  | 'EVENTS_FAILED';
/** Codes of {@link ContractError}. */
export type ContractErrorCode = 'CONTRACT_ERROR';
/** Codes of {@link OrdererError}. */
export type OrdererErrorCode = 'ORDERER_REFUSED';
/**
 * Codes of {@link GovernanceError}: why a channel configuration change could not be built, signed
 * or applied.
 */
export type GovernanceErrorCode =
  | 'CONFIG_POLICY_NOT_SATISFIED'
  | 'STALE_CONFIG'
  | 'CONFIG_UPDATE_INVALID'
  | 'CHANGE_ALREADY_IN_CONFIG'
  | 'CONFIG_NOT_APPLIED'
  | 'CONFIGTXLATOR_FAILED';

/** What one peer or orderer said about a failed request. */
export interface PeerErrorDetail {
  /** Address of the node, as the gateway peer reports it. */
  readonly address: string;
  /** MSP of the node. */
  readonly mspId: string;
  /** The node's own error message. */
  readonly message: string;
}

/** Properties every error of the hierarchy is built from. */
export interface ErrorProperties<C extends ErrorCode = ErrorCode> {
  /** Stable, machine-readable code. */
  readonly code: C;
  /** Human-readable explanation naming the offending endpoint, key or input. */
  readonly message: string;
  /** The underlying error, when there is one. */
  readonly cause?: unknown;
  /** Id of the transaction the error concerns, when there is one. */
  readonly transactionId?: string;
  /** Per-peer errors reported by the gateway peer. */
  readonly details?: readonly PeerErrorDetail[];
}

/**
 * Base of every error the library throws.
 *
 * @example
 * ```ts
 * try { await feeds.getFeed('eth-usd'); }
 * catch (err) {
 *   if (err instanceof ContractError && err.chaincodeCode === 'FEED_NOT_FOUND') { ... }
 * }
 * ```
 */
export class ConsortiumError<C extends ErrorCode = ErrorCode> extends Error {
  /** Always `ConsortiumError`. */
  override name = 'ConsortiumError';
  /** Stable, machine-readable code; narrow with `switch (err.code)`. */
  readonly code: C;
  /** Id of the transaction the error concerns, when there is one. */
  readonly transactionId: string | undefined;
  /** Per-peer errors reported by the gateway peer; empty when there are none. */
  readonly details: readonly PeerErrorDetail[];

  /**
   * @param properties - code, message and optional cause, transaction id and details
   */
  constructor(properties: Readonly<ErrorProperties<C>>) {
    super(properties.message, { cause: properties.cause });
    this.code = properties.code;
    this.transactionId = properties.transactionId;
    this.details = properties.details ?? [];
  }
}

/** The configuration (network description, connection profile, options) is unusable. */
export class ConfigError extends ConsortiumError<ConfigErrorCode> {
  /** Always `ConfigError`. */
  override name = 'ConfigError';
}

/**
 * An argument cannot be encoded as the contract expects (a report field outside the canonical
 * encoding, a malformed id); raised before anything is sent.
 */
export class InputError extends ConsortiumError<InputErrorCode> {
  /** Always `InputError`. */
  override name = 'InputError';
}

/** No usable connection to a peer: unreachable, TLS failure, deadline or closed by the caller. */
export class ConnectionError extends ConsortiumError<ConnectionErrorCode> {
  /** Always `ConnectionError`. */
  override name = 'ConnectionError';
  /** The endpoint (host:port) or endpoints the failure concerns. */
  readonly endpoint: string;

  /**
   * @param properties - error properties plus the endpoint concerned
   */
  constructor(properties: Readonly<ErrorProperties<ConnectionErrorCode> & { endpoint: string }>) {
    super(properties);
    this.endpoint = properties.endpoint;
  }
}

/** A signer could not produce a signature: KMS unreachable, key missing, HSM failure. */
export class SignerError extends ConsortiumError<SignerErrorCode> {
  /** Always `SignerError`. */
  override name = 'SignerError';
}

/** The Fabric CA was unreachable or refused a request. */
export class CaError extends ConsortiumError<CaErrorCode> {
  /** Always `CaError`. */
  override name = 'CaError';
  /** HTTP status of the CA's answer, when there was one. */
  readonly httpStatus: number | undefined;
  /** The CA's own error entries (`{code, message}`), when it sent any. */
  readonly caErrors: readonly {
    /** The CA's numeric error code. */
    readonly code: number;
    /** The CA's message. */
    readonly message: string;
  }[];

  /**
   * @param properties - error properties plus the CA's HTTP status and error entries
   */
  constructor(
    properties: Readonly<
      ErrorProperties<CaErrorCode> & {
        httpStatus?: number;
        caErrors?: readonly { code: number; message: string }[];
      }
    >,
  ) {
    super(properties);
    this.httpStatus = properties.httpStatus;
    this.caErrors = properties.caErrors ?? [];
  }
}

/** A transaction failed outside the chaincode: endorsement, ordering, validation or access. */
export class TransactionError extends ConsortiumError<TransactionErrorCode> {
  /** Always `TransactionError`. */
  override name = 'TransactionError';
  /** Fabric validation code name (e.g. `MVCC_READ_CONFLICT`) when the code is `COMMIT_FAILED`. */
  readonly validationCode: string | undefined;
  /** gRPC status code of the underlying call, when there was one. */
  readonly grpcStatus: number | undefined;

  /**
   * @param properties - error properties plus validation code and gRPC status
   */
  constructor(
    properties: Readonly<
      ErrorProperties<TransactionErrorCode> & { validationCode?: string; grpcStatus?: number }
    >,
  ) {
    super(properties);
    this.validationCode = properties.validationCode;
    this.grpcStatus = properties.grpcStatus;
  }
}

/**
 * The chaincode rejected the transaction with a coded error (`[FEED_NOT_FOUND] ...`).
 *
 * @typeParam K - the contract's own code union, for typed clients
 */
export class ContractError<K extends string = string> extends ConsortiumError<ContractErrorCode> {
  /** Always `ContractError`. */
  override name = 'ContractError';
  /** The chaincode's code, e.g. `FEED_NOT_FOUND`. */
  readonly chaincodeCode: K;
  /** The chaincode's message without the code prefix. */
  readonly chaincodeMessage: string;

  /**
   * @param properties - error properties plus the chaincode's code and message
   */
  constructor(
    properties: Readonly<
      Omit<ErrorProperties<ContractErrorCode>, 'code'> & {
        chaincodeCode: K;
        chaincodeMessage: string;
      }
    >,
  ) {
    super({ ...properties, code: 'CONTRACT_ERROR' });
    this.chaincodeCode = properties.chaincodeCode;
    this.chaincodeMessage = properties.chaincodeMessage;
  }
}

/**
 * An orderer answered a broadcast with a status other than SUCCESS that another orderer would
 * answer alike (BAD_REQUEST, FORBIDDEN, NOT_FOUND, ...): the request, not the node, is at fault,
 * so it is not sent again.
 */
export class OrdererError extends ConsortiumError<OrdererErrorCode> {
  /** Always `OrdererError`. */
  override name = 'OrdererError';
  /** The orderer's status, a `common.Status` value such as 400. */
  readonly status: number;
  /** The status's protobuf name, such as `BAD_REQUEST`. */
  readonly statusName: string;
  /** The orderer's own explanation (`BroadcastResponse.info`). */
  readonly info: string;
  /** The orderer (host:port) that answered. */
  readonly endpoint: string;

  /**
   * @param properties - error properties plus the orderer's status, info and endpoint
   */
  constructor(
    properties: Readonly<
      ErrorProperties<OrdererErrorCode> & {
        status: number;
        statusName: string;
        info: string;
        endpoint: string;
      }
    >,
  ) {
    super(properties);
    this.status = properties.status;
    this.statusName = properties.statusName;
    this.info = properties.info;
    this.endpoint = properties.endpoint;
  }
}

/**
 * A channel configuration change could not be built or applied: the orderer found its signatures
 * short of the policy, the config moved under it, configtxlator failed, or the new config did not
 * arrive in time.
 */
export class GovernanceError extends ConsortiumError<GovernanceErrorCode> {
  /** Always `GovernanceError`. */
  override name = 'GovernanceError';
  /** With `CONFIG_POLICY_NOT_SATISFIED`: the config element whose policy failed (`/Channel/Application`). */
  readonly policyPath: string | undefined;
  /** The channel config sequence the update was built on, when known. */
  readonly baseSequence: bigint | undefined;
  /** The channel config sequence last seen, when known. */
  readonly currentSequence: bigint | undefined;

  /**
   * @param properties - error properties plus the policy path and sequences concerned
   */
  constructor(
    properties: Readonly<
      ErrorProperties<GovernanceErrorCode> & {
        policyPath?: string;
        baseSequence?: bigint;
        currentSequence?: bigint;
      }
    >,
  ) {
    super(properties);
    this.policyPath = properties.policyPath;
    this.baseSequence = properties.baseSequence;
    this.currentSequence = properties.currentSequence;
  }
}

/** The pattern chaincode messages carry their code in. */
export const CHAINCODE_ERROR_PATTERN = /\[([A-Z][A-Z0-9_]*)\]\s*([^\n]*)/;

/** Which library operation an error arose in; decides the code of untyped failures. */
export type Operation = 'evaluate' | 'endorse' | 'submit' | 'commitStatus' | 'events';

interface GatewayLikeError {
  name: string;
  message: string;
  code?: unknown;
  details?: unknown;
  transactionId?: unknown;
}

function isGatewayLike(err: unknown): err is GatewayLikeError {
  return err instanceof Error;
}

function readDetails(value: unknown): PeerErrorDetail[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.flatMap((d: unknown) => {
    if (d !== null && typeof d === 'object') {
      const { address, mspId, message } = d as Record<string, unknown>;
      return [
        {
          address: typeof address === 'string' ? address : '',
          mspId: typeof mspId === 'string' ? mspId : '',
          message: typeof message === 'string' ? message : '',
        },
      ];
    }
    return [];
  });
}

const OPERATION_CODE: Record<Operation, TransactionErrorCode> = {
  evaluate: 'EVALUATE_FAILED',
  endorse: 'ENDORSE_FAILED',
  submit: 'SUBMIT_FAILED',
  commitStatus: 'COMMIT_STATUS_UNKNOWN',
  events: 'EVENTS_FAILED',
};

/** The gateway's answer when named endorsing organisations have no peers in its view. */
const NO_ENDORSERS = /failed to find any endorsing peers for org\(s\): ([^\n;)]+)/;
/** The gateway's answer when discovery finds no peer set satisfying the endorsement policy. */
const NO_ENDORSEMENT_PLAN =
  /no combination of peers can be derived which satisfy the endorsement policy/;

/**
 * Whether a transaction was invalidated because a write committed after it read (Fabric's
 * `MVCC_READ_CONFLICT` or `PHANTOM_READ_CONFLICT`): nothing of it was committed, and the same
 * request, endorsed again on fresh state, may succeed. Other `COMMIT_FAILED` codes (an unmet
 * endorsement policy, a bad signature) are not: retrying them gets the same answer.
 *
 * @param err - anything caught from a submit
 * @returns true for a `TransactionError` `COMMIT_FAILED` with one of those two validation codes
 * @example
 * ```ts
 * try {
 *   await feeds.submitReport(report);
 * } catch (err) {
 *   if (!isReadConflict(err)) throw err;
 *   // another report for the feed committed first: read the latest round and decide again
 * }
 * ```
 */
export function isReadConflict(err: unknown): err is TransactionError {
  return (
    err instanceof TransactionError &&
    err.code === 'COMMIT_FAILED' &&
    (err.validationCode === 'MVCC_READ_CONFLICT' || err.validationCode === 'PHANTOM_READ_CONFLICT')
  );
}

/** Whether a gRPC status means "try another peer": the peer, not the request, is at fault. */
export function isRetryableStatus(code: unknown): boolean {
  return code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED;
}

/**
 * Translates anything thrown by fabric-gateway or gRPC into the hierarchy. The single boundary
 * where raw errors become typed ones.
 *
 * @param err - what was caught
 * @param context - the operation, endpoint and transaction id known to the caller
 * @returns a typed error; `err` itself when it already is one
 */
export function translateError(
  err: unknown,
  context: Readonly<{ operation: Operation; endpoint: string; transactionId?: string }>,
): ConsortiumError {
  if (err instanceof ConsortiumError) {
    return err as ConsortiumError;
  }
  if (!isGatewayLike(err)) {
    return new TransactionError({
      code: OPERATION_CODE[context.operation],
      message: `${context.operation} via ${context.endpoint} failed: ${String(err)}`,
      cause: err,
      transactionId: context.transactionId,
    });
  }
  const details = readDetails(err.details);
  const transactionId =
    typeof err.transactionId === 'string' ? err.transactionId : context.transactionId;
  const grpcStatus = typeof err.code === 'number' ? err.code : undefined;

  for (const text of [err.message, ...details.map((d) => d.message)]) {
    const match = CHAINCODE_ERROR_PATTERN.exec(text);
    if (match?.[1] !== undefined) {
      return new ContractError({
        message: `[${match[1]}] ${match[2] ?? ''}`.trim(),
        chaincodeCode: match[1],
        chaincodeMessage: (match[2] ?? '').trim(),
        cause: err,
        transactionId,
        details,
      });
    }
  }

  if (err.name === 'CommitError') {
    const validationCode = typeof err.code === 'number' ? validationCodeName(err.code) : 'UNKNOWN';
    return new TransactionError({
      code: 'COMMIT_FAILED',
      message: `transaction ${transactionId ?? ''} failed validation with ${validationCode}`,
      cause: err,
      transactionId,
      validationCode,
    });
  }

  // The gateway answers UNAVAILABLE when its endorsement plan finds no peers, but the plan comes
  // from the channel's membership as gossip sees it, the same at every gateway peer: an
  // organisation that left the channel (or never joined it) has no endorsing peers anywhere, so
  // trying the member's next peer cannot help. Told apart from a peer fault here, once.
  const plan = [err.message, ...details.map((d) => d.message)].join('\n');
  const noEndorsers = NO_ENDORSERS.exec(plan);
  if (noEndorsers !== null || NO_ENDORSEMENT_PLAN.test(plan)) {
    const orgs = noEndorsers?.[1]?.trim();
    return new TransactionError({
      code: OPERATION_CODE[context.operation],
      message:
        orgs !== undefined
          ? `${context.operation} via ${context.endpoint} refused: no peer of the channel endorses for ${orgs}; the organisation is not (or no longer) in the channel, or none of its peers runs the chaincode. Every gateway peer answers alike, so it is not retried (${err.message})`
          : `${context.operation} via ${context.endpoint} refused: no set of the channel's peers satisfies the chaincode's endorsement policy (it may name an organisation that left the channel, or one whose peers do not run the chaincode). Every gateway peer answers alike, so it is not retried (${err.message})`,
      cause: err,
      transactionId,
      details,
      ...(grpcStatus !== undefined ? { grpcStatus } : {}),
    });
  }

  if (grpcStatus !== undefined && isRetryableStatus(grpcStatus)) {
    const tls = /handshake|certificate|self.signed|unable to verify|SSL|TLS/i.test(err.message);
    return new ConnectionError({
      code: tls
        ? 'TLS_ERROR'
        : grpcStatus === (GrpcStatus.DEADLINE_EXCEEDED as number)
          ? 'TIMEOUT'
          : 'UNAVAILABLE',
      message: `${context.operation} via ${context.endpoint}: ${err.message}`,
      endpoint: context.endpoint,
      cause: err,
      transactionId,
      details,
    });
  }

  const text = [err.message, ...details.map((d) => d.message)].join('\n');
  // The orderer answers a client whose organisation left the channel (no longer among the
  // Writers) with status FORBIDDEN, after its own peers, cut off from the orderer's blocks and
  // still on the old config, endorsed: that refusal is about the identity too.
  const denied =
    grpcStatus === (GrpcStatus.PERMISSION_DENIED as number) ||
    /unsuccessful response from orderer: status=FORBIDDEN/.test(text) ||
    /access denied|creator (org|certificate)|certificate.*revoked|not a member|unknown (msp|authority)|signature.*invalid|failed to verify|MSP .* is unknown|deserializ/i.test(
      text,
    );
  const raw = [err.message, ...details.map((d) => `${d.address} (${d.mspId}): ${d.message}`)].join(
    '; ',
  );
  // Peers tell the client only "access denied ... creator org [X]" and keep the reason (revoked,
  // expired, unknown issuer) in their own log, so say in plain words what that answer means.
  const creator = /access denied: channel \[([^\]]+)\] creator org \[([^\]]+)\]/.exec(text);
  const lead =
    creator === null
      ? ''
      : `the peers of channel ${creator[1] ?? '?'} refused the client identity of ${creator[2] ?? '?'}: its certificate is revoked (listed in the member's CRL on the channel), expired, or not issued by a CA of that member; the peer's log names which. `;
  return new TransactionError({
    code: denied ? 'ACCESS_DENIED' : OPERATION_CODE[context.operation],
    message: `${lead}${context.operation} via ${context.endpoint} failed: ${raw}`,
    cause: err,
    transactionId,
    details,
    grpcStatus,
  });
}

const VALIDATION_CODES: Record<number, string> = {
  0: 'VALID',
  1: 'NIL_ENVELOPE',
  2: 'BAD_PAYLOAD',
  3: 'BAD_COMMON_HEADER',
  4: 'BAD_CREATOR_SIGNATURE',
  5: 'INVALID_ENDORSER_TRANSACTION',
  6: 'INVALID_CONFIG_TRANSACTION',
  7: 'UNSUPPORTED_TX_PAYLOAD',
  8: 'BAD_PROPOSAL_TXID',
  9: 'DUPLICATE_TXID',
  10: 'ENDORSEMENT_POLICY_FAILURE',
  11: 'MVCC_READ_CONFLICT',
  12: 'PHANTOM_READ_CONFLICT',
  13: 'UNKNOWN_TX_TYPE',
  14: 'TARGET_CHAIN_NOT_FOUND',
  15: 'MARSHAL_TX_ERROR',
  16: 'NIL_TXACTION',
  17: 'EXPIRED_CHAINCODE',
  18: 'CHAINCODE_VERSION_CONFLICT',
  19: 'BAD_HEADER_EXTENSION',
  20: 'BAD_CHANNEL_HEADER',
  21: 'BAD_RESPONSE_PAYLOAD',
  22: 'BAD_RWSET',
  23: 'ILLEGAL_WRITESET',
  24: 'INVALID_WRITESET',
  25: 'INVALID_CHAINCODE',
  254: 'NOT_VALIDATED',
  255: 'INVALID_OTHER_REASON',
};

/**
 * Name of a Fabric transaction validation code.
 *
 * @param code - numeric TxValidationCode
 * @returns its protobuf name, or `CODE_<n>` for unknown values
 */
export function validationCodeName(code: number): string {
  return VALIDATION_CODES[code] ?? `CODE_${code}`;
}
