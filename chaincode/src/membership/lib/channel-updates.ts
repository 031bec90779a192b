/**
 * The channel update use cases: a member posts the `common.ConfigUpdate` that carries out an
 * approved channel change, organisation admins post their signatures over it, and once a member
 * broadcast it, the chain records the new config sequence and the channel's new organisations.
 * No signed file travels between members: everything the broadcaster needs is on the ledger.
 *
 * The chain keeps its own view of the channel (`membership.channelState`): the config sequence
 * last recorded and the organisations in the channel. It is written at initialisation (the
 * founders, sequence 0); a ledger initialised before it existed falls back to the registry (see
 * {@link readChannelState}). Updates are staleness-checked against that sequence: the ordering
 * service would refuse an update built on an older configuration anyway, and a signature on one
 * is wasted.
 */
import type { Context } from 'fabric-contract-api';
import { txTimeIso } from '../../lib/context';
import { ensure, fail } from '../../lib/errors';
import { readKeyPage } from '../../lib/pages';
import { readAll, readJson, writeJson } from '../../lib/state';
import {
  channelUpdateId,
  checkConfigUpdate,
  decodeConfigUpdate,
  isAdminCertificate,
  requiredSignatures,
  signerOf,
  verifyConfigSignature,
} from '../channel-update-rules';
import type {
  ChannelChangeRecord,
  ChannelConfigState,
  ChannelUpdatePage,
  ChannelUpdateRecord,
  ChannelUpdateSignature,
  MembershipEventType,
} from '../types';
import { KEY_TYPES, key } from './keys';
import { emit, readMembers, saveChannelChange } from './store';

/**
 * The channel as the chain knows it. A ledger initialised before the chain kept this record
 * falls back to the members in the registry, plus members whose removal is not applied yet (the
 * registry drops them at approval, the channel only when the update is applied), minus invitees
 * whose addition is not applied yet; its sequence is then 0 (unknown).
 *
 * @param ctx - the transaction context
 * @returns the recorded sequence and organisations, sorted
 */
export async function readChannelState(ctx: Context): Promise<ChannelConfigState> {
  const stored = await readJson<ChannelConfigState>(ctx, key(ctx, KEY_TYPES.channelState));
  if (stored !== undefined) {
    return stored;
  }
  const changes = await readAll<ChannelChangeRecord>(ctx, KEY_TYPES.channelChange, []);
  const pending = changes.filter((c) => c.status !== 'APPLIED');
  const orgs = new Set((await readMembers(ctx)).map((m) => m.mspId));
  for (const change of pending) {
    if (change.action === 'REMOVE_ORG') orgs.add(change.mspId);
    else orgs.delete(change.mspId);
  }
  return { sequence: '0', organizations: [...orgs].sort() };
}

/**
 * Writes the chain's view of the channel.
 *
 * @param ctx - the transaction context
 * @param state - the sequence and organisations
 */
export function saveChannelState(ctx: Context, state: ChannelConfigState): Promise<void> {
  return writeJson(ctx, key(ctx, KEY_TYPES.channelState), {
    sequence: state.sequence,
    organizations: [...state.organizations].sort(),
  });
}

/**
 * The caller's MSP id, checked to be an organisation of the channel.
 *
 * @param ctx - the transaction context
 * @param state - the channel state
 * @param what - the action, for the message
 * @returns the MSP id
 * @throws ChaincodeError `NOT_A_MEMBER` otherwise
 */
function requireChannelOrg(ctx: Context, state: ChannelConfigState, what: string): string {
  const mspId = ctx.clientIdentity.getMSPID();
  ensure(
    state.organizations.includes(mspId),
    'NOT_A_MEMBER',
    `${what} is for organisations of the channel (${state.organizations.join(', ')}), not ${mspId}`,
  );
  return mspId;
}

async function loadChannelChange(
  ctx: Context,
  proposalId: string,
  mspId: string,
): Promise<ChannelChangeRecord> {
  const change = await readJson<ChannelChangeRecord>(
    ctx,
    key(ctx, KEY_TYPES.channelChange, proposalId, mspId),
  );
  return (
    change ??
    fail(
      'CHANNEL_CHANGE_NOT_FOUND',
      `no approved channel change of ${mspId} by proposal ${proposalId} (see listChannelChanges)`,
    )
  );
}

