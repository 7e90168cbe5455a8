import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import type { Employee } from '#shared/employees/employee';
import { compileSegment, Segment } from '#shared/employees/segment';
import { NotFoundError, UnprocessableError } from '#shared/errors';
import type { AuditStore } from '#shared/store/audit';
import { keys, withoutKeys } from '#shared/store/keys';
import { itemsWithPrefix } from '#shared/store/query-pages';

/**
 * The most segments a company may define. Every segment is read whole wherever segments are
 * compiled (a post's targets, team figures at each award, the team board, campaign previews), so
 * this cap is what keeps those reads bounded.
 */
export const MAX_SEGMENTS = 500;

/** Segment definitions: a company has tens or hundreds, kept in one partition and read whole. */
export const createSegmentStore = (
  tableName: string,
  audit: AuditStore,
  options: { maxSegments?: number } = {},
) => ({
  async put(segment: Segment, previous: Segment | undefined): Promise<void> {
    const max = options.maxSegments ?? MAX_SEGMENTS;
    if (!previous && (await this.all()).length >= max) {
      throw new UnprocessableError(
        `A company may define at most ${max} segments; redefine or reuse one instead`,
        'too_many_segments',
      );
    }
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
        // Counted with each new segment, so two created at once cannot both pass the cap.
        ...(previous
          ? []
          : [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.segmentCount,
                  UpdateExpression: 'ADD segmentsDefined :one',
                  ConditionExpression:
                    'attribute_not_exists(segmentsDefined) OR segmentsDefined < :max',
                  ExpressionAttributeValues: { ':one': 1, ':max': max },
                },
              },
            ]),
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

  /** A segment's rules as a test of employees; one that is not defined holds nobody. */
  async rule(segmentId: string): Promise<(employee: Employee) => boolean> {
    const segment = await this.find(segmentId);
    return segment ? compileSegment(segment) : () => false;
  },

  async all(): Promise<Segment[]> {
    return itemsWithPrefix(tableName, keys.segments, (item) => Segment.parse(withoutKeys(item)));
  },
});

export type SegmentStore = ReturnType<typeof createSegmentStore>;
