/**
 * Parsing the membership contract's arguments (the `parse*` convention of `../../lib/inputs.ts`).
 * Each function either returns a well-formed value or raises the coded error for that input,
 * before the transaction reads or writes anything else.
 */
import {
  MspDefinitionError,
  canonicalMspDefinition,
  mspDefinitionHash,
  VOTE_RESULT_FIELD,
  VOTE_RESULT_FORMS,
  isVoteResultForm,
  type MspDefinition,
  type VoteResultForm,
} from '@oracle-consortium/protocol';
import { ensure, fail } from '../../lib/errors';
import { isJsonObject, parseJsonArg } from '../../lib/inputs';
import { CASE_RULE, foldMspId, parseMspId, sameOrganisation } from '../../lib/msp-ids';
import type { InviteAction, ProposalActions, ProposalStatus, VoteValue } from '../types';
import { PROPOSAL_STATUSES } from '../types';
import { validatePolicy, type VotingPolicy } from '../voting-rules';

/** The managed service's limit on a proposal description. */
export const MAX_DESCRIPTION_LENGTH = 128;
/** The most actions one proposal may carry; keeps a single transaction small. */
export const MAX_ACTIONS = 50;

const TOKEN = /^[A-Za-z0-9._:-]{1,64}$/;
const PROPOSAL_ID = /^p-[0-9a-f]{16}$/;
const INVITATION_ID = /^i-[0-9a-f]{16}$/;
const UPDATE_ID = /^[0-9a-f]{64}$/;
const SEQUENCE = /^(0|[1-9][0-9]{0,19})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_UINT64 = (BigInt(1) << BigInt(64)) - BigInt(1);

/**
 * Parses the founding members: a non-empty JSON array of distinct MSP ids (ids that differ only in
 * case are one organisation, so not distinct).
 *
 * @param text - the JSON argument
 * @returns the MSP ids, sorted
 * @throws ChaincodeError `MALFORMED_INPUT` when it is not such an array
 */
export function parseFoundingMembers(text: string): string[] {
  const value = parseJsonArg(text, 'foundingMembers');
  ensure(
    Array.isArray(value) && value.length > 0,
    'MALFORMED_INPUT',
    'foundingMembers must be a non-empty JSON array of MSP ids',
  );
  const ids = value.map((v, i) => parseMspId(v, `foundingMembers[${i}]`));
  ids.forEach((id, i) => {
    const earlier = sameOrganisation(ids.slice(0, i), id);
    ensure(
      earlier === undefined,
      'MALFORMED_INPUT',
      earlier === id
        ? 'foundingMembers lists an MSP id twice'
        : `foundingMembers lists one organisation twice: ${String(earlier)} and ${id} differ only in case`,
    );
  });
  return [...ids].sort();
}

/**
 * Parses an MSP definition (see the protocol's `canonicalMspDefinition`), mapping its errors to
 * the contract's codes.
 *
 * @param value - the parsed JSON value
 * @param what - where it came from, for the error message
 * @returns the canonical definition
 * @throws ChaincodeError `MALFORMED_INPUT`, `INVALID_CERTIFICATE` or `NOT_A_CA_CERTIFICATE`
 */
export function parseMspDefinition(value: unknown, what: string): MspDefinition {
  try {
    return canonicalMspDefinition(value);
  } catch (err) {
    if (err instanceof MspDefinitionError) {
      return fail(err.code, `${what}: ${err.message}`);
    }
    throw err;
  }
}

/**
 * Parses the MSP definition argument of `acceptInvitation`, given as JSON text.
 *
 * @param text - the JSON argument
 * @returns the canonical definition
 * @throws ChaincodeError `MSP_DEFINITION_REQUIRED` when it is empty
 * @throws ChaincodeError `MALFORMED_INPUT`, `INVALID_CERTIFICATE` or `NOT_A_CA_CERTIFICATE`
 */
export function parseMspDefinitionArg(text: string): MspDefinition {
  ensure(
    text !== '',
    'MSP_DEFINITION_REQUIRED',
    'accepting an invitation presents the MSP definition that was voted on',
  );
  return parseMspDefinition(parseJsonArg(text, 'mspDefinition'), 'mspDefinition');
}