function readUpdate(ctx: Context, updateId: string): Promise<ChannelUpdateRecord | undefined> {
  return readJson<ChannelUpdateRecord>(ctx, key(ctx, KEY_TYPES.channelUpdate, updateId));
}

async function loadUpdate(ctx: Context, updateId: string): Promise<ChannelUpdateRecord> {
  return (
    (await readUpdate(ctx, updateId)) ??
    fail('CHANNEL_UPDATE_NOT_FOUND', `channel update ${updateId} does not exist`)
  );
}

function saveUpdate(ctx: Context, update: ChannelUpdateRecord): Promise<void> {
  return writeJson(ctx, key(ctx, KEY_TYPES.channelUpdate, update.updateId), update);
}

/** Refuses an update built on a config older than the chain's recorded sequence. */
function requireNotStale(update: ChannelUpdateRecord, state: ChannelConfigState): void {
  ensure(
    BigInt(update.baseSequence) >= BigInt(state.sequence),
    'STALE_CONFIG_SEQUENCE',
    `channel update ${update.updateId} was built on config sequence ${update.baseSequence}; the channel is at ${state.sequence} since, so it must be rebuilt`,
  );
}

/** What `proposeChannelUpdate` is asked to record. */
export interface UpdateRequest {
  /** The approving proposal. */
  readonly proposalId: string;
  /** The organisation added or removed. */
  readonly mspId: string;
  /** The `common.ConfigUpdate` bytes. */
  readonly configUpdate: Buffer;
  /** The config sequence it was built on. */
  readonly baseSequence: bigint;
}

/**
 * Posts the config update that carries out an approved channel change. Re-posting the same
 * bytes returns the existing record and writes nothing; an update built on a later config
 * sequence supersedes the change's current one.
 *
 * @param ctx - the transaction context
 * @param request - the change and the update
 * @returns the update record
 * @throws ChaincodeError `NOT_A_MEMBER`, `CHANNEL_CHANGE_NOT_FOUND`, `CHANGE_ALREADY_APPLIED`,
 *   `STALE_CONFIG_SEQUENCE`, `INVALID_CONFIG_UPDATE`, `WRONG_CHANNEL`, `CONFIG_UPDATE_MISMATCH`,
 *   `UPDATE_ALREADY_PROPOSED`
 */
export async function proposeChannelUpdate(
  ctx: Context,
  request: UpdateRequest,
): Promise<ChannelUpdateRecord> {
  const state = await readChannelState(ctx);
  const proposer = requireChannelOrg(ctx, state, 'posting a channel update');
  const change = await loadChannelChange(ctx, request.proposalId, request.mspId);
  const updateId = channelUpdateId(request.configUpdate);
  const existing = await readUpdate(ctx, updateId);
  if (
    existing !== undefined &&
    existing.proposalId === change.proposalId &&
    existing.mspId === change.mspId
  ) {
    return existing;
  }
  ensure(
    change.status !== 'APPLIED',
    'CHANGE_ALREADY_APPLIED',
    `the ${change.action} of ${change.mspId} by proposal ${change.proposalId} is already applied (config sequence ${change.appliedSequence ?? '?'})`,
  );
  ensure(
    request.baseSequence >= BigInt(state.sequence),
    'STALE_CONFIG_SEQUENCE',
    `the update is built on config sequence ${request.baseSequence}; the channel is at ${state.sequence}`,
  );
  checkConfigUpdate(decodeConfigUpdate(request.configUpdate), {
    channelId: ctx.stub.getChannelID(),
    action: change.action,
    mspId: change.mspId,
    definition: change.mspDefinition,
    organizations: state.organizations,
  });
  const current =
    change.updateId === undefined ? undefined : await readUpdate(ctx, change.updateId);
  let superseded: ChannelUpdateRecord | undefined;
  if (current !== undefined && current.status !== 'SUPERSEDED') {
    const base = BigInt(current.baseSequence);
    ensure(
      request.baseSequence >= base,
      'STALE_CONFIG_SEQUENCE',
      `the change's current update ${current.updateId} is built on config sequence ${current.baseSequence}, later than ${request.baseSequence}`,
    );
    ensure(
      request.baseSequence > base,
      'UPDATE_ALREADY_PROPOSED',
      `update ${current.updateId} already carries out this change on config sequence ${current.baseSequence}; sign it, or post one built on a later sequence`,
    );
    superseded = { ...current, status: 'SUPERSEDED' };
  }
  const record: ChannelUpdateRecord = {
    updateId,
    proposalId: change.proposalId,
    mspId: change.mspId,
    action: change.action,
    baseSequence: request.baseSequence.toString(),
    configUpdate: request.configUpdate.toString('base64'),
    proposedBy: proposer,
    proposedDate: txTimeIso(ctx),
    signatures: [],
    required: requiredSignatures(state.organizations.length),
    status: 'COLLECTING_SIGNATURES',
  };
  if (superseded !== undefined) {
    await saveUpdate(ctx, superseded);
  }
  await saveUpdate(ctx, record);
  await saveChannelChange(ctx, { ...change, status: 'UPDATE_PROPOSED', updateId });
  emit(ctx, ['ChannelUpdateProposed'], {
    proposalId: change.proposalId,
    mspId: change.mspId,
    updateId,
    updateStatus: record.status,
    ...(superseded === undefined ? {} : { supersededUpdateId: superseded.updateId }),
  });
  return record;
}

