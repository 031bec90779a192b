/**
 * The error codes the contracts raise. Only a chaincode error's message crosses the wire, so every
 * message starts with its code in brackets (`[FEED_NOT_FOUND] feed eth-usd does not exist`); the
 * chaincode throws only codes listed here and the gateway reads them back with
 * {@link ERROR_CODE_PATTERN} and narrows them with {@link isFeedErrorCode} and
 * {@link isMembershipErrorCode}. The lists are the source and the unions derive from them, so a code
 * added to a list is at once a code the chaincode may throw and one the gateway can type.
 */

/** Every code the `feeds` contract raises. */
export const FEED_ERROR_CODES = [
  'MALFORMED_INPUT',
  'INVALID_CONFIG',
  'FORBIDDEN',
  'FEED_EXISTS',
  'FEED_NOT_FOUND',
  'FEED_PAUSED',
  'ORACLE_NOT_FOUND',
  'CONFIG_MISMATCH',
  'STALE_ROUND',
  'STALE_TIMESTAMP',
  'FUTURE_TIMESTAMP',
  'UNKNOWN_OBSERVER',
  'DUPLICATE_OBSERVER',
  'INSUFFICIENT_OBSERVATIONS',
  'UNKNOWN_SIGNER',
  'DUPLICATE_SIGNER',
  'INSUFFICIENT_SIGNATURES',
  'BAD_SIGNATURE',
  'ANSWER_OUT_OF_BOUNDS',
  'NO_DATA',
  'ALREADY_SUBSCRIBED',
  'NOT_SUBSCRIBED',
  'WRONG_PEER',
  'DUPLICATE_ORACLE_KEY',
  'INPUT_TOO_LARGE',
] as const;

/** A code the `feeds` contract raises, read back from `[CODE] message`. */
export type FeedErrorCode = (typeof FEED_ERROR_CODES)[number];

/** Every code the `membership` contract raises; each failure has its own. */
export const MEMBERSHIP_ERROR_CODES = [
  'NOT_INITIALIZED',
  'ALREADY_INITIALIZED',
  'INIT_MISMATCH',
  'PEER_NOT_FOUNDER',
  'POLICY_OUT_OF_RANGE',
  'MALFORMED_INPUT',
  'NOT_AUTHORIZED',
  'NOT_A_MEMBER',
  'NOT_ELIGIBLE',
  'PROPOSAL_NOT_FOUND',
  'ALREADY_VOTED',
  'INVALID_VOTE',
  'PROPOSAL_CLOSED',
  'PROPOSAL_EXPIRED',
  'PROPOSAL_NOT_EXPIRED',
  'EMPTY_ACTIONS',
  'MIXED_ACTIONS',
  'DUPLICATE_ACTION',
  'DESCRIPTION_TOO_LONG',
  'ALREADY_A_MEMBER',
  'MEMBER_NOT_FOUND',
  'TOKEN_REUSED',
  'SALT_REQUIRED',
  'DETAILS_NOT_FOUND',
  'DETAILS_UNAVAILABLE',
  'DETAILS_HASH_MISMATCH',
  'INVITATION_NOT_FOUND',
  'NOT_INVITEE',
  'INVITATION_CLOSED',
  'INVITATION_EXPIRED',
  'INVITATION_NOT_EXPIRED',
  'INPUT_TOO_LARGE',
  'MSP_DEFINITION_REQUIRED',
  'MSP_DEFINITION_MISMATCH',
  'INVALID_CERTIFICATE',
  'NOT_A_CA_CERTIFICATE',
  'IDENTITY_NOT_IN_DEFINITION',
  'CHANNEL_CHANGE_NOT_FOUND',
  'CHANNEL_UPDATE_NOT_FOUND',
  'CHANGE_ALREADY_APPLIED',
  'INVALID_CONFIG_UPDATE',
  'WRONG_CHANNEL',
  'CONFIG_UPDATE_MISMATCH',
  'STALE_CONFIG_SEQUENCE',
  'UPDATE_ALREADY_PROPOSED',
  'SIGNER_NOT_CALLER',
  'NOT_AN_ADMIN',
  'INVALID_CONFIG_SIGNATURE',
  'ALREADY_SIGNED',
  'UPDATE_NOT_READY',
] as const;

/** A code the `membership` contract raises, read back from `[CODE] message`. */
export type MembershipErrorCode = (typeof MEMBERSHIP_ERROR_CODES)[number];

/** The pattern that finds the `[CODE]` prefix in a chaincode error message. */
export const ERROR_CODE_PATTERN = /\[([A-Z][A-Z0-9_]*)\]/;

/**
 * Whether a string is a code of the `feeds` contract.
 *
 * @param code - the candidate
 * @returns true for a member of {@link FEED_ERROR_CODES}
 */
export function isFeedErrorCode(code: string): code is FeedErrorCode {
  return (FEED_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * Whether a string is a code of the `membership` contract.
 *
 * @param code - the candidate
 * @returns true for a member of {@link MEMBERSHIP_ERROR_CODES}
 */
export function isMembershipErrorCode(code: string): code is MembershipErrorCode {
  return (MEMBERSHIP_ERROR_CODES as readonly string[]).includes(code);
}
