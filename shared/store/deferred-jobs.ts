import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { ShareJob } from '#shared/shares/share';
import { keys } from '#shared/store/keys';

/** Spreads the due index over partitions, so a 100,000-job campaign does not write into one. */
export const DEFERRED_SHARDS = 16;
const BATCH_WRITE_MAX = 25;

export interface DeferredJob {
  job: ShareJob;
  dueAt: Date;
}

const shardOf = (shareId: string) => Number.parseInt(shareId.slice(-2), 16) % DEFERRED_SHARDS;

/** Writes or deletes 25 items a call, re-sending what DynamoDB left unprocessed. */
const batchWrite = async (
  tableName: string,
  requests: Record<string, unknown>[],
): Promise<void> => {
  for (let start = 0; start < requests.length; start += BATCH_WRITE_MAX) {
    let pending = requests.slice(start, start + BATCH_WRITE_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const result = await dynamo().send(
        new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
      );
      pending = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
      if (pending.length > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
    }
  }
};

/**
 * Share jobs due later than SQS can delay them (15 minutes): kept in DynamoDB under their due
 * time, and handed to the queue by the dispatcher shortly before.
 */
export const createDeferredJobStore = (tableName: string) => ({
  async put(jobs: readonly DeferredJob[]): Promise<void> {
    await batchWrite(
      tableName,
      jobs.map(({ job, dueAt }) => ({
        PutRequest: {
          Item: {
            ...keys.deferredJob(job.shareId),
            gsi1pk: keys.deferredJobsDue(shardOf(job.shareId)),
            gsi1sk: `${dueAt.toISOString()}#${job.shareId}`,
            job,
            dueAt: dueAt.toISOString(),
          },
        },
      })),
    );
  },

  async due(shard: number, until: Date, limit: number): Promise<DeferredJob[]> {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :until',
        ExpressionAttributeValues: {
          ':pk': keys.deferredJobsDue(shard),
          ':until': `${until.toISOString()}#\uffff`,
        },
        Limit: limit,
      }),
    );
    return Items.map((item) => ({
      job: ShareJob.parse(item.job),
      dueAt: new Date(String(item.dueAt)),
    }));
  },

  async remove(shareIds: readonly string[]): Promise<void> {
    await batchWrite(
      tableName,
      shareIds.map((shareId) => ({ DeleteRequest: { Key: keys.deferredJob(shareId) } })),
    );
  },
});

export type DeferredJobStore = ReturnType<typeof createDeferredJobStore>;
