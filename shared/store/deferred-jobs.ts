import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { ShareJob } from '#shared/shares/share';
import { batchWriteItems } from '#shared/store/batch';
import { keys } from '#shared/store/keys';

/** Spreads the due index over partitions, so a 100,000-job campaign does not write into one. */
export const DEFERRED_SHARDS = 16;

export interface DeferredJob {
  job: ShareJob;
  dueAt: Date;
}

const shardOf = (shareId: string) => Number.parseInt(shareId.slice(-2), 16) % DEFERRED_SHARDS;

/**
 * Share jobs due later than SQS can delay them (15 minutes): kept in DynamoDB under their due
 * time, and handed to the queue by the dispatcher shortly before.
 */
export const createDeferredJobStore = (tableName: string) => ({
  async put(jobs: readonly DeferredJob[]): Promise<void> {
    await batchWriteItems(
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
    await batchWriteItems(
      tableName,
      shareIds.map((shareId) => ({ DeleteRequest: { Key: keys.deferredJob(shareId) } })),
    );
  },
});

export type DeferredJobStore = ReturnType<typeof createDeferredJobStore>;
