import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '#shared/audit/chain';
import { dynamo } from '#shared/aws';
import { NotFoundError } from '#shared/errors';
import { sha256 } from '#shared/hash';
import { Personalisation } from '#shared/personalisations/personalisation';
import type { AuditStore } from '#shared/store/audit';
import { keys, withoutKeys } from '#shared/store/keys';

/** Parses a stored edit; its hash is always derived from its text, never trusted as stored. */
const personalisationFrom = (item: Record<string, unknown>): Personalisation =>
  Personalisation.parse({ ...item, textHash: sha256(String(item.text)) });

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
    return Item ? personalisationFrom(withoutKeys(Item)) : undefined;
  },

  /**
   * Stores the personalisation with its audit entry; one waiting for legal carries the review
   * index keys, and loses them once decided. `expected` is the edit as the decider read it: the
   * write only lands if that exact text, as checked then, is still the one waiting, so the check
   * and the decision are one conditional write.
   */
  async save(
    personalisation: Personalisation,
    record: AuditRecord,
    expected?: Pick<Personalisation, 'status' | 'text' | 'checkedAt'>,
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
                  ConditionExpression:
                    '#status = :status AND #text = :text AND #checkedAt = :checkedAt',
                  ExpressionAttributeNames: {
                    '#status': 'status',
                    '#text': 'text',
                    '#checkedAt': 'checkedAt',
                  },
                  ExpressionAttributeValues: {
                    ':status': expected.status,
                    ':text': expected.text,
                    ':checkedAt': expected.checkedAt,
                  },
                }
              : {}),
          },
        },
      ],
      conflict:
        'This edit was decided or its text changed since you read it; the queue shows what waits now',
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
    return Items.map((item) => personalisationFrom(withoutKeys(item)));
  },

  async require(employeeId: string, postId: string, network: string): Promise<Personalisation> {
    const found = await this.get(employeeId, postId, network);
    if (!found) throw new NotFoundError('Personalisation', `${employeeId}~${postId}~${network}`);
    return found;
  },
});

export type PersonalisationStore = ReturnType<typeof createPersonalisationStore>;