/**
 * Binds an invitation entry to its definition: the definition names the principal exactly, and a
 * hash given beside it is the definition's.
 *
 * @param entry - the entry, already known to be an object with a well-formed Principal
 * @param principal - its Principal
 * @param where - `Invitations[i]`, for the error message
 * @returns the invite action in stored form
 */
function parseInvite(
  entry: Record<string, unknown>,
  principal: string,
  where: string,
): InviteAction {
  ensure(
    entry.MspDefinition !== undefined,
    'MSP_DEFINITION_REQUIRED',
    `${where} invites ${principal} without an MspDefinition: a vote binds the organisation's MSP id, root and TLS root certificates`,
  );
  const definition = parseMspDefinition(entry.MspDefinition, `${where}.MspDefinition`);
  // Fabric compares MSP ids exactly, and the invitee's clients must carry this exact id.
  ensure(
    definition.mspId === principal,
    'MSP_DEFINITION_MISMATCH',
    `${where}.MspDefinition is for ${definition.mspId}, not ${principal}` +
      (foldMspId(definition.mspId) === foldMspId(principal)
        ? ` (${CASE_RULE}, but the channel spells it exactly)`
        : ''),
  );
  const hash = mspDefinitionHash(definition);
  ensure(
    entry.MspDefinitionHash === undefined || entry.MspDefinitionHash === hash,
    'MSP_DEFINITION_MISMATCH',
    `${where}.MspDefinitionHash ${JSON.stringify(entry.MspDefinitionHash)} is not the hash of its MspDefinition (${hash})`,
  );
  return { Principal: principal, MspDefinition: definition, MspDefinitionHash: hash };
}

function parseList<T>(
  value: unknown,
  listName: string,
  field: string,
  make: (id: string, entry: Record<string, unknown>, where: string) => T,
  optional: readonly string[] = [],
): T[] {
  ensure(Array.isArray(value), 'MALFORMED_INPUT', `${listName} must be a JSON array`);
  ensure(
    value.length <= MAX_ACTIONS,
    'MALFORMED_INPUT',
    `a proposal carries at most ${MAX_ACTIONS} actions, got ${value.length}`,
  );
  const seen: string[] = [];
  return value.map((entry, i) => {
    ensure(
      isJsonObject(entry) &&
        field in entry &&
        Object.keys(entry).every((k) => k === field || optional.includes(k)),
      'MALFORMED_INPUT',
      `${listName}[${i}] must be an object with the field ${field}` +
        (optional.length === 0 ? ' only' : ` and optionally ${optional.join(', ')}`),
    );
    const id = parseMspId(entry[field], `${listName}[${i}].${field}`);
    const earlier = sameOrganisation(seen, id);
    ensure(
      earlier === undefined,
      'DUPLICATE_ACTION',
      earlier === id
        ? `${listName} names ${id} more than once`
        : `${listName} names ${id} more than once (as ${String(earlier)}; ${CASE_RULE})`,
    );
    seen.push(id);
    return make(id, entry, `${listName}[${i}]`);
  });
}

/**
 * Parses a proposal's actions: `{"Invitations":[{"Principal":"Org3MSP","MspDefinition":{…}}]}`
 * (optionally with `MspDefinitionHash`, checked) or `{"Removals":[{"MemberId":"Org2MSP"}]}`.
 *
 * @param text - the JSON argument
 * @returns the actions, in the order given
 * @throws ChaincodeError `MALFORMED_INPUT` when the JSON or its shape is wrong
 * @throws ChaincodeError `MIXED_ACTIONS` when both lists are non-empty
 * @throws ChaincodeError `EMPTY_ACTIONS` when neither list has an entry
 * @throws ChaincodeError `DUPLICATE_ACTION` when a list names the same MSP id twice (in any case)
 * @throws ChaincodeError `MSP_DEFINITION_REQUIRED` when an invitation has no MspDefinition
 * @throws ChaincodeError `MSP_DEFINITION_MISMATCH` when the definition names another MSP id or the
 *   hash given is not its hash
 * @throws ChaincodeError `INVALID_CERTIFICATE` or `NOT_A_CA_CERTIFICATE` for a bad certificate
 */
