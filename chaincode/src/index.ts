/**
 * The chaincode package: its two contracts, each from its feature folder's index.
 */
import { FeedsContract } from './feeds';
import { gateShimLogging } from './lib/shim-logging';
import { MembershipContract } from './membership';

// Before the first transaction: the shim's debug messages are dropped unformatted (lib/shim-logging).
gateShimLogging();

/**
 * The chaincode's entry point: the peer (or the chaincode server) loads `contracts`.
 */
export const contracts: unknown[] = [FeedsContract, MembershipContract];
