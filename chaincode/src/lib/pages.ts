/**
 * Paginated reads of a partial composite key, and the one page-size rule, shared by both contracts.
 *
 * Page size: 1 to {@link MAX_PAGE_SIZE} (100) records for every list of either contract. A page
 * travels back in one gRPC message, and a gRPC client refuses messages over 4 MiB unless it is
 * configured otherwise (the default of grpc-js, which the gateway uses). The largest records are a
 * proposal (50 actions, its eligible voters and invitation ids: about 20 KB with 100 members) and a
 * feed with 31 oracles (about 7 KB); 100 of either stay near 2 MB, while 1000 feeds (the feeds
 * contract's former limit) could reach 7 MB and fail at the client after the peer did all the work.
 *
 * fabric-shim hands back `{iterator, metadata}`, but the peer sends the page's metadata as
 * protobuf bytes and proto3 encodes an empty last page (no records, no bookmark) as zero bytes;
 * the shim then sets no `metadata` at all, although its type declares it. Reading
 * `metadata.bookmark` directly crashes every list of an empty collection, so the bookmark is read
 * here, once, and "no metadata" means "no more pages".
 */
import type { Context } from 'fabric-contract-api';
import type { Page } from '@oracle-consortium/protocol';
import { ensure } from './errors';

/** The largest page any list function returns (see the file comment for why 100). */
export const MAX_PAGE_SIZE = 100;

/**
 * Parses a page size argument given as decimal text.
 *
 * @param text - the raw argument
 * @returns an integer from 1 to {@link MAX_PAGE_SIZE}
 * @throws ChaincodeError `MALFORMED_INPUT` otherwise
 */
export function parsePageSize(text: string): number {
  ensure(
    /^[1-9][0-9]{0,2}$/.test(text) && Number(text) <= MAX_PAGE_SIZE,
    'MALFORMED_INPUT',
    `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(text)}`,
  );
  return Number(text);
}

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

export type { Page };

/**
 * Reads one page of records under a partial composite key; an empty collection is an empty page
 * with an empty bookmark. Only evaluate-only functions call it (see {@link readKeyPage}).
 *
 * @param ctx - the transaction context
 * @param objectType - the composite key type
 * @param attributes - the leading attributes
 * @param pageSize - the most records to return
 * @param bookmark - where to resume, or empty for the start
 * @returns the page
 */
export async function readPage<T>(
  ctx: Context,
  objectType: string,
  attributes: string[],
  pageSize: number,
  bookmark: string,
): Promise<Page<T>> {
  const page = await readKeyPage(ctx, objectType, attributes, pageSize, bookmark);
  const records = page.entries.map((e) => JSON.parse(Buffer.from(e.value).toString('utf8')) as T);
  return { records, bookmark: page.bookmark, fetchedRecordsCount: records.length };
}
