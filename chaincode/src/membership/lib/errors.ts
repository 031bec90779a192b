import { ChaincodeError } from '../../lib/errors';
import type { MembershipErrorCode } from '@oracle-consortium/protocol';

/**
 * Raises a membership error; the typed code keeps every raise site within the documented set.
 *
 * @param code - the membership error code
 * @param message - the explanation, naming the offending input
 * @throws ChaincodeError always
 */
export function fail(code: MembershipErrorCode, message: string): never {
  throw new ChaincodeError(code, message);
}

/**
 * Raises a membership error unless the condition holds.
 *
 * @param condition - what must hold
 * @param code - the code to raise otherwise
 * @param message - the explanation to raise otherwise
 * @throws ChaincodeError when `condition` is false
 */
export function ensure(
  condition: boolean,
  code: MembershipErrorCode,
  message: string,
): asserts condition {
  if (!condition) {
    fail(code, message);
  }
}
