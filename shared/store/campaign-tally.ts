import { type Bucket, bucketName, TALLY_SHARDS, tallyShardOf } from '#shared/shares/tally';
import { batchGetItems } from '#shared/store/batch';
import { keys } from '#shared/store/keys';
import type { TransactItem } from '#shared/store/transact';

/**
 * A campaign's tally of its shares' ends, as writes for the transaction that records each end or
 * resolution (so a count never moves without its record, nor twice for one), and read as 16 items.
 */
export const createCampaignTallyStore = (tableName: string) => {
  const add = (
    share: { campaignId: string; shareId: string },
    moves: readonly [Bucket, number][],
  ): TransactItem => {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const clauses = moves.map(([bucket, by], i) => {
      names[`#b${i}`] = bucketName(bucket);
      values[`:n${i}`] = by;
      return `#b${i} :n${i}`;
    });
    return {
      Update: {
        TableName: tableName,
        Key: keys.campaignTally(share.campaignId, tallyShardOf(share.shareId)),
        UpdateExpression: `ADD ${clauses.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  };

  return {
    /** One more share ended in `bucket`. */
    endWrite: (share: { campaignId: string; shareId: string }, bucket: Bucket): TransactItem =>
      add(share, [[bucket, 1]]),

    /** A share a person resolved moves from the bucket it ended in to the one they put it in. */
    moveWrite: (
      share: { campaignId: string; shareId: string },
      from: Bucket,
      to: Bucket,
    ): TransactItem =>
      add(share, [
        [from, -1],
        [to, 1],
      ]),

    /** Every count of a campaign, summed over its shards: one BatchGet of 16 keys. */
    async read(campaignId: string): Promise<Map<string, number>> {
      const items = await batchGetItems(
        tableName,
        TALLY_SHARDS.map((shard) => keys.campaignTally(campaignId, shard)),
      );
      const counts = new Map<string, number>();
      for (const item of items) {
        for (const [name, value] of Object.entries(item)) {
          if (typeof value === 'number') counts.set(name, (counts.get(name) ?? 0) + value);
        }
      }
      return counts;
    },
  };
};

export type CampaignTallyStore = ReturnType<typeof createCampaignTallyStore>;
