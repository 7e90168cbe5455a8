import { z } from 'zod';
import { ValidationError } from '#shared/errors';
import { hasLoneSurrogate } from '#shared/text/well-formed';

/**
 * A page's cursor is the key DynamoDB stops at in an index (table and index keys), as base64url
 * JSON. It comes back from the client, so before DynamoDB sees it, it is checked against the
 * query it claims to continue: exactly these four text keys, in the partition queried, within
 * the sort-key range queried. A forged cursor can at most choose where a page of the same list
 * starts; anything else is a 400, never a DynamoDB error answered as a 500.
 */
export type IndexKey = Record<string, string>;

export type IndexName = 'gsi1' | 'gsi2' | 'gsi3' | 'gsi4';

/** Where a query reads: one partition of one index, optionally a prefix or range of its sort key. */
export interface IndexRange {
  index: IndexName;
  partition: string;
  /** The table partition family every item of this list is in (`POST#`). */
  items: string;
  /** The sort key begins with this. */
  prefix?: string | undefined;
  /** The sort key lies between these (inclusive), text order. */
  between?: readonly [string, string] | undefined;
}

const KeyText = z
  .string()
  .min(1)
  .max(1024)
  .refine((text) => !hasLoneSurrogate(text));

export const foreignCursor = () =>
  new ValidationError('That cursor did not come from this list', [
    { field: 'query.cursor', message: 'not a cursor this API returned for this query' },
  ]);

export const encodeCursor = (key: IndexKey): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

/** The index key of an item read from `range.index`, as a cursor. */
export const cursorAt = (item: Record<string, unknown>, index: IndexName): string =>
  encodeCursor({
    pk: String(item.pk),
    sk: String(item.sk),
    [`${index}pk`]: String(item[`${index}pk`]),
    [`${index}sk`]: String(item[`${index}sk`]),
  });

export const decodeCursor = (cursor: string, range: IndexRange): IndexKey => {
  const pkName = `${range.index}pk`;
  const skName = `${range.index}sk`;
  const shape = z.strictObject({ pk: KeyText, sk: KeyText, [pkName]: KeyText, [skName]: KeyText });
  let parsed: ReturnType<typeof shape.safeParse> | undefined;
  try {
    parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    // Not JSON: the same answer as JSON of the wrong shape.
  }
  if (!parsed?.success) throw foreignCursor();
  const key = parsed.data as IndexKey;
  const position = key[skName] ?? '';
  if (
    key[pkName] !== range.partition ||
    !(key.pk ?? '').startsWith(range.items) ||
    (range.prefix !== undefined && !position.startsWith(range.prefix)) ||
    (range.between !== undefined && (position < range.between[0] || position > range.between[1]))
  ) {
    throw foreignCursor();
  }
  return key;
};
