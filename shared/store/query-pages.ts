import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { cursorAt, decodeCursor, encodeCursor, type IndexRange } from '#shared/store/cursor';

export type { IndexName, IndexRange } from '#shared/store/cursor';

/** Yields a query's result page by page, so a large segment or campaign never sits in memory whole. */
export async function* queryPages(
  input: QueryCommandInput,
): AsyncGenerator<Record<string, unknown>[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item of one partition whose sort key starts with a prefix, parsed, in key order. */
export const itemsWithPrefix = async <T>(
  tableName: string,
  key: { pk: string; prefix: string },
  parse: (item: Record<string, unknown>) => T,
): Promise<T[]> => {
  const items: T[] = [];
  for await (const page of queryPages({
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': key.pk, ':prefix': key.prefix },
  })) {
    items.push(...page.map(parse));
  }
  return items;
};

/** A condition on an item's own attributes, applied by DynamoDB to the items a page reads. */
export interface ItemFilter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * One page of a list served by an index. Without a filter it holds `limit` items. With one, at
 * most `budget` items are read for it (DynamoDB's Limit counts items read, before the filter),
 * so a rare match costs a bounded read: the page may hold fewer than `limit`, even none, and
 * still carry a cursor. The list has ended exactly when a page has no cursor.
 */
export const indexPage = async <T>(
  tableName: string,
  range: IndexRange,
  page: {
    limit: number;
    budget: number;
    descending?: boolean | undefined;
    cursor?: string | undefined;
    filter?: ItemFilter | undefined;
    parse: (item: Record<string, unknown>) => T;
  },
): Promise<{ items: T[]; cursor?: string }> => {
  const { index } = range;
  const names: Record<string, string> = { '#ipk': `${index}pk` };
  const values: Record<string, unknown> = { ':partition': range.partition };
  let condition = '#ipk = :partition';
  if (range.prefix !== undefined || range.between) names['#isk'] = `${index}sk`;
  if (range.prefix !== undefined) {
    condition += ' AND begins_with(#isk, :prefix)';
    values[':prefix'] = range.prefix;
  } else if (range.between) {
    condition += ' AND #isk BETWEEN :low AND :high';
    values[':low'] = range.between[0];
    values[':high'] = range.between[1];
  }
  const kept: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined = page.cursor
    ? decodeCursor(page.cursor, range)
    : undefined;
  let read = 0;
  for (;;) {
    const answer = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index,
        KeyConditionExpression: condition,
        ...(page.filter ? { FilterExpression: page.filter.expression } : {}),
        ExpressionAttributeNames: { ...names, ...page.filter?.names },
        ExpressionAttributeValues: { ...values, ...page.filter?.values },
        ScanIndexForward: !page.descending,
        // Unfiltered, one item more than the page needs: a last page then has no cursor.
        Limit: page.filter ? page.budget - read : page.limit - kept.length + 1,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    read += answer.ScannedCount ?? 0;
    const items = answer.Items ?? [];
    const room = page.limit - kept.length;
    kept.push(...items.slice(0, room));
    const more = items.length > room || answer.LastEvaluatedKey !== undefined;
    if (kept.length >= page.limit) {
      const last = kept.at(-1);
      return {
        items: kept.map(page.parse),
        ...(more && last ? { cursor: cursorAt(last, index) } : {}),
      };
    }
    if (!answer.LastEvaluatedKey) return { items: kept.map(page.parse) };
    start = answer.LastEvaluatedKey;
    if (read >= page.budget) {
      return {
        items: kept.map(page.parse),
        cursor: encodeCursor(answer.LastEvaluatedKey as Record<string, string>),
      };
    }
  }
};
