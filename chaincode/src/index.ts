/**
 * The chaincode package: its two contracts, each from its feature folder's index.
 */
import { FeedsContract } from './feeds';
import { MembershipContract } from './membership';

/**
 * The chaincode's entry point: the peer (or the chaincode server) loads `contracts`.
 */
export const contracts: unknown[] = [FeedsContract, MembershipContract];
