import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { Campaign } from '#shared/campaigns/campaign';
import { isConditionalCheckFailure, NotFoundError } from '#shared/errors';
import { keys, withoutKeys } from '#shared/store/keys';
import type { TransactItem } from '#shared/store/transact';

export const createCampaignStore = (tableName: string) => ({
  /**
   * The write that creates a campaign, for the transaction that also schedules its post. A
   * scheduled campaign sits in the due index under its time; that attribute is the schedule.
   */
  creation(campaign: Campaign): TransactItem {
    return {
      Put: {
        TableName: tableName,
        Item: {
          ...keys.campaign(campaign.campaignId),
          ...campaign,
          gsi1pk: keys.campaignsDue,
          gsi1sk: `${campaign.scheduledAt}#${campaign.campaignId}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  },

  async get(campaignId: string): Promise<Campaign> {
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: tableName,
        Key: keys.campaign(campaignId),
        ConsistentRead: true,
      }),
    );
    if (!Item) throw new NotFoundError('Campaign', campaignId);
    return Campaign.parse(withoutKeys(Item));
  },

  async findDue(now: Date, limit: number): Promise<Campaign[]> {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
        ExpressionAttributeValues: {
          ':due': keys.campaignsDue,
          ':now': `${now.toISOString()}#\uffff`,
        },
        Limit: limit,
      }),
    );
    return Items.map((item) => Campaign.parse(withoutKeys(item)));
  },

  /** Leaves the due index; false when another dispatcher (or a cancel) got there first. */
  async markDispatched(campaignId: string, at: Date): Promise<boolean> {
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.campaign(campaignId),
          UpdateExpression: 'SET #status = :dispatched, dispatchedAt = :at REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#status = :scheduled',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':dispatched': 'dispatched',
            ':scheduled': 'scheduled',
            ':at': at.toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  },

  async recordJobCount(campaignId: string, jobCount: number): Promise<void> {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.campaign(campaignId),
        UpdateExpression: 'SET jobCount = :count',
        ExpressionAttributeValues: { ':count': jobCount },
      }),
    );
  },
});

export type CampaignStore = ReturnType<typeof createCampaignStore>;
