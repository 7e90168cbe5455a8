import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { cancellationCodes } from '#shared/errors';
import { periodKeysOf, type Standing } from '#shared/recognition/leaderboard';
import { PointsEntry } from '#shared/recognition/points';
import type { Thanks } from '#shared/recognition/thanks';
import type { AuditStore } from '#shared/store/audit';
import { batchGetItems, batchWriteItems } from '#shared/store/batch';
import { keys, withoutKeys } from '#shared/store/keys';
import { itemsWithPrefix, queryPages } from '#shared/store/query-pages';
import type { TransactItem } from '#shared/store/transact';

export type { Thanks };

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

    /**
     * A thank-you to one person: their copy, the audit entry and the caller's writes (the
     * request's Idempotency-Key answer) in one transaction, so a retry after a lost reply replays
     * the answer instead of thanking them twice.
     */
    async thankOne(
      thanks: Thanks,
      employeeId: string,
      alongside: readonly TransactItem[] = [],
    ): Promise<void> {
      await audit.commit({
        stream: 'recognition',
        records: [
          {
            at: thanks.at,
            actor: thanks.from,
            action: 'recognition.thanked',
            subject: { employeeId },
            before: null,
            after: { thanksId: thanks.thanksId, message: thanks.message, recipients: 1 },
          },
        ],
        writes: [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.thanks(employeeId, thanks.at, thanks.thanksId), ...thanks },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...alongside,
        ],
      });
    },

    /**
     * A thank-you to a segment, as the job that sends it: the audit entry with the writes that
     * create and announce the job (and the caller's answer), in one transaction. Who is in the
     * segment is found by the job; the entry names the job that counts them.
     */
    async thankSegment(
      thanks: Thanks,
      segmentId: string,
      jobId: string,
      jobWrites: readonly TransactItem[],
    ): Promise<void> {
      await audit.commit({
        stream: 'recognition',
        records: [
          {
            at: thanks.at,
            actor: thanks.from,
            action: 'recognition.thanked',
            subject: { segmentId },
            before: null,
            after: { thanksId: thanks.thanksId, message: thanks.message, jobId },
          },
        ],
        writes: jobWrites,
      });
    },

    /**
     * Each recipient's copy of a thanks. The key is fixed by the thanks and the person, so writing
     * a page again (a redelivered job run) puts the same items: nobody is thanked twice.
     */
    async deliverThanks(thanks: Thanks, employeeIds: readonly string[]): Promise<void> {
      await batchWriteItems(
        tableName,
        employeeIds.map((employeeId) => ({
          PutRequest: {
            Item: { ...keys.thanks(employeeId, thanks.at, thanks.thanksId), ...thanks },
          },
        })),
      );
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
