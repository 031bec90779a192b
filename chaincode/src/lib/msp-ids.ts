/**
 * The one MSP-id rule of both contracts: what a well-formed id is, and when two ids name one
 * organisation.
 *
 * Well-formed: a letter or digit, then letters, digits, `.`, `_`, `-`; 1–128 characters. That
 * covers every MSP id Fabric's tooling generates and keeps an id safe as a composite-key attribute
 * and inside a collection name (`_implicit_org_<MSP>`).
 *
 * MSP ids that differ only in case name one organisation, in both contracts.
 *
 * Fabric itself compares MSP ids exactly, so `Org1MSP` and `org1msp` could be two organisations
 * of one channel. The contracts refuse that: such a pair reads as one name to every person who
 * votes on a proposal, grants a subscription or reads a log, so a look-alike organisation could be
 * invited, subscribed or counted beside the real one. A second id that differs from a known one
 * only in case is therefore a duplicate of it, and where an id must name a known organisation
 * (a removal, a revocation) it must match exactly, with the error naming the known spelling.
 * MSP ids are ASCII (`[A-Za-z0-9._-]`), so lower-casing is the whole fold.
 */
import { ensure } from './errors';

/** A well-formed MSP id (see the file comment). */
export const MSP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Parses an MSP id argument or field.
 *
 * @param value - the candidate
 * @param what - the argument's name for the error message
 * @returns the MSP id, as given
 * @throws ChaincodeError `MALFORMED_INPUT` when it does not match {@link MSP_ID_PATTERN}
 */
export function parseMspId(value: unknown, what: string): string {
  ensure(
    typeof value === 'string' && MSP_ID_PATTERN.test(value),
    'MALFORMED_INPUT',
    `${what} must be an MSP id (letters, digits, . _ -; at most 128), got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`,
  );
  return value;
}

/**
 * The case-folded form of an MSP id, for comparisons only (ids are stored as given).
 *
 * @param mspId - a well-formed MSP id
 * @returns the id in lower case
 */
export function foldMspId(mspId: string): string {
  return mspId.toLowerCase();
}

/**
 * The first id of `known` that names the same organisation as `mspId` (equal ignoring case).
 *
 * @param known - the ids to search
 * @param mspId - the id to look for
 * @returns the matching known id, or `undefined`
 */
export function sameOrganisation(known: readonly string[], mspId: string): string | undefined {
  const folded = foldMspId(mspId);
  return known.find((k) => foldMspId(k) === folded);
}

/** The explanation every case-variant error message ends with. */
export const CASE_RULE = 'MSP ids that differ only in case name one organisation';