/**
 * Adds an organisation admin's signature to a config update; a majority of the channel's
 * organisations makes it READY.
 *
 * @param ctx - the transaction context
 * @param updateId - the update
 * @param signatureHeader - the `common.SignatureHeader` bytes
 * @param signature - the DER ECDSA signature
 * @returns the update record
 * @throws ChaincodeError `CHANNEL_UPDATE_NOT_FOUND`, `CHANGE_ALREADY_APPLIED`,
 *   `STALE_CONFIG_SEQUENCE`, `MALFORMED_INPUT`, `SIGNER_NOT_CALLER`, `NOT_A_MEMBER`,
 *   `NOT_AN_ADMIN`, `ALREADY_SIGNED`, `INVALID_CONFIG_SIGNATURE`
 */
export async function signChannelUpdate(
  ctx: Context,
  updateId: string,
  signatureHeader: Buffer,
  signature: Buffer,
): Promise<ChannelUpdateRecord> {
  const update = await loadUpdate(ctx, updateId);
  ensure(
    update.status !== 'APPLIED',
    'CHANGE_ALREADY_APPLIED',
    `channel update ${updateId} is already applied`,
  );
  ensure(
    update.status !== 'SUPERSEDED',
    'STALE_CONFIG_SEQUENCE',
    `channel update ${updateId} was superseded by an update built on a later config sequence`,
  );
  const state = await readChannelState(ctx);
  requireNotStale(update, state);
  const signer = signerOf(signatureHeader, {
    mspId: ctx.clientIdentity.getMSPID(),
    idBytes: ctx.clientIdentity.getIDBytes(),
  });
  requireChannelOrg(ctx, state, 'signing a channel update');
  ensure(
    isAdminCertificate(signer.certificate),
    'NOT_AN_ADMIN',
    `the signer (${ctx.clientIdentity.getID()}) is not an administrator of ${signer.mspId}: its certificate carries no OU "admin"`,
  );
  ensure(
    !update.signatures.some((s) => s.mspId === signer.mspId),
    'ALREADY_SIGNED',
    `${signer.mspId} already signed channel update ${updateId}`,
  );
  const configUpdate = Buffer.from(update.configUpdate, 'base64');
  verifyConfigSignature(signer.certificate, signatureHeader, configUpdate, signature);
  const entry: ChannelUpdateSignature = {
    mspId: signer.mspId,
    signatureHeader: signatureHeader.toString('base64'),
    signature: signature.toString('base64'),
    signedDate: txTimeIso(ctx),
  };
  const signatures = [...update.signatures, entry].sort((a, b) =>
    a.mspId < b.mspId ? -1 : a.mspId > b.mspId ? 1 : 0,
  );
  const ready = signatures.length >= update.required;
  const next: ChannelUpdateRecord = {
    ...update,
    signatures,
    status: ready ? 'READY' : 'COLLECTING_SIGNATURES',
  };
  await saveUpdate(ctx, next);
  const types: MembershipEventType[] =
    ready && update.status !== 'READY'
      ? ['ChannelUpdateSigned', 'ChannelUpdateReady']
      : ['ChannelUpdateSigned'];
  emit(ctx, types, {
    proposalId: update.proposalId,
    mspId: update.mspId,
    updateId,
    updateStatus: next.status,
    signer: signer.mspId,
  });
  return next;
}

