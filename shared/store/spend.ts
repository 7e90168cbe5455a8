import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { keys } from '#shared/store/keys';
import type { TransactItem } from '#shared/store/transact';

/**
 * Network API fees committed per month: added by the fan-out, a page of share jobs at a time,
 * before the jobs are sent. The admin's monthly budget is checked against it there (and a campaign
 * that would pay is refused at creation once the month's budget is spent).
 */
export const createSpendStore = (tableName: string) => ({
  async committed(month: string): Promise<number> {
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: tableName, Key: keys.spend(month), ConsistentRead: true }),
    );
    return Number(Item?.committedUsd ?? 0);
  },

  /** The write that commits (or, negative, releases) an amount; within the budget if one is set. */
  commitment(month: string, amountUsd: number, budgetUsd: number | null): TransactItem {
    return {
      Update: {
        TableName: tableName,
        Key: keys.spend(month),
        UpdateExpression: 'ADD committedUsd :amount',
        ...(budgetUsd !== null && amountUsd > 0
          ? {
              ConditionExpression: 'attribute_not_exists(committedUsd) OR committedUsd <= :room',
              ExpressionAttributeValues: { ':amount': amountUsd, ':room': budgetUsd - amountUsd },
            }
          : { ExpressionAttributeValues: { ':amount': amountUsd } }),
      },
    };
  },
});

export type SpendStore = ReturnType<typeof createSpendStore>;
