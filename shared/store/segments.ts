import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { Segment } from '#shared/employees/segment';
import { NotFoundError } from '#shared/errors';
import type { AuditStore } from '#shared/store/audit';
import { keys, withoutKeys } from '#shared/store/keys';
import { itemsWithPrefix } from '#shared/store/query-pages';

/** Segment definitions: a company has tens or hundreds, kept in one partition and read whole. */
export const createSegmentStore = (tableName: string, audit: AuditStore) => ({
  async put(segment: Segment, previous: Segment | undefined): Promise<void> {
    await audit.commit({
      stream: `segment#${segment.segmentId}`,
      records: [
        {
          at: segment.updatedAt,
          actor: segment.updatedBy,
          action: previous ? 'segment.updated' : 'segment.created',
          subject: { segmentId: segment.segmentId },
          before: previous ?? null,
          after: segment,
        },
      ],
      writes: [
        {
          Put: {
            TableName: tableName,
            Item: { ...keys.segment(segment.segmentId), ...segment },
            ConditionExpression: previous ? 'updatedAt = :previous' : 'attribute_not_exists(pk)',
            ...(previous ? { ExpressionAttributeValues: { ':previous': previous.updatedAt } } : {}),
          },
        },
      ],
      conflict: `Segment ${segment.segmentId} changed meanwhile; reload it and retry`,
    });
  },

  async find(segmentId: string): Promise<Segment | undefined> {
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: tableName, Key: keys.segment(segmentId), ConsistentRead: true }),
    );
    return Item ? Segment.parse(withoutKeys(Item)) : undefined;
  },

  async get(segmentId: string): Promise<Segment> {
    const segment = await this.find(segmentId);
    if (!segment) throw new NotFoundError('Segment', segmentId);
    return segment;
  },

  async all(): Promise<Segment[]> {
    return itemsWithPrefix(tableName, keys.segments, (item) => Segment.parse(withoutKeys(item)));
  },
});

export type SegmentStore = ReturnType<typeof createSegmentStore>;
