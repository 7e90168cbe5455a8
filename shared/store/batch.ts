import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';

const BATCH_GET_MAX_KEYS = 100;
const BATCH_WRITE_MAX_ITEMS = 25;

/** Unprocessed keys or items mean the table is throttling: back off before asking again. */
const backoff = (attempt: number) => sleep(Math.min(1000, 25 * 2 ** attempt));

/** Reads items by key, 100 a call, asking again for what DynamoDB left unprocessed. */
export const batchGetItems = async (
  tableName: string,
  itemKeys: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> => {
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < itemKeys.length; start += BATCH_GET_MAX_KEYS) {
    let pending = itemKeys.slice(start, start + BATCH_GET_MAX_KEYS);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const result = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
      );
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
};

/** Writes or deletes 25 items a call, re-sending what DynamoDB left unprocessed. */
export const batchWriteItems = async (
  tableName: string,
  requests: readonly Record<string, unknown>[],
): Promise<void> => {
  for (let start = 0; start < requests.length; start += BATCH_WRITE_MAX_ITEMS) {
    let pending = requests.slice(start, start + BATCH_WRITE_MAX_ITEMS);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const result = await dynamo().send(
        new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
      );
      pending = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  }
};
