/**
 * The `feeds` contract as the library offers it: the `FeedsClient` interface (implemented in
 * feeds-client.ts), its options, results and error type.
 */
import type { Connection } from '../connection/connection';
import type { ContractError } from '../errors';
import type { Committed } from './lib/contract';
import type {
  Feed,
  FeedDefinition,
  FeedsErrorCode,
  OracleInput,
  Page,
  PageOptions,
  Premium,
  PremiumInput,
  PremiumVerification,
  ReportingPolicy,
  Round,
  RoundData,
  Subscription,
  Thresholds,
} from './feeds-types';
import type { SignedReport } from './reports';

/** Options of `clients.newFeedsClient`. */
export interface FeedsClientOptions {
  /** The connection to send calls through. */
  readonly connection: Connection;
  /** Chaincode name as deployed; `consortium` when absent. */
  readonly chaincodeName?: string;
  /** Contract name inside the chaincode; `feeds` when absent. */
  readonly contractName?: string;
}

/** A committed report with the premium commitment's salt, when a premium value was attached. */
export interface ReportResult extends Committed<RoundData> {
  /** The salt and commitment of the attached premium value; keep the salt to reveal it later. */
  readonly premium?: {
    /** The salt used, 64 lowercase hex; keep it to reveal the value later. */
    readonly salt: string;
    /** The commitment the round records. */
    readonly premiumHash: string;
  };
}

/** A chaincode rejection from the `feeds` contract. */
export type FeedsError = ContractError<FeedsErrorCode>;

/**
 * Typed access to every transaction of the `feeds` contract. Writes return the decoded result with
 * transaction id and block; reads return the decoded answer. Chaincode rejections are
 * {@link FeedsError}s (`ContractError` with a {@link FeedsErrorCode}); everything else is the
 * connection's `ConnectionError` / `TransactionError`.
 */