export function parseActions(text: string): ProposalActions {
  const value = parseJsonArg(text, 'actions');
  ensure(isJsonObject(value), 'MALFORMED_INPUT', 'actions must be a JSON object');
  for (const k of Object.keys(value)) {
    ensure(
      k === 'Invitations' || k === 'Removals',
      'MALFORMED_INPUT',
      `actions has an unknown field ${k}`,
    );
  }
  const invitations = parseList(
    value.Invitations ?? [],
    'Invitations',
    'Principal',
    (id, entry, where) => parseInvite(entry, id, where),
    ['MspDefinition', 'MspDefinitionHash'],
  );
  const removals = parseList(value.Removals ?? [], 'Removals', 'MemberId', (id) => ({
    MemberId: id,
  }));
  ensure(
    invitations.length === 0 || removals.length === 0,
    'MIXED_ACTIONS',
    'a proposal carries invitations or removals, never both',
  );
  if (invitations.length > 0) {
    return { Invitations: invitations };
  }
  ensure(removals.length > 0, 'EMPTY_ACTIONS', 'a proposal needs at least one action');
  return { Removals: removals };
}

/**
 * Checks a description: at most {@link MAX_DESCRIPTION_LENGTH} characters (code points).
 *
 * @param description - the argument
 * @returns the description
 * @throws ChaincodeError `DESCRIPTION_TOO_LONG` beyond the limit
 */
export function parseDescription(description: string): string {
  // Code points, not UTF-16 units: a limit of characters should not halve for non-Latin text.
  const length = Array.from(description).length;
  ensure(
    length <= MAX_DESCRIPTION_LENGTH,
    'DESCRIPTION_TOO_LONG',
    `description has ${length} characters, at most ${MAX_DESCRIPTION_LENGTH} are allowed`,
  );
  return description;
}

/**
 * Checks an idempotency token: 1–64 of letters, digits, `.`, `_`, `:`, `-`.
 *
 * @param token - the argument
 * @returns the token
 * @throws ChaincodeError `MALFORMED_INPUT` otherwise
 */
export function parseToken(token: string): string {
  ensure(
    TOKEN.test(token),
    'MALFORMED_INPUT',
    'clientRequestToken must be 1-64 letters, digits or . _ : -',
  );
  return token;
}

/**
 * Checks a vote.
 *
 * @param vote - the argument
 * @returns `YES` or `NO`
 * @throws ChaincodeError `INVALID_VOTE` for anything else (case matters)
 */
export function parseVote(vote: string): VoteValue {
  if (vote === 'YES' || vote === 'NO') {
    return vote;
  }
  return fail('INVALID_VOTE', `a vote is YES or NO, got ${JSON.stringify(vote)}`);
}

/** The transient field in which a voting client names the members whose votes it has read. */
export const VOTERS_CAST_FIELD = 'votersCast';

/** The most voters `votersCast` may name: more than any consortium's member count. */
export const MAX_VOTERS_CAST = 1000;

/**
 * Parses the optional `votersCast` transient field: a JSON array of the MSP ids whose votes the
 * client read (`listProposalVotes`) before voting. It is only a hint of which vote keys exist; the
 * contract reads each named key and counts only the votes it finds.
 *
 * @param text - the field as UTF-8 text, or `undefined` when absent
 * @returns the distinct MSP ids, or `undefined` when the field is absent
 * @throws ChaincodeError `MALFORMED_INPUT` when it is not a JSON array of at most
 *   {@link MAX_VOTERS_CAST} MSP ids
 */
export function parseVotersCast(text: string | undefined): string[] | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = parseJsonArg(text, VOTERS_CAST_FIELD);
  ensure(
    Array.isArray(value) && value.length <= MAX_VOTERS_CAST,
    'MALFORMED_INPUT',
    `${VOTERS_CAST_FIELD} must be a JSON array of at most ${MAX_VOTERS_CAST} MSP ids`,
  );
  const ids = (value as unknown[]).map((v, i) => parseMspId(v, `${VOTERS_CAST_FIELD}[${i}]`));
  return [...new Set(ids)];
}

/**
 * Parses the optional `voteResult` transient field: which answer the vote gives.
 *
 * @param text - the field as UTF-8 text, or `undefined` when absent
 * @returns `proposal` (the default) or `tally`
 * @throws ChaincodeError `MALFORMED_INPUT` for any other value
 */
