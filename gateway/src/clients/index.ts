/**
 * Typed contract clients and event streams; grouped as the `clients` namespace.
 */
export { newFeedsClient, isFeedsError, premiumHash } from './feeds-client';
export { newMembershipClient, isMembershipError } from './membership-client';
export { newRoundEventStream, newMembershipEventStream } from './events';
export { newFileCheckpointer } from './checkpoint';
export { ledgerHeight, untilCommitted } from './ledger';
export * as mspDefinitions from './msp-definitions';
