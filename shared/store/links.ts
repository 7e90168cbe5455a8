import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { isConditionalCheckFailure } from '#shared/errors';
import { linkCodeFor, TrackedLink } from '#shared/links/tracked-link';
import { batchGetItems } from '#shared/store/batch';
import { keys, withoutKeys } from '#shared/store/keys';

/** What became of a click: counted, the same reader again today, or over the link's hourly cap. */
export type ClickOutcome = 'counted' | 'repeat' | 'capped';

/** True when the write was made, false when its condition did not hold. */
const conditional = async (command: UpdateCommand): Promise<boolean> => {
  try {
    await dynamo().send(command);
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
};

interface HourCap {
  hour: string;
  perHour: number;
}

/** One more counted click in the link's current hour, if under its cap. */
const addUnderCap = (tableName: string, code: string, at: Date, cap: HourCap) =>
  conditional(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.trackedLink(code),
      UpdateExpression: 'ADD clicks :one, capCount :one SET lastClickAt = :at',
      ConditionExpression: 'capHour = :hour AND capCount < :cap',
      ExpressionAttributeValues: {
        ':one': 1,
        ':at': at.toISOString(),
        ':hour': cap.hour,
        ':cap': cap.perHour,
      },
    }),
  );

/** The first counted click of a new hour for the link (or of its first hour). */
const startHour = (tableName: string, code: string, at: Date, cap: HourCap) =>
  conditional(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.trackedLink(code),
      UpdateExpression: 'ADD clicks :one SET capCount = :one, capHour = :hour, lastClickAt = :at',
      // Hours are ISO prefixes: they compare in time order as strings.
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(capHour) OR capHour < :hour)',
      ExpressionAttributeValues: { ':one': 1, ':at': at.toISOString(), ':hour': cap.hour },
    }),
  );

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

  /**
   * A reader's click, counted at most once per reader and day and at most `cap` times per link and
   * hour. The reader's marker goes first, conditionally, so of one reader's concurrent clicks one
   * alone goes on; the count is one conditional ADD, so concurrent readers are each counted once.
   * A click the marker lets through but the cap stops stays uncounted: it is the same reader.
   */
  async countClick(
    code: string,
    reader: { hash: string; expiresAt: number },
    at: Date,
    cap: HourCap,
  ): Promise<ClickOutcome> {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.linkReader(reader.hash), code, ttl: reader.expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailure(error)) return 'repeat';
      throw error;
    }
    // Within the hour: add under the cap; a new hour: start its count. Of two readers starting
    // the same hour one wins; the other adds under the cap after all.
    if (await addUnderCap(tableName, code, at, cap)) return 'counted';
    if (await startHour(tableName, code, at, cap)) return 'counted';
    if (await addUnderCap(tableName, code, at, cap)) return 'counted';
    return 'capped';
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
