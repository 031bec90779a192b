import { FeedsContract } from './feeds/feeds-contract';
import { MembershipContract } from './membership/membership-contract';

/**
 * The chaincode's entry point: the peer (or the chaincode server) loads `contracts`.
 */
export const contracts: unknown[] = [FeedsContract, MembershipContract];
