/**
 * One JSON shape for every refusal the API sends, `{"error":{"code","message",…}}`, and the one
 * place library errors become HTTP answers: a chaincode rejection keeps the contract's own code
 * (`PROPOSAL_NOT_FOUND`, `ALREADY_VOTED`) so the page shows what the contract said.
 */
import {
  ConnectionError,
  ConsortiumError,
  ContractError,
  InputError,
  TransactionError,
} from '@oracle-consortium/gateway';

// Codes that mean the record a URL names (/api/proposals/:id, /api/feeds/:id) does not exist;
// any other refusal (MEMBER_NOT_FOUND in a proposal's body, say) is about the request: 422.
const ADDRESSED: ReadonlySet<string> = new Set([
  'PROPOSAL_NOT_FOUND',
  'FEED_NOT_FOUND',
  'INVITATION_NOT_FOUND',
]);

/** The body of every error answer. */
export interface ApiErrorBody {
  /** The error. */
  readonly error: {
    /** Machine-readable: the contract's code for chaincode rejections, else the console's. */
    readonly code: string;
    /** What went wrong, for people. */
    readonly message: string;
    /** Where the code comes from. */
    readonly source: 'console' | 'contract' | 'library';
    /** The transaction, when one was sent. */
    readonly transactionId?: string;
  };
}

/** An error the console itself raises, with the HTTP status to answer with. */
export class ApiError extends Error {
  /** Always `ApiError`. */
  override name = 'ApiError';

  /**
   * @param status - HTTP status
   * @param code - machine-readable code
   * @param message - what went wrong
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The HTTP status and body for anything a handler threw.
 *
 * @param err - what was thrown
 * @returns status and body
 */
export function toHttpError(err: unknown): { status: number; body: ApiErrorBody } {
  if (err instanceof ApiError) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, source: 'console' } },
    };
  }
  if (err instanceof ContractError) {
    const contract = err as ContractError;
    const status = ADDRESSED.has(contract.chaincodeCode) ? 404 : 422;
    return {
      status,
      body: {
        error: {
          code: contract.chaincodeCode,
          message: contract.chaincodeMessage,
          source: 'contract',
          ...(err.transactionId !== undefined ? { transactionId: err.transactionId } : {}),
        },
      },
    };
  }
  if (err instanceof ConsortiumError) {
    const status =
      err instanceof InputError
        ? 400
        : err instanceof ConnectionError
          ? 503
          : err instanceof TransactionError
            ? 502
            : 500;
    return {
      status,
      body: {
        error: {
          code: (err as ConsortiumError).code,
          message: err.message,
          source: 'library',
          ...(err.transactionId !== undefined ? { transactionId: err.transactionId } : {}),
        },
      },
    };
  }
  const validation = err as { validation?: unknown; message?: string; statusCode?: number };
  if (validation.validation !== undefined) {
    return {
      status: 400,
      body: {
        error: {
          code: 'BAD_REQUEST',
          message: validation.message ?? 'bad request',
          source: 'console',
        },
      },
    };
  }
  if (
    typeof validation.statusCode === 'number' &&
    validation.statusCode >= 400 &&
    validation.statusCode < 500
  ) {
    return {
      status: validation.statusCode,
      body: {
        error: {
          code: 'BAD_REQUEST',
          message: validation.message ?? 'bad request',
          source: 'console',
        },
      },
    };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: (err as Error).message, source: 'console' } },
  };
}
