/**
 * The coded refusal of a synchronous chaincode function, for tests of pure rules.
 */
import { expect } from 'chai';
import { ChaincodeError } from '../../chaincode/src/lib/errors';

/**
 * Runs a function that must refuse its input and returns the error it threw.
 *
 * @param run - the call expected to throw
 * @returns the `ChaincodeError` thrown
 * @throws AssertionError when `run` throws something else or nothing at all
 */
export function refusal(run: () => unknown): ChaincodeError {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(ChaincodeError);
    return err as ChaincodeError;
  }
  throw new Error('expected a ChaincodeError, nothing was thrown');
}

/**
 * Awaits a promise that must reject and returns what it rejected with, for the caller to assert
 * its class, code and fields.
 *
 * @param promise - the call expected to fail
 * @returns the rejection reason
 * @throws AssertionError when the promise fulfils
 */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return expect.fail('expected a rejection');
}
