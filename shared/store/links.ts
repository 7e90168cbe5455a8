import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { isConditionalCheckFailure } from '#shared/errors';
import { linkCodeFor, TrackedLink } from '#shared/links/tracked-link';
import { batchGetItems } from '#shared/store/batch';
import { keys, withoutKeys } from '#shared/store/keys';

/** A new link as stored: no clicks yet, found by its post for analytics. */
export const linkItem = (link: Omit<TrackedLink, 'clicks'>) => ({
  ...keys.trackedLink(link.code),
  ...link,
  clicks: 0,
  gsi1pk: keys.linksOfPost(link.postId),
  gsi1sk: link.shareId,
});

/** Tracked links: one per share, found by code for a click and by post for analytics. */
export const createLinkStore = (tableName: string) => ({
  /** Creates the share's link once; a retried share finds it there and changes nothing. */
  async ensure(link: Omit<TrackedLink, 'clicks'>): Promise<void> {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName,
          Item: linkItem(link),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  },

  /** A reader's click: counted atomically, in the same request that finds the destination. */
  async click(code: string, at: Date): Promise<TrackedLink | undefined> {
    try {
      const { Attributes } = await dynamo().send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.trackedLink(code),
          UpdateExpression: 'ADD clicks :one SET lastClickAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1, ':at': at.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return TrackedLink.parse(withoutKeys(Attributes ?? {}));
    } catch (error) {
      if (isConditionalCheckFailure(error)) return undefined;
      throw error;
    }
  },

  /** The link without counting (HEAD requests, preview crawlers). */
  async get(code: string): Promise<TrackedLink | undefined> {
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: tableName, Key: keys.trackedLink(code) }),
    );
    return Item ? TrackedLink.parse(withoutKeys(Item)) : undefined;
  },

  /** Clicks so far on each share's link, by share id; a share without a link is absent. */
  async clicksOf(shareIds: readonly string[]): Promise<Map<string, number>> {
    const items = await batchGetItems(
      tableName,
      shareIds.map((id) => keys.trackedLink(linkCodeFor(id))),
    );
    return new Map(items.map((item) => [String(item.shareId), Number(item.clicks ?? 0)]));
  },
});

export type LinkStore = ReturnType<typeof createLinkStore>;
