import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '#shared/aws';
import { ValidationError } from '#shared/errors';
import { Share } from '#shared/shares/share';
import { conditionalWrite } from '#shared/store/conditional';
import { keys, withoutKeys } from '#shared/store/keys';
import { countedOutboxWrites } from '#shared/store/outbox-writes';
import { CLAIM_SHARDS, claimKeys, type IssueStatus, issueKeys } from '#shared/store/share-index';
import { announcedChange } from '#shared/store/shares';
import type { TransactItem } from '#shared/store/transact';

export interface IssuePage {
  shares: Share[];
  cursor?: string;
}

/**
 * A cursor is the last share's index sort key, and nothing else: the store rebuilds the start key
 * from it, so a forged cursor can only choose where a page of the same list starts.
 */
const IssueSortKey = z.string().regex(/^[^#\s]{1,100}#[0-9T:.\-Z]{20,30}#shr_[0-9a-f]{32}$/);

const encodeCursor = (sortKey: string) => Buffer.from(sortKey).toString('base64url');
const decodeCursor = (cursor: string, campaignId: string | undefined): string => {
  const sortKey = IssueSortKey.safeParse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!sortKey.success || (campaignId && !sortKey.data.startsWith(`${campaignId}#`))) {
    throw new ValidationError('That cursor did not come from this list', [
      { field: 'query.cursor', message: 'not a cursor this API returned' },
    ]);
  }
  return sortKey.data;
};

/** How a person resolved a share, in the store's terms. */
export type ShareResolution =
  | { outcome: 'published'; url: string; publishedAt: string }
  | { outcome: 'not_published'; note: string };

/** The shares that need a person (unknown, failed) and the claims whose worker died. */
export const createShareIssueStore = (tableName: string) => ({
  /** One page of unresolved shares with a status, one campaign's or all, by campaign then time. */
  async list(query: {
    status: IssueStatus;
    campaignId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<IssuePage> {
    const after = query.cursor ? decodeCursor(query.cursor, query.campaignId) : undefined;
    const shareId = after?.slice(after.lastIndexOf('#') + 1);
    const { Items = [], LastEvaluatedKey } = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: query.campaignId
          ? 'gsi2pk = :pk AND begins_with(gsi2sk, :campaign)'
          : 'gsi2pk = :pk',
        ExpressionAttributeValues: {
          ':pk': keys.shareIssues(query.status),
          ...(query.campaignId ? { ':campaign': `${query.campaignId}#` } : {}),
        },
        Limit: query.limit,
        ...(after && shareId
          ? {
              ExclusiveStartKey: {
                ...keys.share(shareId),
                gsi2pk: keys.shareIssues(query.status),
                gsi2sk: after,
              },
            }
          : {}),
      }),
    );
    const shares = Items.map((item) => Share.parse(withoutKeys(item)));
    const last = shares.at(-1);
    return {
      shares,
      ...(LastEvaluatedKey && last
        ? { cursor: encodeCursor(issueKeys(last, query.status as IssueStatus).gsi2sk) }
        : {}),
    };
  },

  /**
   * The writes that resolve a share, for a transaction with its audit entry: only while the share
   * is still what the person saw (same status, not resolved). It leaves the issues; a published
   * one counts as published from then on, and is announced (SharePublished, numbered after the
   * event of its end) in the same writes.
   */
  resolveWrites(
    share: Share,
    resolution: ShareResolution,
    by: { actor: string; at: string },
  ): TransactItem[] {
    const record = {
      outcome: resolution.outcome,
      by: by.actor,
      at: by.at,
      was: { status: share.status, ...(share.reason ? { reason: share.reason } : {}) },
      ...(resolution.outcome === 'not_published' ? { note: resolution.note } : {}),
    };
    const published = resolution.outcome === 'published';
    const { reason: _, detail: __, ...rest } = share;
    const announced =
      resolution.outcome === 'published'
        ? announcedChange(share, {
            ...rest,
            status: 'published',
            url: resolution.url,
            publishedAt: resolution.publishedAt,
            resolution: record,
          })
        : undefined;
    const update: TransactItem = {
      Update: {
        TableName: tableName,
        Key: keys.share(share.shareId),
        UpdateExpression: published
          ? 'SET #status = :published, #url = :url, publishedAt = :publishedAt, resolution = :resolution, outcomeVersion = :outcomeVersion REMOVE gsi2pk, gsi2sk, reason, detail'
          : 'SET #status = :failed, reason = :reason, detail = :detail, resolution = :resolution REMOVE gsi2pk, gsi2sk',
        ConditionExpression: '#status = :was AND attribute_not_exists(resolution)',
        ExpressionAttributeNames: published
          ? { '#status': 'status', '#url': 'url' }
          : { '#status': 'status' },
        ExpressionAttributeValues: {
          ':was': share.status,
          ':resolution': record,
          ...(resolution.outcome === 'published'
            ? {
                ':published': 'published',
                ':url': resolution.url,
                ':publishedAt': resolution.publishedAt,
              }
            : {
                ':failed': 'failed',
                ':reason': 'not_published',
                ':detail': resolution.note,
              }),
          ...(announced ? { ':outcomeVersion': announced.versioned.counter } : {}),
        },
      },
    };
    if (!announced) return [update];
    return [update, ...countedOutboxWrites(tableName, announced.versioned)];
  },

  /** Claims whose lease ended before `before`, oldest first, at most `limit` per shard. */
  async claimsExpiredBefore(before: Date, limit: number): Promise<Share[]> {
    const pages = await Promise.all(
      CLAIM_SHARDS.map(async (shard) => {
        const { Items = [] } = await dynamo().send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
            ExpressionAttributeValues: {
              ':pk': keys.sharesClaimed(shard),
              ':before': before.toISOString(),
            },
            Limit: limit,
          }),
        );
        return Items.map((item) => Share.parse(withoutKeys(item)));
      }),
    );
    return pages.flat();
  },

  /**
   * Moves an expired claim's place among the claims to `until`, if no worker took the share
   * meanwhile: a share sent again is not sent again every minute while its job waits its turn.
   */
  async postponeClaim(share: Share, until: Date): Promise<boolean> {
    const claim = claimKeys(share, until.toISOString());
    return conditionalWrite(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.share(share.shareId),
        UpdateExpression: 'SET gsi2sk = :gsi2sk',
        ConditionExpression: '#status = :publishing AND attempt = :attempt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':gsi2sk': claim.gsi2sk,
          ':publishing': 'publishing',
          ':attempt': share.attempt,
        },
      }),
    );
  },
});

export type ShareIssueStore = ReturnType<typeof createShareIssueStore>;
