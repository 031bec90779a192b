/**
 * The typed client of the `feeds` contract: feed administration, report submission (with premium
 * values as transient data to the entitled peers only), reads and the premium commitment check.
 */
import { InputError } from '../errors';
import { premiumHash } from '@oracle-consortium/protocol';
import type { FeedsClient, FeedsClientOptions, FeedsError, ReportResult } from './feeds-api';
import {
  contractErrorGuard,
  evaluateJson,
  randomHex32,
  submitJson,
  type ContractTarget,
} from './lib/contract';
import {
  FEEDS_ERROR_CODES,
  type Feed,
  type FeedDefinition,
  type OracleInput,
  type Page,
  type PageOptions,
  type Premium,
  type PremiumInput,
  type PremiumVerification,
  type ReportingPolicy,
  type Round,
  type RoundData,
  type Subscription,
  type Thresholds,
} from './feeds-types';
import type { SignedReport } from './reports';
import { roundReportFromTransaction } from './round-reports';

const SALT = /^[0-9a-f]{64}$/;

/**
 * Whether an error is a `feeds` contract rejection; narrows `chaincodeCode` to `FeedsErrorCode`.
 *
 * @param err - anything caught
 * @returns true for a `ContractError` with a feeds code
 */
export const isFeedsError: (err: unknown) => err is FeedsError =
  contractErrorGuard(FEEDS_ERROR_CODES);

export { premiumHash };

function pageArgs(page: Readonly<PageOptions> | undefined): string[] {
  return [String(page?.pageSize ?? 100), page?.bookmark ?? ''];
}

class FeedsClientImpl implements FeedsClient {
  readonly #t: ContractTarget;