export function parseVoteResult(text: string | undefined): VoteResultForm {
  if (text === undefined) {
    return VOTE_RESULT_FORMS[0];
  }
  ensure(
    isVoteResultForm(text),
    'MALFORMED_INPUT',
    `${VOTE_RESULT_FIELD} must be ${VOTE_RESULT_FORMS.map((f) => JSON.stringify(f)).join(' or ')}, got ${JSON.stringify(text.slice(0, 40))}`,
  );
  return text;
}

/**
 * Checks the shape of a proposal id (`p-` and 16 hex digits).
 *
 * @param proposalId - the argument
 * @returns the id
 * @throws ChaincodeError `MALFORMED_INPUT` otherwise
 */
export function parseProposalId(proposalId: string): string {
  ensure(
    PROPOSAL_ID.test(proposalId),
    'MALFORMED_INPUT',
    `proposalId must be p- and 16 hex digits, got ${JSON.stringify(proposalId)}`,
  );
  return proposalId;
}

/**
 * Checks the shape of an invitation id (`i-` and 16 hex digits).
 *
 * @param invitationId - the argument
 * @returns the id
 * @throws ChaincodeError `MALFORMED_INPUT` otherwise
 */
export function parseInvitationId(invitationId: string): string {
  ensure(
    INVITATION_ID.test(invitationId),
    'MALFORMED_INPUT',
    `invitationId must be i- and 16 hex digits, got ${JSON.stringify(invitationId)}`,
  );
  return invitationId;
}

/**
 * Checks a status filter: empty for all, or one status.
 *
 * @param filter - the argument
 * @returns the status, or undefined for all
 * @throws ChaincodeError `MALFORMED_INPUT` for an unknown status
 */
export function parseStatusFilter(filter: string): ProposalStatus | undefined {
  if (filter === '') {
    return undefined;
  }
  const status = PROPOSAL_STATUSES.find((s) => s === filter);
  return (
    status ??
    fail('MALFORMED_INPUT', `statusFilter must be empty or one of ${PROPOSAL_STATUSES.join(', ')}`)
  );
}

/**
 * Parses the voting policy argument of `initialize`.
 *
 * @param text - the JSON argument
 * @returns the policy
 * @throws ChaincodeError `MALFORMED_INPUT`, `POLICY_OUT_OF_RANGE` (see `validatePolicy`)
 */
export function parsePolicy(text: string): VotingPolicy {
  return validatePolicy(parseJsonArg(text, 'policy'));
}

/**
 * Checks the shape of a channel update id (64 lowercase hex digits, the SHA-256 of its bytes).
 *
 * @param updateId - the argument
 * @returns the id
 * @throws ChaincodeError `MALFORMED_INPUT` otherwise
 */
export function parseUpdateId(updateId: string): string {
  ensure(
    UPDATE_ID.test(updateId),
    'MALFORMED_INPUT',
    `updateId must be 64 lowercase hex digits, got ${JSON.stringify(updateId)}`,
  );
  return updateId;
}

/**
 * Parses a channel config sequence: a decimal uint64 without leading zeros.
 *
 * @param text - the argument
 * @param what - its name, for the error message
 * @returns the sequence
 * @throws ChaincodeError `MALFORMED_INPUT` otherwise
 */
export function parseSequence(text: string, what: string): bigint {
  ensure(
    SEQUENCE.test(text) && BigInt(text) <= MAX_UINT64,
    'MALFORMED_INPUT',
    `${what} must be a decimal config sequence (0 to 2^64-1, no leading zeros), got ${JSON.stringify(text)}`,
  );
  return BigInt(text);
}

/**
 * Decodes a non-empty standard base64 argument (padded, no whitespace), so two spellings of the
 * same bytes cannot both reach the ledger.
 *
 * @param text - the argument
 * @param what - its name, for the error message
 * @returns the bytes
 * @throws ChaincodeError `MALFORMED_INPUT` otherwise
 */
export function parseBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  ensure(
    text.length > 0 && BASE64.test(text) && bytes.toString('base64') === text,
    'MALFORMED_INPUT',
    `${what} must be non-empty standard base64 (padded, no whitespace)`,
  );
  return bytes;
}
