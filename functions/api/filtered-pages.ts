/**
 * The most pages of an index one list request reads while a filter drops items it may not show
 * (the review queue's posts the caller may not review, the library's other topics). Each page
 * reads at most `limit` items, so a request reads at most PAGE_BUDGET × limit of them, however
 * many are filtered out; the rest is for the next request.
 */
export const PAGE_BUDGET = 5;

/** Said in the description of every route answered this way. */
export const PAGING_NOTE = `One request reads at most ${PAGE_BUDGET} pages of up to \`limit\` items and answers with what it found there: fewer items than \`limit\` (even none) does not mean the end; the end is an answer without \`cursor\`.`;

/**
 * Reads pages until `limit` items are kept, the index ends, or PAGE_BUDGET pages were read; the
 * cursor continues after the last item read. A page never reads more than can still be kept, so
 * the cursor skips nothing.
 */
export const filteredPages = async <T>(request: {
  limit: number;
  cursor: string | undefined;
  read: (page: {
    limit: number;
    cursor: string | undefined;
  }) => Promise<{ items: readonly T[]; next?: string | undefined }>;
  keep: (item: T) => boolean;
}): Promise<{ items: T[]; cursor?: string }> => {
  const items: T[] = [];
  let cursor = request.cursor;
  let pages = 0;
  do {
    const page = await request.read({ limit: request.limit - items.length, cursor });
    pages += 1;
    items.push(...page.items.filter(request.keep));
    cursor = page.next;
  } while (cursor && items.length < request.limit && pages < PAGE_BUDGET);
  return { items, ...(cursor ? { cursor } : {}) };
};
