import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { isConditionalCheckFailure } from '#shared/errors';
import type { EngagementCounts } from '#shared/networks/network';
import { Share } from '#shared/shares/share';
import { keys, withoutKeys } from '#shared/store/keys';
import { queryPages } from '#shared/store/query-pages';

const pollKeys = (share: Pick<Share, 'network' | 'shareId'>, at: Date) => ({
  gsi2pk: keys.pollQueue(share.network),
  gsi2sk: `${at.toISOString()}#${share.shareId}`,
});

export const createShareStore = (tableName: string) => ({
  async get(shareId: string): Promise<Share | undefined> {
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: tableName, Key: keys.share(shareId), ConsistentRead: true }),
    );
    return Item ? Share.parse(withoutKeys(Item)) : undefined;
  },

  /**
   * Records a share the first time its job is seen (the intent to publish, or a terminal
   * skip/failure). Returns the stored share instead when one exists: the job was delivered before.
   */
  async recordFirst(
    share: Share,
  ): Promise<{ created: true } | { created: false; existing: Share }> {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.share(share.shareId),
            ...share,
            gsi1pk: keys.sharesOfPost(share.postId),
            gsi1sk: share.shareId,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const existing = await this.get(share.shareId);
      if (!existing) throw error;
      return { created: false, existing };
    }
  },

  /** False when another delivery of the same job got there first: it has already ended. */
  async markPublished(
    share: Pick<Share, 'shareId' | 'network'>,
    result: { externalId: string; url: string; publishedAt: Date; firstPollAt: Date },
  ): Promise<boolean> {
    const poll = pollKeys(share, result.firstPollAt);
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.share(share.shareId),
          UpdateExpression:
            'SET #status = :published, externalId = :externalId, #url = :url, publishedAt = :publishedAt, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk',
          ConditionExpression: '#status = :publishing',
          ExpressionAttributeNames: { '#status': 'status', '#url': 'url' },
          ExpressionAttributeValues: {
            ':published': 'published',
            ':publishing': 'publishing',
            ':externalId': result.externalId,
            ':url': result.url,
            ':publishedAt': result.publishedAt.toISOString(),
            ':gsi2pk': poll.gsi2pk,
            ':gsi2sk': poll.gsi2sk,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  },

  /** Ends a share that was in `publishing` in a terminal state other than published. */
  async markEnded(shareId: string, status: 'failed' | 'unknown', reason: string): Promise<void> {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.share(shareId),
        UpdateExpression: 'SET #status = :status, reason = :reason',
        ConditionExpression: '#status = :publishing',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': status,
          ':reason': reason,
          ':publishing': 'publishing',
        },
      }),
    );
  },

  async dueForPoll(network: string, now: Date, limit: number): Promise<Share[]> {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
        ExpressionAttributeValues: {
          ':pk': keys.pollQueue(network),
          ':now': `${now.toISOString()}#\uffff`,
        },
        Limit: limit,
      }),
    );
    return Items.map((item) => Share.parse(withoutKeys(item)));
  },

  /**
   * Stores one reading as a snapshot and as the share's latest counts, together. The snapshot's
   * key is the reading time, so a replayed poll writes nothing twice; `nextPollAt` null (or a
   * deleted post) takes the share out of the poll index.
   */
  async recordReading(
    share: Pick<Share, 'shareId' | 'network'>,
    at: Date,
    reading: { counts: EngagementCounts } | { deleted: true },
    nextPoll: Date | null,
  ): Promise<void> {
    const atIso = at.toISOString();
    const deleted = 'deleted' in reading;
    const sets = [
      'lastPolledAt = :at',
      deleted ? 'deletedOnNetwork = :true' : 'engagement = :counts',
    ];
    const values: Record<string, unknown> = deleted
      ? { ':true': true }
      : { ':counts': reading.counts };
    if (nextPoll && !deleted) {
      sets.push('gsi2sk = :gsi2sk');
      values[':gsi2sk'] = pollKeys(share, nextPoll).gsi2sk;
    }
    const removes = nextPoll && !deleted ? '' : ' REMOVE gsi2pk, gsi2sk';
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...keys.snapshot(share.shareId, atIso),
                  shareId: share.shareId,
                  at: atIso,
                  ...(deleted ? { deleted: true } : reading.counts),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: keys.share(share.shareId),
                UpdateExpression: `SET ${sets.join(', ')}${removes}`,
                ConditionExpression: 'attribute_not_exists(lastPolledAt) OR lastPolledAt < :at',
                ExpressionAttributeValues: { ':at': atIso, ...values },
              },
            },
          ],
        }),
      );
    } catch (error) {
      // Same reading stored already, or a newer one: nothing left to do.
      if (!isConditionalCheckFailure(error)) throw error;
    }
  },

  async *sharesOfPost(postId: string): AsyncGenerator<Share[]> {
    for await (const items of queryPages({
      TableName: tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.sharesOfPost(postId) },
    })) {
      yield items.map((item) => Share.parse(withoutKeys(item)));
    }
  },
});

export type ShareStore = ReturnType<typeof createShareStore>;
