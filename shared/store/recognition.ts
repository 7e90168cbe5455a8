import { randomUUID } from 'node:crypto';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { cancellationCodes } from '#shared/errors';
import { periodKeysOf, type Standing } from '#shared/recognition/leaderboard';
import { PointsEntry } from '#shared/recognition/points';
import type { AuditStore } from '#shared/store/audit';
import { batchGetItems, batchWriteItems } from '#shared/store/batch';
import { keys, withoutKeys } from '#shared/store/keys';
import { itemsWithPrefix, queryPages } from '#shared/store/query-pages';
import type { TransactItem } from '#shared/store/transact';

export interface Thanks {
  thanksId: string;
  from: string;
  message: string;
  at: string;
}

/**
 * Points as a ledger: each entry is written once, under an id that says what it is for, together
 * with the per-period counters the leaderboards read — one transaction, so a counter is never
 * ahead of or behind its entries.
 */
export const createRecognitionStore = (tableName: string, audit: AuditStore) => {
  const awardItems = (entry: PointsEntry): TransactItem[] => [
    {
      Put: {
        TableName: tableName,
        Item: { ...keys.pointsEntry(entry.employeeId, entry.entryId), ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...periodKeysOf(new Date(entry.at)).map(
      (period): TransactItem => ({
        Update: {
          TableName: tableName,
          Key: keys.boardCounter(period, entry.employeeId),
          UpdateExpression: 'ADD points :points SET employeeId = :employeeId',
          ExpressionAttributeValues: { ':points': entry.points, ':employeeId': entry.employeeId },
        },
      }),
    ),
  ];

  return {
    awardItems,

    /** Records an entry once; false when it was recorded before (a retried request or job). */
    async award(entry: PointsEntry): Promise<boolean> {
      try {
        await dynamo().send(new TransactWriteCommand({ TransactItems: awardItems(entry) }));
        return true;
      } catch (error) {
        if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },

    /** An employee's latest entries, newest first. */
    async ledger(employeeId: string, limit = 50): Promise<PointsEntry[]> {
      const entries = await itemsWithPrefix(
        tableName,
        { pk: keys.employee(employeeId).pk, prefix: keys.pointsEntryPrefix },
        (item) => PointsEntry.parse(withoutKeys(item)),
      );
      return entries.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
    },

    /** Everyone's points over the given counters (one period, or 30 days summed). */
    async standings(counters: readonly string[]): Promise<Standing[]> {
      const totals = new Map<string, number>();
      await Promise.all(
        counters.map(async (counter) => {
          for await (const items of queryPages({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.board(counter) },
          })) {
            for (const item of items) {
              const id = String(item.employeeId);
              totals.set(id, (totals.get(id) ?? 0) + Number(item.points ?? 0));
            }
          }
        }),
      );
      return [...totals].map(([employeeId, points]) => ({ employeeId, points }));
    },

    /** One person's points over the given counters, read item by item. */
    async pointsOf(employeeId: string, counters: readonly string[]): Promise<number> {
      const items = await batchGetItems(
        tableName,
        counters.map((counter) => keys.boardCounter(counter, employeeId)),
      );
      return items.reduce((total, item) => total + Number(item.points ?? 0), 0);
    },

    /** A thank-you from marketing, to each recipient, with one audit entry naming them all. */
    async thank(
      from: string,
      to: { employeeId: string } | { segmentId: string },
      recipients: readonly string[],
      message: string,
      at: Date,
    ): Promise<Thanks> {
      const thanks: Thanks = { thanksId: randomUUID(), from, message, at: at.toISOString() };
      await audit.commit({
        stream: 'recognition',
        records: [
          {
            at: thanks.at,
            actor: from,
            action: 'recognition.thanked',
            subject: to,
            before: null,
            after: { thanksId: thanks.thanksId, message, recipients: recipients.length },
          },
        ],
      });
      await batchWriteItems(
        tableName,
        recipients.map((employeeId) => ({
          PutRequest: {
            Item: { ...keys.thanks(employeeId, thanks.at, thanks.thanksId), ...thanks },
          },
        })),
      );
      return thanks;
    },

    async thanksFor(employeeId: string, limit = 20): Promise<Thanks[]> {
      const { Items = [] } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.employee(employeeId).pk,
            ':prefix': keys.thanksPrefix,
          },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return Items.map((item) => ({
        thanksId: String(item.thanksId),
        from: String(item.from),
        message: String(item.message),
        at: String(item.at),
      }));
    },
  };
};

export type RecognitionStore = ReturnType<typeof createRecognitionStore>;