  constructor(options: Readonly<FeedsClientOptions>) {
    this.#t = {
      connection: options.connection,
      chaincode: options.chaincodeName ?? 'consortium',
      contract: options.contractName ?? 'feeds',
    };
  }

  createFeed(definition: Readonly<FeedDefinition>) {
    return submitJson<Feed>(this.#t, 'createFeed', [JSON.stringify(definition)]);
  }
  addOracle(feedId: string, oracle: Readonly<OracleInput>) {
    return submitJson<Feed>(this.#t, 'addOracle', [feedId, JSON.stringify(oracle)]);
  }
  rotateOracleKey(feedId: string, oracleId: string, publicKey: string) {
    return submitJson<Feed>(this.#t, 'rotateOracleKey', [feedId, oracleId, publicKey]);
  }
  removeOracle(feedId: string, oracleId: string) {
    return submitJson<Feed>(this.#t, 'removeOracle', [feedId, oracleId]);
  }
  setThresholds(feedId: string, thresholds: Readonly<Thresholds>) {
    return submitJson<Feed>(this.#t, 'setThresholds', [feedId, JSON.stringify(thresholds)]);
  }
  setBounds(feedId: string, minAnswer: string, maxAnswer: string) {
    return submitJson<Feed>(this.#t, 'setBounds', [feedId, minAnswer, maxAnswer]);
  }
  setReportingPolicy(feedId: string, policy: Readonly<ReportingPolicy>) {
    return submitJson<Feed>(this.#t, 'setReportingPolicy', [feedId, JSON.stringify(policy)]);
  }
  pauseFeed(feedId: string) {
    return submitJson<Feed>(this.#t, 'pauseFeed', [feedId]);
  }
  resumeFeed(feedId: string) {
    return submitJson<Feed>(this.#t, 'resumeFeed', [feedId]);
  }
  grantSubscription(feedId: string, mspId: string) {
    return submitJson<Subscription>(this.#t, 'grantSubscription', [feedId, mspId]);
  }
  revokeSubscription(feedId: string, mspId: string) {
    return submitJson<Subscription>(this.#t, 'revokeSubscription', [feedId, mspId]);
  }

  async submitReport(
    report: Readonly<SignedReport>,
    premium?: Readonly<PremiumInput>,
  ): Promise<ReportResult> {
    const input = JSON.stringify({
      feedId: report.feedId,
      roundId: report.roundId,
      observationsTimestamp: report.observationsTimestamp,
      configDigest: report.configDigest,
      observations: report.observations,
      signatures: report.signatures,
    });
    if (premium === undefined) {
      return submitJson<RoundData>(this.#t, 'submitReport', [input]);
    }
    const salt = premium.salt ?? randomHex32();
    if (!SALT.test(salt)) {
      throw new InputError({
        code: 'INVALID_INPUT',
        message: 'a premium salt must be 64 lowercase hex characters',
      });
    }
    const endorsingOrganizations =
      premium.endorsingOrganizations ?? (await this.#entitled(report.feedId));
    const out = await submitJson<RoundData>(this.#t, 'submitReport', [input], {
      transientData: { premium: JSON.stringify(premium.value), salt },
      endorsingOrganizations,
    });
    return { ...out, premium: { salt, premiumHash: premiumHash(salt, premium.value) } };
  }

  async #entitled(feedId: string): Promise<string[]> {
    const [feed, subscriptions] = await Promise.all([
      this.getFeed(feedId),
      this.listSubscriptions(feedId),
    ]);
    return [feed.owner, ...subscriptions.map((s) => s.mspId)];
  }

  getFeed(feedId: string) {
    return evaluateJson<Feed>(this.#t, 'getFeed', [feedId]);
  }
  listFeeds(page?: Readonly<PageOptions>) {
    return evaluateJson<Page<Feed>>(this.#t, 'listFeeds', pageArgs(page));
  }
  decimals(feedId: string) {
    return evaluateJson<number>(this.#t, 'decimals', [feedId]);
  }
  description(feedId: string) {
    return evaluateJson<string>(this.#t, 'description', [feedId]);
  }
  latestRoundData(feedId: string) {
    return evaluateJson<RoundData>(this.#t, 'latestRoundData', [feedId]);
  }
  getRoundData(feedId: string, roundId: string) {
    return evaluateJson<RoundData>(this.#t, 'getRoundData', [feedId, roundId]);
  }
  getRound(feedId: string, roundId: string) {
    return evaluateJson<Round>(this.#t, 'getRound', [feedId, roundId]);
  }
  async getRoundReport(feedId: string, roundId: string) {
    const round = await this.getRound(feedId, roundId);
    const processed = await this.#t.connection.evaluate({
      chaincode: 'qscc',
      transaction: 'GetTransactionByID',
      arguments: [this.#t.connection.channelName, round.txId],
    });
    return roundReportFromTransaction(processed, round);
  }
  getRoundHistory(feedId: string, page?: Readonly<PageOptions>) {
    return evaluateJson<Page<Round>>(this.#t, 'getRoundHistory', [feedId, ...pageArgs(page)]);
  }
  listSubscriptions(feedId: string) {
    return evaluateJson<Subscription[]>(this.#t, 'listSubscriptions', [feedId]);
  }
  getPremium(feedId: string, roundId: string) {
    return evaluateJson<Premium>(this.#t, 'getPremium', [feedId, roundId]);
  }
  verifyPremium(
    feedId: string,
    roundId: string,
    revealed: Readonly<{ value: unknown; salt: string }>,
  ) {
    return evaluateJson<PremiumVerification>(this.#t, 'verifyPremium', [
      feedId,
      roundId,
      JSON.stringify({ value: revealed.value, salt: revealed.salt }),
    ]);
  }
}

/**
 * A typed client of the `feeds` contract.
 *
 * @param options - the connection, and chaincode and contract names when not the defaults
 * @returns the client; it owns nothing, so closing the connection is enough
 * @example
 * ```ts
 * const feeds = clients.newFeedsClient({ connection: conn });
 * const { value: feed } = await feeds.createFeed({ feedId: 'eth-usd', description: 'ETH / USD',
 *   decimals: 8, oracles, f: 1, heartbeatSeconds: 3600, deviationThresholdPpb: 5_000_000 });
 * const round = await feeds.latestRoundData('eth-usd');
 * ```
 */
export function newFeedsClient(options: Readonly<FeedsClientOptions>): FeedsClient {
  return new FeedsClientImpl(options);
}
