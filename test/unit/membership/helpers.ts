/**
 * Shared set-up for the membership contract's unit tests: a fresh ledger, initialisation, and
 * thin wrappers that submit one transaction each and parse its JSON result.
 */
import { expect } from 'chai';
import { ChaincodeError } from '../../../chaincode/src/lib/errors';
import { MembershipContract } from '../../../chaincode/src/membership';
import type {
  InvitationRecord,
  MembershipErrorCode,
  MembershipEvent,
  ProposalRecord,
  VotingPolicy,
} from '../../../chaincode/src/membership';
import { FakeLedger, type TxOptions } from '../../support/fake-ledger';

/** 2026-01-01T00:00:00Z, the time every test starts at. */
export const T0 = Date.UTC(2026, 0, 1);
export const HOUR = 3_600_000;

export const POLICY_50_GT_24: VotingPolicy = {
  ThresholdPercentage: 50,
  ThresholdComparator: 'GREATER_THAN',
  ProposalDurationInHours: 24,
};

/** Transaction options for an organisation's membership administrator. */
export function admin(mspId: string, txTimeMs = T0, transient?: Record<string, string>): TxOptions {
  return { mspId, txTimeMs, attrs: { 'membership.admin': 'true' }, transient };
}

/** Transaction options for an ordinary client of an organisation (no admin attribute). */
export function client(mspId: string, txTimeMs = T0): TxOptions {
  return { mspId, txTimeMs };
}

export interface World {
  ledger: FakeLedger;
  contract: MembershipContract;
}

/** A ledger with the contract initialised: every founding member's admin confirms in turn. */
export async function initialised(
  members: string[] = ['Org1MSP', 'Org2MSP', 'Org3MSP'],
  policy: VotingPolicy = POLICY_50_GT_24,
): Promise<World> {
  const ledger = new FakeLedger();
  const contract = new MembershipContract();
  for (const founder of members) {
    await ledger.submit(contract, admin(founder), (c, ctx) =>
      c.initialize(ctx, JSON.stringify(policy), JSON.stringify(members)),
    );
  }
  return { ledger, contract };
}

let tokenCounter = 0;

/** Submits createProposal and returns the parsed record. */
export async function propose(
  w: World,
  opts: TxOptions,
  actions: unknown,
  description = 'a proposal',
  token = `token-${++tokenCounter}`,
): Promise<ProposalRecord> {
  const out = await w.ledger.submit(w.contract, opts, (c, ctx) =>
    c.createProposal(ctx, JSON.stringify(actions), description, token),
  );
  return JSON.parse(out) as ProposalRecord;
}

/** Submits voteOnProposal and returns the parsed record. */
export async function vote(
  w: World,
  opts: TxOptions,
  proposalId: string,
  value: string,
): Promise<ProposalRecord> {
  const out = await w.ledger.submit(w.contract, opts, (c, ctx) =>
    c.voteOnProposal(ctx, proposalId, value),
  );
  return JSON.parse(out) as ProposalRecord;
}

/** Reads a proposal back. */
export async function getProposal(w: World, proposalId: string): Promise<ProposalRecord> {
  const out = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
    c.getProposal(ctx, proposalId),
  );
  return JSON.parse(out) as ProposalRecord;
}

/** Reads an invitation back. */
export async function getInvitation(w: World, invitationId: string): Promise<InvitationRecord> {
  const out = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
    c.getInvitation(ctx, invitationId),
  );
  return JSON.parse(out) as InvitationRecord;
}

/** The current members' MSP ids. */
export async function memberIds(w: World): Promise<string[]> {
  const out = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
    c.listMembers(ctx),
  );
  return (JSON.parse(out) as { mspId: string }[]).map((m) => m.mspId);
}

/** The payload of the last committed event, checked to be the membership event. */
export function lastEvent(ledger: FakeLedger): MembershipEvent {
  const event = ledger.events[ledger.events.length - 1];
  expect(event, 'an event was emitted').to.not.equal(undefined);
  expect(event!.name).to.equal('MembershipEvent');
  return JSON.parse(event!.payload.toString('utf8')) as MembershipEvent;
}

/**
 * Asserts the call fails with a ChaincodeError of the given code, attempted no write before
 * failing, and left the ledger (state, private data and events) exactly as before.
 */
export async function expectRejected(
  ledger: FakeLedger,
  call: () => Promise<unknown>,
  code: MembershipErrorCode,
): Promise<ChaincodeError> {
  const before = ledger.snapshot();
  let caught: unknown;
  try {
    await call();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${code}`).to.be.instanceOf(ChaincodeError);
  const error = caught as ChaincodeError;
  expect(error.code).to.equal(code);
  expect(error.message.startsWith(`[${code}] `), error.message).to.equal(true);
  expect(ledger.lastTxWrites, 'writes attempted before the rejection').to.equal(0);
  expect(ledger.snapshot(), 'state untouched').to.equal(before);
  return error;
}
