/**
 * The node's view of the feeds contract: the feed's configuration (oracles and their keys,
 * minimums, config digest), its latest round, and report submission, through the gateway
 * library's failover connection and typed feeds client. An interface, so the round logic is unit
 * tested against an in-memory chain that applies the contract's own round rules.
 */
import { readFile } from 'node:fs/promises';
import {
  clients,
  connection,
  ContractError,
  isReadConflict,
  signers,
  type Connection,
  type Feed,
  type FeedsClient,
  type NetworkConfig,
  type SignedReport,
  type Signer,
} from '@oracle-consortium/gateway';
import type { NodeConfig, SignerSpec } from '../config/config';
import { OracleNodeError } from '../errors';

/** The latest round on chain. */
export interface LatestRound {
  /** Round id, decimal text. */
  readonly roundId: string;
  /** The answer, scaled integer text. */
  readonly answer: string;
  /** The report's observations timestamp, Unix seconds. */
  readonly startedAt: number;
  /** When it committed (transaction time), Unix seconds. */
  readonly updatedAt: number;
}

/** How a submission ended. */
export type SubmitOutcome =
  | {
      /** It committed. */
      readonly status: 'committed';
      /** The transaction id. */
      readonly txId: string;
    }
  | {
      /**
       * Another copy of the round (or a later one) committed first: the contract refused it, or
       * the channel invalidated it because that copy committed after it was endorsed.
       */
      readonly status: 'stale';
      /** The contract's message, or the validation code. */
      readonly error: string;
    };

/** The feeds contract as the node uses it. */
export interface FeedChain {
  /** The feed's configuration. */
  getFeed(feedId: string): Promise<Feed>;
  /** The latest round, or `undefined` before the first one. */
  latestRound(feedId: string): Promise<LatestRound | undefined>;
  /**
   * Submits a report.
   *
   * @throws the gateway library's errors for anything but a stale round (see `staleOutcome`)
   */
  submitReport(report: Readonly<SignedReport>): Promise<SubmitOutcome>;
  /** Closes the connection. */
  close(): Promise<void>;
}

/**
 * Opens a signer of the gateway library for a configured key.
 *
 * @param spec - where the key is
 * @returns the signer
 * @throws OracleNodeError `INVALID_CONFIG` when an HSM PIN variable is unset
 * @throws SignerError when the key cannot be opened
 */
export async function openConfiguredSigner(spec: SignerSpec): Promise<Signer> {
  switch (spec.type) {
    case 'file':
      return signers.newFileSigner({ path: spec.path });
    case 'kms':
      return signers.openSigner({
        type: 'kms',
        keyId: spec.keyId,
        region: spec.region,
        ...(spec.endpoint === undefined ? {} : { endpoint: spec.endpoint }),
      });
    case 'hsm': {
      const pin = process.env[spec.pinEnv];
      if (pin === undefined || pin === '') {
        throw new OracleNodeError({
          code: 'INVALID_CONFIG',
          field: 'pinEnv',
          message: `the HSM PIN variable ${spec.pinEnv} is not set`,
        });
      }
      return signers.openSigner(
        { type: 'hsm', tokenLabel: spec.tokenLabel, id: spec.id },
        { hsm: { library: spec.library, pin } },
      );
    }
  }
}

const STALE_CODES = new Set(['STALE_ROUND', 'STALE_TIMESTAMP']);

/**
 * What a failed report submit means for the node: `stale` when the contract refused it because it
 * already has the round or a later one (`STALE_ROUND`, `STALE_TIMESTAMP`), or when the channel
 * invalidated it because a report committed for the feed after it was endorsed (a leader's and a
 * follower's copies of one round, endorsed at the same moment, both read the same latest round;
 * the one ordered second fails with `MVCC_READ_CONFLICT`). Either way the round is normally on
 * chain, or a newer one is, and sending it again would be refused. The one exception: a conflict
 * caused by an administrator's change to the feed record committed meanwhile (`setBounds`,
 * `pauseFeed`) leaves the round missing; the followers' staggered transmissions, which read the
 * chain first, then carry it, as after any lost copy.
 *
 * @param err - what the feeds client's `submitReport` threw
 * @returns the stale outcome, or `undefined` for a failure the caller reports
 */
export function staleOutcome(err: unknown): SubmitOutcome | undefined {
  if (err instanceof ContractError) {
    const code: string = err.chaincodeCode as string;
    if (STALE_CODES.has(code))
      return { status: 'stale', error: `[${code}] ${err.chaincodeMessage}` };
    return undefined;
  }
  if (isReadConflict(err)) {
    return {
      status: 'stale',
      error: `${err.validationCode ?? 'COMMIT_FAILED'}: another report for the feed committed first`,
    };
  }
  return undefined;
}

class GatewayFeedChain implements FeedChain {
  readonly #conn: Connection;
  readonly #feeds: FeedsClient;
  readonly #signer: Signer;

  constructor(conn: Connection, chaincode: string, signer: Signer) {
    this.#conn = conn;
    this.#signer = signer;
    this.#feeds = clients.newFeedsClient({ connection: conn, chaincodeName: chaincode });
  }

  getFeed(feedId: string): Promise<Feed> {
    return this.#feeds.getFeed(feedId);
  }

  async latestRound(feedId: string): Promise<LatestRound | undefined> {
    try {
      const r = await this.#feeds.latestRoundData(feedId);
      return {
        roundId: r.roundId,
        answer: r.answer,
        startedAt: r.startedAt,
        updatedAt: r.updatedAt,
      };
    } catch (err) {
      if (err instanceof ContractError && err.chaincodeCode === 'NO_DATA') return undefined;
      throw err;
    }
  }

  async submitReport(report: Readonly<SignedReport>): Promise<SubmitOutcome> {
    try {
      const r = await this.#feeds.submitReport(report);
      return { status: 'committed', txId: r.transactionId };
    } catch (err) {
      const stale = staleOutcome(err);
      if (stale !== undefined) return stale;
      throw err;
    }
  }

  async close(): Promise<void> {
    this.#conn.close();
    await this.#signer.close();
  }
}

/**
 * Connects to the feeds contract as the node's Fabric identity.
 *
 * @param fabric - the configuration's `fabric` table
 * @returns the chain
 * @throws ConfigError when the network description or profile is unusable
 * @throws SignerError when the identity's key cannot be opened
 */
export async function connectFeedChain(fabric: NodeConfig['fabric']): Promise<FeedChain> {
  let network: NetworkConfig;
  if (fabric.networkDescription !== undefined) {
    network = await connection.loadNetworkDescription({
      path: fabric.networkDescription,
      member: fabric.member,
    });
  } else {
    network = await connection.loadConnectionProfile({
      path: fabric.connectionProfile ?? '',
      organization: fabric.member,
    });
  }
  const signer = await openConfiguredSigner(fabric.key);
  const certificate = await readFile(fabric.certificate, 'utf8');
  const conn = connection.connect({ network, identity: { certificate }, signer });
  return new GatewayFeedChain(conn, fabric.chaincode, signer);
}
