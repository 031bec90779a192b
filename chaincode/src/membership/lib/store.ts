/**
 * Reading and writing records. Values are canonical JSON so every endorser writes the same bytes.
 */
import type { Context } from 'fabric-contract-api';
import { toBytes } from '@oracle-consortium/protocol';
import type { VotingPolicy } from '../voting-rules';
import type {
  ChannelChangeRecord,
  InvitationRecord,
  MemberRecord,
  MembershipEvent,
  MembershipEventType,
  PendingInitialization,
  ProposalRecord,
} from '../types';
import { MEMBERSHIP_EVENT } from '../types';
import { txTimeIso } from '../../lib/context';
import { ensure, fail } from './errors';
import { KEY_TYPES, key } from './keys';

/**
 * Reads a JSON record, or undefined when the key is absent.
 *
 * @param ctx - the transaction context
 * @param k - the key
 * @returns the parsed record
 */
export async function readJson<T>(ctx: Context, k: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(k);
  if (bytes.length === 0) {
    return undefined;
  }
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/**
 * Writes a record as canonical JSON.
 *
 * @param ctx - the transaction context
 * @param k - the key
 * @param value - the record
 */
export async function writeJson(ctx: Context, k: string, value: unknown): Promise<void> {
  await ctx.stub.putState(k, toBytes(value));
}

/**
 * Reads every value under a partial composite key, in key order.
 *
 * @param ctx - the transaction context
 * @param type - the object type
 * @param attributes - the leading attributes
 * @returns the parsed records
 */
export async function readAll<T>(ctx: Context, type: string, attributes: string[]): Promise<T[]> {
  const out: T[] = [];
  const iterator = ctx.stub.getStateByPartialCompositeKey(type, attributes);
  for await (const entry of iterator) {
    out.push(JSON.parse(Buffer.from(entry.value).toString('utf8')) as T);
  }
  return out;
}

/**
 * The voting policy; its presence is what "initialised" means. A pending initialisation does not
 * count: the error then names the founders that still have to confirm.
 *
 * @param ctx - the transaction context
 * @returns the policy
 * @throws ChaincodeError `NOT_INITIALIZED` before every founding member has called `initialize`
 */
export async function requirePolicy(ctx: Context): Promise<VotingPolicy> {
  const policy = await readJson<VotingPolicy>(ctx, key(ctx, KEY_TYPES.policy));
  if (policy !== undefined) {
    return policy;
  }
  const pending = await readJson<PendingInitialization>(ctx, key(ctx, KEY_TYPES.initPending));
  if (pending === undefined) {
    return fail('NOT_INITIALIZED', 'the membership contract has not been initialised');
  }
  const waiting = pending.foundingMembers.filter((m) => !pending.confirmations.includes(m));
  return fail(
    'NOT_INITIALIZED',
    `the membership contract is not initialised yet: ${waiting.join(', ')} still ${waiting.length === 1 ? 'has' : 'have'} to confirm initialize (confirmed by ${pending.confirmations.join(', ')})`,
  );
}

/**
 * A member's record, or undefined when the MSP is not a current member.
 *
 * @param ctx - the transaction context
 * @param mspId - the MSP id
 * @returns the record
 */
export function readMember(ctx: Context, mspId: string): Promise<MemberRecord | undefined> {
  return readJson<MemberRecord>(ctx, key(ctx, KEY_TYPES.member, mspId));
}

/**
 * Every current member, ordered by MSP id.
 *
 * @param ctx - the transaction context
 * @returns the member records
 */
export function readMembers(ctx: Context): Promise<MemberRecord[]> {
  return readAll<MemberRecord>(ctx, KEY_TYPES.member, []);
}

/**
 * The caller's MSP id, checked to be a current member.
 *
 * @param ctx - the transaction context
 * @returns the caller's MSP id
 * @throws ChaincodeError `NOT_A_MEMBER` when the caller's organisation is not a member
 */
export async function requireCallerMember(ctx: Context): Promise<string> {
  const mspId = ctx.clientIdentity.getMSPID();
  const member = await readMember(ctx, mspId);
  ensure(member !== undefined, 'NOT_A_MEMBER', `${mspId} is not a member of the network`);
  return mspId;
}

/**
 * Checks that the caller carries the membership administrator attribute.
 *
 * @param ctx - the transaction context
 * @param attribute - the attribute name
 * @param what - the action, for the error message
 * @throws ChaincodeError `NOT_AUTHORIZED` when the attribute is absent or not `true`
 */
export function requireAdmin(ctx: Context, attribute: string, what: string): void {
  ensure(
    ctx.clientIdentity.assertAttributeValue(attribute, 'true'),
    'NOT_AUTHORIZED',
    `${what} needs a client certificate carrying ${attribute}=true`,
  );
}

/**
 * A proposal record.
 *
 * @param ctx - the transaction context
 * @param proposalId - the proposal id
 * @returns the record
 * @throws ChaincodeError `PROPOSAL_NOT_FOUND` when there is none
 */
export async function requireProposal(ctx: Context, proposalId: string): Promise<ProposalRecord> {
  const proposal = await readJson<ProposalRecord>(ctx, key(ctx, KEY_TYPES.proposal, proposalId));
  return proposal ?? fail('PROPOSAL_NOT_FOUND', `proposal ${proposalId} does not exist`);
}

/**
 * Writes a proposal and keeps its status index in step. The index holds one key per proposal
 * under its current status, so a status filter pages exactly.
 *
 * @param ctx - the transaction context
 * @param proposal - the record to write
 * @param previous - the status the index holds now, or undefined for a new proposal
 */
export async function saveProposal(
  ctx: Context,
  proposal: ProposalRecord,
  previous: ProposalRecord['status'] | undefined,
): Promise<void> {
  await writeJson(ctx, key(ctx, KEY_TYPES.proposal, proposal.proposalId), proposal);
  if (previous !== proposal.status) {
    if (previous !== undefined) {
      await ctx.stub.deleteState(
        key(ctx, KEY_TYPES.proposalByStatus, previous, proposal.proposalId),
      );
    }
    // The value is never read, but an empty value would mean "delete" to the peer.
    await writeJson(
      ctx,
      key(ctx, KEY_TYPES.proposalByStatus, proposal.status, proposal.proposalId),
      {
        proposalId: proposal.proposalId,
      },
    );
  }
}

/**
 * An invitation record.
 *
 * @param ctx - the transaction context
 * @param invitationId - the invitation id
 * @returns the record
 * @throws ChaincodeError `INVITATION_NOT_FOUND` when there is none
 */
export async function requireInvitation(
  ctx: Context,
  invitationId: string,
): Promise<InvitationRecord> {
  const invitation = await readJson<InvitationRecord>(
    ctx,
    key(ctx, KEY_TYPES.invitation, invitationId),
  );
  return invitation ?? fail('INVITATION_NOT_FOUND', `invitation ${invitationId} does not exist`);
}

/**
 * Writes an invitation record.
 *
 * @param ctx - the transaction context
 * @param invitation - the record
 */
export function saveInvitation(ctx: Context, invitation: InvitationRecord): Promise<void> {
  return writeJson(ctx, key(ctx, KEY_TYPES.invitation, invitation.invitationId), invitation);
}

/**
 * Records a channel change an approved action calls for.
 *
 * @param ctx - the transaction context
 * @param change - the change
 */
export function saveChannelChange(ctx: Context, change: ChannelChangeRecord): Promise<void> {
  return writeJson(ctx, key(ctx, KEY_TYPES.channelChange, change.proposalId, change.mspId), change);
}

/**
 * Emits the transaction's single event.
 *
 * @param ctx - the transaction context
 * @param types - what happened, in order
 * @param fields - the details
 */
export function emit(
  ctx: Context,
  types: MembershipEventType[],
  fields: Omit<MembershipEvent, 'types' | 'txId' | 'date'>,
): void {
  const event: MembershipEvent = {
    ...fields,
    types,
    txId: ctx.stub.getTxID(),
    date: txTimeIso(ctx),
  };
  ctx.stub.setEvent(MEMBERSHIP_EVENT, toBytes(event));
}