/**
 * Records that a READY update was accepted by the ordering service: the update and its change
 * APPLIED, the chain's config sequence and organisations updated. The ledger cannot see the
 * ordering service, so this is the caller's statement; it must be consistent (a READY update,
 * still current, producing the next sequence). Recording the same sequence again returns the
 * record and writes nothing.
 *
 * @param ctx - the transaction context
 * @param updateId - the update
 * @param newSequence - the channel's config sequence after it
 * @returns the update record
 * @throws ChaincodeError `NOT_A_MEMBER`, `CHANNEL_UPDATE_NOT_FOUND`, `CHANGE_ALREADY_APPLIED`,
 *   `STALE_CONFIG_SEQUENCE`, `UPDATE_NOT_READY`, `MALFORMED_INPUT`
 */
export async function recordChannelUpdateApplied(
  ctx: Context,
  updateId: string,
  newSequence: bigint,
): Promise<ChannelUpdateRecord> {
  const state = await readChannelState(ctx);
  requireChannelOrg(ctx, state, 'recording an applied channel update');
  const update = await loadUpdate(ctx, updateId);
  if (update.status === 'APPLIED' && update.appliedSequence === newSequence.toString()) {
    return update;
  }
  ensure(
    update.status !== 'APPLIED',
    'CHANGE_ALREADY_APPLIED',
    `channel update ${updateId} was recorded applied at config sequence ${update.appliedSequence ?? '?'}`,
  );
  ensure(
    update.status !== 'SUPERSEDED',
    'STALE_CONFIG_SEQUENCE',
    `channel update ${updateId} was superseded by an update built on a later config sequence`,
  );
  ensure(
    update.status === 'READY',
    'UPDATE_NOT_READY',
    `channel update ${updateId} has ${update.signatures.length} of the ${update.required} signatures it needs`,
  );
  requireNotStale(update, state);
  const expected = BigInt(update.baseSequence) + BigInt(1);
  ensure(
    newSequence === expected,
    'MALFORMED_INPUT',
    `an update built on config sequence ${update.baseSequence} produces sequence ${expected}, not ${newSequence}`,
  );
  const change = await loadChannelChange(ctx, update.proposalId, update.mspId);
  const appliedSequence = newSequence.toString();
  const applied: ChannelUpdateRecord = { ...update, status: 'APPLIED', appliedSequence };
  const organizations =
    update.action === 'ADD_ORG'
      ? [...state.organizations.filter((o) => o !== update.mspId), update.mspId]
      : state.organizations.filter((o) => o !== update.mspId);
  await saveUpdate(ctx, applied);
  await saveChannelChange(ctx, { ...change, status: 'APPLIED', updateId, appliedSequence });
  await saveChannelState(ctx, { sequence: appliedSequence, organizations });
  emit(ctx, ['ChannelChangeApplied'], {
    proposalId: update.proposalId,
    mspId: update.mspId,
    updateId,
    updateStatus: 'APPLIED',
    appliedSequence,
  });
  return applied;
}

/**
 * A page of channel updates in update id order.
 *
 * @param ctx - the transaction context
 * @param pageSize - the most updates
 * @param bookmark - where to resume, or empty
 * @returns the page
 */
export async function listChannelUpdates(
  ctx: Context,
  pageSize: number,
  bookmark: string,
): Promise<ChannelUpdatePage> {
  const page = await readKeyPage(ctx, KEY_TYPES.channelUpdate, [], pageSize, bookmark);
  return {
    updates: page.entries.map(
      (e) => JSON.parse(Buffer.from(e.value).toString('utf8')) as ChannelUpdateRecord,
    ),
    bookmark: page.bookmark,
  };
}

/**
 * One channel update.
 *
 * @param ctx - the transaction context
 * @param updateId - the update
 * @returns the record
 * @throws ChaincodeError `CHANNEL_UPDATE_NOT_FOUND` when there is none
 */
export function getChannelUpdate(ctx: Context, updateId: string): Promise<ChannelUpdateRecord> {
  return loadUpdate(ctx, updateId);
}
