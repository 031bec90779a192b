/**
 * The calls every typed client makes: JSON text in, JSON text out, through the failover
 * connection, with coded chaincode errors already translated to `ContractError` by it.
 */
import { randomBytes } from 'node:crypto';
import type { Connection, TransactionRequest } from '../../connection/connection';
import { ContractError, TransactionError } from '../../errors';

/** A committed write: the decoded return value and where it landed. */
export interface Committed<T> {
  /** What the transaction returned. */
  readonly value: T;
  /** The transaction id. */
  readonly transactionId: string;
  /** The block the transaction committed in. */
  readonly blockNumber: bigint;
  /** How often the signed envelope was sent (more than 1 only after a failover resubmit). */
  readonly submitAttempts: number;
}

/** Where a typed client sends its calls. */
export interface ContractTarget {
  /** The failover connection. */
  readonly connection: Connection;
  /** Chaincode name as deployed. */
  readonly chaincode: string;
  /** Contract name inside the chaincode. */
  readonly contract: string;
}

type Extra = Pick<TransactionRequest, 'transientData' | 'endorsingOrganizations'>;

function decode(
  bytes: Uint8Array,
  transaction: string,
  committed?: { transactionId: string; blockNumber: bigint },
): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw committed === undefined
      ? new TransactionError({
          code: 'EVALUATE_FAILED',
          message: `${transaction} returned text that is not JSON: ${text.slice(0, 120)}`,
          cause,
        })
      : new TransactionError({
          code: 'RESULT_UNREADABLE',
          message: `${transaction} committed as transaction ${committed.transactionId} in block ${String(committed.blockNumber)}, but returned text that is not JSON (is the chaincode name right?): ${text.slice(0, 120)}`,
          cause,
          transactionId: committed.transactionId,
        });
  }
}

/**
 * Evaluates and decodes the JSON answer.
 *
 * @param target - connection, chaincode and contract
 * @param transaction - the transaction function
 * @param args - string arguments
 * @param extra - transient data and endorsing organizations
 * @returns the decoded answer
 * @throws ContractError when the chaincode rejects the call
 * @throws TransactionError `EVALUATE_FAILED` when the answer is not JSON
 */
export async function evaluateJson<T>(
  target: ContractTarget,
  transaction: string,
  args: readonly string[],
  extra: Extra = {},
): Promise<T> {
  const bytes = await target.connection.evaluate({
    chaincode: target.chaincode,
    contract: target.contract,
    transaction,
    arguments: args,
    ...extra,
  });
  return decode(bytes, transaction) as T;
}

/**
 * Submits and decodes the JSON answer.
 *
 * @param target - connection, chaincode and contract
 * @param transaction - the transaction function
 * @param args - string arguments
 * @param extra - transient data and endorsing organizations
 * @returns the decoded answer with transaction id and block
 * @throws ContractError when the chaincode rejects the call
 * @throws TransactionError as the connection's `submit` does, and `RESULT_UNREADABLE` (with the
 *   transaction id) when it committed but its answer is not JSON
 */
export async function submitJson<T>(
  target: ContractTarget,
  transaction: string,
  args: readonly string[],
  extra: Extra = {},
): Promise<Committed<T>> {
  const out = await target.connection.submit({
    chaincode: target.chaincode,
    contract: target.contract,
    transaction,
    arguments: args,
    ...extra,
  });
  return {
    value: decode(out.result, transaction, out) as T,
    transactionId: out.transactionId,
    blockNumber: out.blockNumber,
    submitAttempts: out.submitAttempts,
  };
}

/**
 * A type guard for a contract's coded errors.
 *
 * @param codes - the contract's codes
 * @returns a guard narrowing to `ContractError<K>` when the code is one of `codes`
 */
export function contractErrorGuard<K extends string>(
  codes: readonly K[],
): (err: unknown) => err is ContractError<K> {
  const known = new Set<string>(codes);
  return (err: unknown): err is ContractError<K> =>
    err instanceof ContractError && known.has((err as ContractError).chaincodeCode);
}

/** @returns 64 lowercase hex characters of fresh randomness */
export function randomHex32(): string {
  return randomBytes(32).toString('hex');
}
