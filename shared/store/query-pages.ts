import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';

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
