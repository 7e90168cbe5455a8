import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '#shared/audit/chain';
import { dynamo } from '#shared/aws';
import { NotFoundError } from '#shared/errors';
import { Personalisation } from '#shared/personalisations/personalisation';
import type { AuditStore } from '#shared/store/audit';
import { keys, withoutKeys } from '#shared/store/keys';

export const createPersonalisationStore = (tableName: string, audit: AuditStore) => ({
  async get(
    employeeId: string,
    postId: string,
    network: string,
  ): Promise<Personalisation | undefined> {
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: tableName,
        Key: keys.personalisation(employeeId, postId, network),
        ConsistentRead: true,
      }),
    );
    return Item ? Personalisation.parse(withoutKeys(Item)) : undefined;
  },

  /**
   * Stores the personalisation with its audit entry; one waiting for legal carries the review
   * index keys, and loses them once decided. `expected` is the status it replaces, if any.
   */
  async save(
    personalisation: Personalisation,
    record: AuditRecord,
    expected?: Personalisation['status'],
  ): Promise<void> {
    const p = personalisation;
    await audit.commit({
      stream: `personalisations#${p.postId}`,
      records: [record],
      writes: [
        {
          Put: {
            TableName: tableName,
            Item: {
              ...keys.personalisation(p.employeeId, p.postId, p.network),
              ...p,
              ...(p.status === 'pending_review'
                ? {
                    gsi1pk: keys.personalisationReviews,
                    gsi1sk: `${p.checkedAt}#${p.personalisationId}`,
                  }
                : {}),
            },
            ...(expected
              ? {
                  ConditionExpression: '#status = :expected',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':expected': expected },
                }
              : {}),
          },
        },
      ],
      conflict: 'This personalisation was decided or changed meanwhile; reload it',
    });
  },

  /** Edits waiting for legal, oldest first. */
  async pendingReview(limit: number): Promise<Personalisation[]> {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :queue',
        ExpressionAttributeValues: { ':queue': keys.personalisationReviews },
        Limit: limit,
      }),
    );
    return Items.map((item) => Personalisation.parse(withoutKeys(item)));
  },

  async require(employeeId: string, postId: string, network: string): Promise<Personalisation> {
    const found = await this.get(employeeId, postId, network);
    if (!found) throw new NotFoundError('Personalisation', `${employeeId}~${postId}~${network}`);
    return found;
  },
});

export type PersonalisationStore = ReturnType<typeof createPersonalisationStore>;
