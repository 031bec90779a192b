/**
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
