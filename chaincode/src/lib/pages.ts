/**
 * Paginated reads of a partial composite key, shared by both contracts.
 *
 * fabric-shim hands back `{iterator, metadata}`, but the peer sends the page's metadata as
 * protobuf bytes and proto3 encodes an empty last page (no records, no bookmark) as zero bytes;
 * the shim then sets no `metadata` at all, although its type declares it. Reading
 * `metadata.bookmark` directly crashes every list of an empty collection, so the bookmark is read
 * here, once, and "no metadata" means "no more pages".
 */
import type { Context } from 'fabric-contract-api';

/** One key and value of a page. */
export interface PageEntry {
  /** The composite key. */
  readonly key: string;
  /** The stored bytes. */
  readonly value: Uint8Array;
}

/** The entries of one page and where the next starts. */
export interface KeyPage {
  /** The entries in key order. */
  readonly entries: PageEntry[];
  /** Pass back to read the next page; empty when this was the last. */
  readonly bookmark: string;
}

/**
 * Reads one page of a partial composite key range and closes the iterator. Paginated queries make
 * a transaction read-only in Fabric, so only evaluate-only functions call this.
 *
 * @param ctx - the transaction context
 * @param objectType - the composite key type
 * @param attributes - the leading attributes
 * @param pageSize - the most entries to return
 * @param bookmark - where to resume, or empty for the start
 * @returns the entries and the next bookmark (empty when there is no next page)
 */
export async function readKeyPage(
  ctx: Context,
  objectType: string,
  attributes: string[],
  pageSize: number,
  bookmark: string,
): Promise<KeyPage> {
  const response = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    objectType,
    attributes,
    pageSize,
    bookmark,
  );
  // Typed as always present; absent on an empty last page (see the file comment).
  const metadata = response.metadata as typeof response.metadata | undefined;
  const { iterator } = response;
  const entries: PageEntry[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      entries.push({ key: r.value.key, value: r.value.value });
    }
  } finally {
    await iterator.close();
  }
  return { entries, bookmark: metadata?.bookmark ?? '' };
}
