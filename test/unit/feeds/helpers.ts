/**
 * Shared fixtures for the feeds contract tests: real oracle keys, feeds, and signed reports.
 */
import { expect } from 'chai';
import { ChaincodeError } from '../../../chaincode/src/lib/errors';
import { FeedsContract } from '../../../chaincode/src/feeds/feeds-contract';
import { encodeReport, type OracleKeyType } from '@oracle-consortium/protocol';
import type { FeedRecord, ReportInput } from '../../../chaincode/src/feeds/types';
import { FakeLedger, type TxOptions } from '../../support/fake-ledger';
import { newOracles, signAs, type Oracle } from '../../support/oracles';

export const OWNER = 'Org1MSP';
export const OTHER = 'Org2MSP';
export const THIRD = 'Org3MSP';
/** 2026-01-01T00:00:00Z */
export const T0_MS = 1_767_225_600_000;
export const T0 = T0_MS / 1000;

/** Transaction options for an admin of `msp`. */
export function admin(msp = OWNER, txTimeMs = T0_MS): TxOptions {
  return { mspId: msp, attrs: { 'feeds.admin': 'true' }, txTimeMs };
}

/** Transaction options for a plain client of `msp`. */
export function member(msp = OWNER, txTimeMs = T0_MS): TxOptions {
  return { mspId: msp, txTimeMs };
}

/** A test oracle: its id, its private key and its public key as PEM. */
export type TestOracle = Oracle;

/** Generates `n` oracles with real keys. */
export function makeOracles(
  n: number,
  keyType: OracleKeyType = 'p256',
  prefix = 'o',
): TestOracle[] {
  return newOracles(
    Array.from({ length: n }, () => keyType),
    prefix,
  );
}

/** A feed definition for `createFeed`. */
export function feedInput(oracles: TestOracle[], overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    feedId: 'eth-usd',
    description: 'ETH / USD',
    decimals: 8,
    oracles: oracles.map((o) => ({ id: o.id, publicKey: o.publicKeyPem })),
    f: 1,
    minAnswer: '1',
    maxAnswer: '100000000000000',
    heartbeatSeconds: 3600,
    deviationThresholdPpb: 5_000_000,
    ...overrides,
  });
}

/** A fresh ledger, contract and 4-oracle P-256 feed `eth-usd` (f=1) owned by Org1MSP. */
export async function setup(
  n = 4,
  overrides: Record<string, unknown> = {},
  keyType: OracleKeyType = 'p256',
): Promise<{
  ledger: FakeLedger;
  contract: FeedsContract;
  oracles: TestOracle[];
  feed: FeedRecord;
}> {
  const ledger = new FakeLedger();
  const contract = new FeedsContract();
  const oracles = makeOracles(n, keyType);
  const feed = JSON.parse(
    await ledger.submit(contract, admin(), (c, ctx) =>
      c.createFeed(ctx, feedInput(oracles, overrides)),
    ),
  ) as FeedRecord;
  return { ledger, contract, oracles, feed };
}

/** Options for {@link makeReport}. */
export interface ReportOptions {
  roundId?: string;
  observationsTimestamp?: number;
  /** Value per observing oracle index; default every oracle observes 100000000000 + index. */
  values?: Record<number, string>;
  /** Indices that sign; default all. */
  signers?: number[];
  configDigest?: string;
  feedId?: string;
}

/** Builds a report signed with the oracles' real keys. */
export function makeReport(
  feed: FeedRecord,
  oracles: TestOracle[],
  opts: ReportOptions = {},
): ReportInput {
  const values =
    opts.values ?? Object.fromEntries(oracles.map((_, i) => [i, String(100_000_000_000 + i)]));
  const body = {
    feedId: opts.feedId ?? feed.feedId,
    roundId: opts.roundId ?? '1',
    observationsTimestamp: opts.observationsTimestamp ?? T0 - 5,
    configDigest: opts.configDigest ?? feed.configDigest,
    observations: Object.entries(values).map(([i, value]) => ({ oracle: Number(i), value })),
  };
  const bytes = encodeReport(body);
  const signers = opts.signers ?? oracles.map((_, i) => i);
  return {
    ...body,
    signatures: signers.map((i) => ({ oracle: i, signature: signWith(oracles[i]!, bytes) })),
  };
}

/** Signs bytes the way an oracle does. */
export const signWith = signAs;

/** Asserts that a promise rejects with a ChaincodeError of the given code. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<ChaincodeError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected [${code}]`).to.be.instanceOf(ChaincodeError);
  const err = caught as ChaincodeError;
  expect(err.code).to.equal(code);
  expect(err.message.startsWith(`[${code}] `)).to.equal(true);
  return err;
}

/**
 * Asserts that a submitted transaction fails with `code`, attempted no write before failing, and
 * left the ledger unchanged.
 */
export async function expectRejected(
  ledger: FakeLedger,
  run: () => Promise<unknown>,
  code: string,
): Promise<ChaincodeError> {
  const before = ledger.snapshot();
  const err = await expectCode(run(), code);
  expect(ledger.lastTxWrites, 'writes attempted before the rejection').to.equal(0);
  expect(ledger.snapshot()).to.equal(before);
  return err;
}
