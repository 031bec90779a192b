/**
 * The base class of both contracts: what every transaction function of this chaincode does before
 * its own code runs.
 */
import { Context, Contract } from 'fabric-contract-api';
import { checkInputSize } from './limits';

/**
 * A contract whose every function first refuses oversized input (see `limits.ts`). It declares no
 * transaction functions, so the subclasses' metadata is exactly their own.
 */
export abstract class CheckedContract extends Contract {
  /**
   * Runs before every transaction function: refuses arguments or transient data beyond the limits
   * of `limits.ts` before anything is parsed, read or written.
   *
   * @param ctx - the transaction context
   * @throws ChaincodeError `INPUT_TOO_LARGE` beyond `MAX_ARGUMENTS_BYTES` or `MAX_TRANSIENT_BYTES`
   */
  override beforeTransaction(ctx: Context): Promise<void> {
    checkInputSize(ctx);
    return Promise.resolve();
  }
}
