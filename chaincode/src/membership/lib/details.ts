/**
 * Private proposal details: read from transient data, stored in the private collection, and
 * committed to the public ledger only as a salted hash.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { transientText } from '../../lib/context';
import { canonicalJson } from '@oracle-consortium/protocol';
import { ensure } from '../../lib/errors';

/** Transient field holding the proposal's rationale (UTF-8 text). */
export const TRANSIENT_RATIONALE = 'rationale';
/** Transient field holding the invitee's contact details (UTF-8 text; invitations only). */
export const TRANSIENT_CONTACT = 'contact';
/** Transient field holding the salt (UTF-8 text, 16–256 characters). */
export const TRANSIENT_SALT = 'salt';

/** The longest rationale or contact text accepted. */
export const MAX_DETAIL_LENGTH = 4096;
const MIN_SALT_LENGTH = 16;
const MAX_SALT_LENGTH = 256;

/** The private fields a proposal may carry. */
export interface PrivateFields {
  readonly rationale?: string;
  readonly contact?: string;
}

/** Private fields with the salt that hides them. */
export interface SaltedDetails {
  readonly salt: string;
  readonly fields: PrivateFields;
}

/**
 * The public commitment to a proposal's private details:
 * `hex(SHA-256(UTF-8(salt) ‖ UTF-8(canonicalJson({contact, rationale}))))`, where the JSON has
 * its keys sorted, no whitespace, and an absent field omitted. A client holding the details can
 * recompute it; without the salt the details cannot be guessed from it.
 *
 * @param salt - the salt from the transient field
 * @param fields - the rationale and contact
 * @returns 64 lower-case hex digits
 * @example
 * ```ts
 * detailsHash('0123456789abcdef', { rationale: 'Org3 runs an oracle node' });
 * ```
 */
export function detailsHash(salt: string, fields: PrivateFields): string {
  return createHash('sha256')
    .update(Buffer.from(salt, 'utf8'))
    .update(Buffer.from(canonicalJson(fields), 'utf8'))
    .digest('hex');
}

function optionalText(ctx: Context, field: string): string | undefined {
  const text = transientText(ctx, field);
  if (text === undefined) {
    return undefined;
  }
  ensure(
    text.length > 0 && text.length <= MAX_DETAIL_LENGTH,
    'MALFORMED_INPUT',
    `transient ${field} must be 1-${MAX_DETAIL_LENGTH} characters`,
  );
  return text;
}

/**
 * Reads a proposal's private details from transient data.
 *
 * @param ctx - the transaction context
 * @param isInvitation - whether the proposal invites (only then may it carry a contact)
 * @returns the salted details, or undefined when neither rationale nor contact was given
 * @throws ChaincodeError `MALFORMED_INPUT` for empty or oversized fields, a contact on a removal,
 *   or a salt of the wrong length
 * @throws ChaincodeError `SALT_REQUIRED` when details come without a salt
 */
export function readPrivateDetails(ctx: Context, isInvitation: boolean): SaltedDetails | undefined {
  const rationale = optionalText(ctx, TRANSIENT_RATIONALE);
  const contact = optionalText(ctx, TRANSIENT_CONTACT);
  ensure(
    contact === undefined || isInvitation,
    'MALFORMED_INPUT',
    'contact details belong to invitation proposals only',
  );
  const salt = transientText(ctx, TRANSIENT_SALT);
  if (rationale === undefined && contact === undefined) {
    return undefined;
  }
  ensure(salt !== undefined, 'SALT_REQUIRED', 'private details need a transient salt');
  ensure(
    salt.length >= MIN_SALT_LENGTH && salt.length <= MAX_SALT_LENGTH,
    'MALFORMED_INPUT',
    `transient salt must be ${MIN_SALT_LENGTH}-${MAX_SALT_LENGTH} characters`,
  );
  return { salt, fields: { rationale, contact } };
}