export interface FeedsClient {
  /**
   * Creates a feed owned by the caller's member (needs `feeds.admin=true`).
   *
   * @param definition - the feed
   * @returns the stored feed
   * @throws FeedsError `FORBIDDEN`, `MALFORMED_INPUT`, `INVALID_CONFIG`, `FEED_EXISTS`
   */
  createFeed(definition: Readonly<FeedDefinition>): Promise<Committed<Feed>>;
  /**
   * Appends an oracle; the config digest changes.
   *
   * @param feedId - the feed
   * @param oracle - id and public key
   * @returns the updated feed
   * @throws FeedsError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`, `INVALID_CONFIG`
   */
  addOracle(feedId: string, oracle: Readonly<OracleInput>): Promise<Committed<Feed>>;
  /**
   * Replaces an oracle's key; its index stays.
   *
   * @param feedId - the feed
   * @param oracleId - the oracle
   * @param publicKey - PEM or base64 DER SPKI
   * @returns the updated feed
   * @throws FeedsError `FEED_NOT_FOUND`, `FORBIDDEN`, `ORACLE_NOT_FOUND`, `MALFORMED_INPUT`, `INVALID_CONFIG`
   */
  rotateOracleKey(feedId: string, oracleId: string, publicKey: string): Promise<Committed<Feed>>;
  /**
   * Removes an oracle; later ones move down an index.
   *
   * @param feedId - the feed
   * @param oracleId - the oracle
   * @returns the updated feed
   * @throws FeedsError `FEED_NOT_FOUND`, `FORBIDDEN`, `ORACLE_NOT_FOUND`, `INVALID_CONFIG`
   */
  removeOracle(feedId: string, oracleId: string): Promise<Committed<Feed>>;
  /**
   * Changes fault tolerance and minimums.
   *
   * @param feedId - the feed
   * @param thresholds - `f` and optional minimums
   * @returns the updated feed
   * @throws FeedsError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`, `INVALID_CONFIG`
   */
  setThresholds(feedId: string, thresholds: Readonly<Thresholds>): Promise<Committed<Feed>>;
  /**
   * Changes the answer bounds.
   *
   * @param feedId - the feed
   * @param minAnswer - decimal string
   * @param maxAnswer - decimal string
   * @returns the updated feed
   * @throws FeedsError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`
   */
  setBounds(feedId: string, minAnswer: string, maxAnswer: string): Promise<Committed<Feed>>;
  /**
   * Changes the label and advisory reporting policy.
   *
   * @param feedId - the feed
   * @param policy - the fields to change
   * @returns the updated feed
   * @throws FeedsError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`
   */
  setReportingPolicy(feedId: string, policy: Readonly<ReportingPolicy>): Promise<Committed<Feed>>;
  /**
   * Stops the feed accepting reports.
   *
   * @param feedId - the feed
   * @returns the updated feed
   * @throws FeedsError `FEED_NOT_FOUND`, `FORBIDDEN`
   */
  pauseFeed(feedId: string): Promise<Committed<Feed>>;
  /**
   * Lets a paused feed accept reports again.
   *
   * @param feedId - the feed
   * @returns the updated feed
   * @throws FeedsError `FEED_NOT_FOUND`, `FORBIDDEN`
   */
  resumeFeed(feedId: string): Promise<Committed<Feed>>;
  /**
   * Subscribes a member to premium values from the next report on.
   *
   * @param feedId - the feed
   * @param mspId - the member
   * @returns the subscription
   * @throws FeedsError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`, `ALREADY_SUBSCRIBED`
   */
  grantSubscription(feedId: string, mspId: string): Promise<Committed<Subscription>>;
  /**
   * Ends a member's subscription.
   *
   * @param feedId - the feed
   * @param mspId - the member
   * @returns the removed subscription
   * @throws FeedsError `FEED_NOT_FOUND`, `FORBIDDEN`, `MALFORMED_INPUT`, `NOT_SUBSCRIBED`
   */
  revokeSubscription(feedId: string, mspId: string): Promise<Committed<Subscription>>;
  /**
   * Records a round from a signed report (build it with `reports.buildReport`). With a premium
   * value, the value and salt travel as transient data and the transaction is endorsed by the
   * owner's and every current subscriber's peers only, as Fabric requires for writes to their
   * implicit collections; a non-subscriber's peers never see the value.
   *
   * @param report - the signed report
   * @param premium - optional premium value, salt and endorsing organizations
   * @returns the new round, and the premium salt and commitment when one was attached
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `FORBIDDEN`, `FEED_PAUSED`,
   *   `STALE_ROUND`, `STALE_TIMESTAMP`, `FUTURE_TIMESTAMP`, `CONFIG_MISMATCH`, `UNKNOWN_OBSERVER`,
   *   `DUPLICATE_OBSERVER`, `INSUFFICIENT_OBSERVATIONS`, `UNKNOWN_SIGNER`, `DUPLICATE_SIGNER`,
   *   `INSUFFICIENT_SIGNATURES`, `BAD_SIGNATURE`, `ANSWER_OUT_OF_BOUNDS`
   * @throws TransactionError `COMMIT_FAILED` (`MVCC_READ_CONFLICT`) when another report for the
   *   feed committed first, or `ENDORSEMENT_POLICY_FAILURE` when subscriptions changed meanwhile
   * @throws InputError `INVALID_INPUT` for a salt that is not 64 lowercase hex
   */
  submitReport(
    report: Readonly<SignedReport>,
    premium?: Readonly<PremiumInput>,
  ): Promise<ReportResult>;
  /**
   * @param feedId - the feed
   * @returns the feed with its config digest
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   */
  getFeed(feedId: string): Promise<Feed>;
  /**
   * @param page - size and bookmark
   * @returns one page of feeds in id order
   * @throws FeedsError `MALFORMED_INPUT`
   */
  listFeeds(page?: Readonly<PageOptions>): Promise<Page<Feed>>;
  /**
   * @param feedId - the feed
   * @returns the fixed-point scale
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   */
  decimals(feedId: string): Promise<number>;
  /**
   * @param feedId - the feed
   * @returns the label
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   */
  description(feedId: string): Promise<string>;
  /**
   * @param feedId - the feed
   * @returns the latest round
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `NO_DATA` before the first report
   */
  latestRoundData(feedId: string): Promise<RoundData>;
  /**
   * @param feedId - the feed
   * @param roundId - decimal string
   * @returns that round
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `NO_DATA`
   */
  getRoundData(feedId: string, roundId: string): Promise<RoundData>;
  /**
   * @param feedId - the feed
   * @param roundId - decimal string
   * @returns that round as state keeps it: signers, config digest, the report's digest and the
   *   id of the transaction carrying the report
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `NO_DATA`
   */
  getRound(feedId: string, roundId: string): Promise<Round>;
  /**
   * The report a round was recorded from, exactly as it was submitted (observations and
   * signatures included). State keeps only the report's digest, so this reads the round, fetches
   * its transaction through the channel's qscc `GetTransactionByID` and checks the report in it
   * against the digest.
   *
   * @param feedId - the feed
   * @param roundId - decimal string
   * @returns the signed report
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `NO_DATA` from reading the round
   * @throws TransactionError `EVALUATE_FAILED` when the transaction cannot be read or its report
   *   is not the one the round's digest names
   * @example
   * ```ts
   * const report = await feeds.getRoundReport('eth-usd', '42');
   * console.log(report.observations.map((o) => o.value));
   * ```
   */
  getRoundReport(feedId: string, roundId: string): Promise<SignedReport>;
  /**
   * @param feedId - the feed
   * @param page - size and bookmark
   * @returns one page of rounds, oldest first, as {@link FeedsClient.getRound} returns each
   *   (the observations are in {@link FeedsClient.getRoundReport})
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   */
  getRoundHistory(feedId: string, page?: Readonly<PageOptions>): Promise<Page<Round>>;
  /**
   * @param feedId - the feed
   * @returns the subscribed members
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`
   */
  listSubscriptions(feedId: string): Promise<Subscription[]>;
  /**
   * Reads a round's premium value from the caller's implicit collection; it is evaluated on the
   * caller's own peers, as the contract requires.
   *
   * @param feedId - the feed
   * @param roundId - the round
   * @returns value, salt and commitment
   * @throws FeedsError `NOT_SUBSCRIBED`, `WRONG_PEER`, `NO_DATA`, `FEED_NOT_FOUND`, `MALFORMED_INPUT`
   */
  getPremium(feedId: string, roundId: string): Promise<Premium>;
  /**
   * Checks a revealed premium value against the round's public commitment.
   *
   * @param feedId - the feed
   * @param roundId - the round
   * @param revealed - the value and its salt
   * @returns whether it matches, and the commitment
   * @throws FeedsError `MALFORMED_INPUT`, `FEED_NOT_FOUND`, `NO_DATA`
   */
  verifyPremium(
    feedId: string,
    roundId: string,
    revealed: Readonly<{ value: unknown; salt: string }>,
  ): Promise<PremiumVerification>;
}
