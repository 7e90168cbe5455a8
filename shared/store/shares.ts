import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { cancellationCodes, isConditionalCheckFailure } from '#shared/errors';
import type { MetricsReading } from '#shared/networks/network';
import { nextOutcomeVersion, outcomeEvent, shareAggregate } from '#shared/shares/events';
import { isTerminal, Share } from '#shared/shares/share';
import { createCampaignTallyStore } from '#shared/store/campaign-tally';
import { conditionalWrite } from '#shared/store/conditional';
import { keys, withoutKeys } from '#shared/store/keys';
import {
  type CountedEvents,
  commitCounted,
  countedOutboxWrites,
} from '#shared/store/outbox-writes';
import { queryPages } from '#shared/store/query-pages';
import {
  claimKeys,
  isIssue,
  issueKeys,
  pollKeys,
  statusIndexKeys,
} from '#shared/store/share-index';
import type { TransactItem } from '#shared/store/transact';

async function* parsedPages(input: Parameters<typeof queryPages>[0]): AsyncGenerator<Share[]> {
  for await (const items of queryPages(input)) {
    yield items.map((item) => Share.parse(withoutKeys(item)));
  }
}

/** The UTC days [from, to) touches. */
const daysOf = (from: Date, to: Date): string[] => {
  const days: string[] = [];
  for (let at = Date.parse(from.toISOString().slice(0, 10)); at < to.getTime(); at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
};

/** The condition that no poller recorded a reading since `share` was read. */
const unchangedSincePoll = (share: Pick<Share, 'lastPolledAt'>) =>
  share.lastPolledAt
    ? {
        ConditionExpression: 'lastPolledAt = :previous',
        ExpressionAttributeValues: { ':previous': share.lastPolledAt } as Record<string, unknown>,
      }
    : {
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(lastPolledAt)',
        ExpressionAttributeValues: {} as Record<string, unknown>,
      };

/**
 * A share as stored. Found by post, by day and by employee (analytics; a share's start never
 * changes), and by its status where that needs someone (share-index.ts): while published with a
 * reading ahead, in its network's poll queue.
 */
export const shareItem = (share: Share, nextPollAt?: Date) => ({
  ...keys.share(share.shareId),
  ...share,
  gsi1pk: keys.sharesOfPost(share.postId),
  gsi1sk: share.shareId,
  gsi3pk: keys.sharesOfDay(share.startedAt.slice(0, 10)),
  gsi3sk: `${share.startedAt}#${share.shareId}`,
  gsi4pk: keys.sharesOfEmployee(share.employeeId),
  gsi4sk: `${share.startedAt}#${share.shareId}`,
  ...statusIndexKeys(share),
  ...(nextPollAt ? pollKeys(share, nextPollAt) : {}),
});

/**
 * A share's end (or its resolution) with the event that announces it, numbered by the share's
 * next outcome version: `share` as it is stored, `versioned` for its transaction.
 */
export const announcedChange = (
  before: Pick<Share, 'outcomeVersion'> | undefined,
  after: Share,
): { share: Share; versioned: CountedEvents } => {
  const version = nextOutcomeVersion(before);
  const share = { ...after, outcomeVersion: version };
  return {
    share,
    versioned: {
      aggregate: shareAggregate(share.shareId),
      counter: version,
      events: [outcomeEvent(share)],
    },
  };
};

type ShareUpdate = {
  TableName: string;
  Key: Record<string, string>;
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
};

/** SET and REMOVE clauses that give a share the gsi2 entry of the status it moves to. */
const indexUpdate = (
  share: Pick<Share, 'shareId' | 'campaignId' | 'startedAt'>,
  status: Share['status'],
) => {
  if (!isIssue(status)) return { set: '', remove: ', gsi2pk, gsi2sk', values: {} };
  const entry = issueKeys(share, status);
  return {
    set: ', gsi2pk = :gsi2pk, gsi2sk = :gsi2sk',
    remove: '',
    values: { ':gsi2pk': entry.gsi2pk, ':gsi2sk': entry.gsi2sk },
  };
};

export const createShareStore = (tableName: string) => {
  /**
   * Ends a share: `update` moves it from `before` to `after`, and the event that announces the end
   * commits with it, numbered by the outcome version the same update sets. False when the
   * update's condition no longer holds (another delivery ended it first): nothing is written.
   */
  const endWith = (update: ShareUpdate, before: Share, after: Share): Promise<boolean> => {
    const { versioned } = announcedChange(before, after);
    return commitCounted(
      tableName,
      [
        {
          Update: {
            ...update,
            UpdateExpression: update.UpdateExpression.replace(
              /^SET /,
              'SET outcomeVersion = :outcomeVersion, ',
            ),
            ExpressionAttributeValues: {
              ...update.ExpressionAttributeValues,
              ':outcomeVersion': versioned.counter,
            },
          },
        },
      ],
      versioned,
    );
  };

  return {
    /** Each campaign's shares counted by how they ended (written with each end's record). */
    tally: createCampaignTallyStore(tableName),

    async get(shareId: string): Promise<Share | undefined> {
      const { Item } = await dynamo().send(
        new GetCommand({ TableName: tableName, Key: keys.share(shareId), ConsistentRead: true }),
      );
      return Item ? Share.parse(withoutKeys(Item)) : undefined;
    },

    /**
     * The first record of a share, for a transaction: only if none exists. A share recorded
     * already ended (a confirmed dialog share) carries the event of its end in the same writes.
     */
    firstRecordWrites(share: Share): TransactItem[] {
      const put = (stored: Share): TransactItem => ({
        Put: {
          TableName: tableName,
          Item: shareItem(stored),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      if (!isTerminal(share.status)) return [put(share)];
      const ended = announcedChange(undefined, share);
      return [put(ended.share), ...countedOutboxWrites(tableName, ended.versioned)];
    },

    /**
     * Records a share that ends before it was ever claimed (skipped, or failed its checks). Returns
     * the stored share instead when one exists: the job was delivered before.
     */
    async recordFirst(
      share: Share,
    ): Promise<{ created: true } | { created: false; existing: Share }> {
      const [first, ...outbox] = this.firstRecordWrites(share);
      const created =
        outbox.length === 0
          ? await conditionalWrite(new PutCommand(first?.Put as NonNullable<TransactItem['Put']>))
          : await conditionalWrite(
              new TransactWriteCommand({ TransactItems: [first as TransactItem, ...outbox] }),
            );
      if (created) return { created: true };
      const existing = await this.get(share.shareId);
      if (!existing) throw new Error(`Share ${share.shareId} was refused but is not there`);
      return { created: false, existing };
    },

    /**
     * The first claim: the share (status `publishing`, attempt 1) and one more on the employee's
     * count for the day, together, the count only while under the cap. `exists` means another
     * delivery of the job recorded the share first.
     */
    async claimFirst(
      share: Share,
      cap: { employeeId: string; network: string; localDate: string; limit: number },
    ): Promise<'claimed' | 'exists' | 'capped'> {
      try {
        await dynamo().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: shareItem(share),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: tableName,
                  Key: keys.dailyCount(cap.employeeId, cap.network, cap.localDate),
                  UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
                  ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
                  ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
                  ExpressionAttributeValues: {
                    ':one': 1,
                    ':limit': cap.limit,
                    // Kept a few days past the local date, then DynamoDB removes it.
                    ':ttl':
                      Math.floor(Date.parse(`${cap.localDate}T00:00:00Z`) / 1000) + 4 * 86_400,
                  },
                },
              },
            ],
          }),
        );
        return 'claimed';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === 'ConditionalCheckFailed') return 'exists';
        if (codes?.[1] === 'ConditionalCheckFailed') return 'capped';
        throw error;
      }
    },

    /** Takes a share again for a new attempt; false when its status or attempt moved meanwhile. */
    async reclaim(share: Share, leaseUntil: Date): Promise<boolean> {
      const claim = claimKeys(share, leaseUntil.toISOString());
      return conditionalWrite(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.share(share.shareId),
          UpdateExpression:
            'SET #status = :publishing, attempt = :next, leaseUntil = :lease, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk',
          ConditionExpression: '#status = :was AND attempt = :attempt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':publishing': 'publishing',
            ':was': share.status,
            ':attempt': share.attempt,
            ':next': share.attempt + 1,
            ':lease': leaseUntil.toISOString(),
            ':gsi2pk': claim.gsi2pk,
            ':gsi2sk': claim.gsi2sk,
          },
        }),
      );
    },

    /**
     * Ends (or, for `pending`, hands back) the attempt this worker holds. False when it no longer
     * holds it: another delivery ended the share first.
     */
    async settle(
      share: Share,
      status: 'pending' | 'failed' | 'unknown',
      reason: string,
      detail: string,
    ): Promise<boolean> {
      const index = indexUpdate(share, status);
      const update: ShareUpdate = {
        TableName: tableName,
        Key: keys.share(share.shareId),
        UpdateExpression: `SET #status = :status, reason = :reason, detail = :detail${index.set} REMOVE leaseUntil${index.remove}`,
        ConditionExpression: '#status = :publishing AND attempt = :attempt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ...index.values,
          ':status': status,
          ':reason': reason,
          ':detail': detail,
          ':publishing': 'publishing',
          ':attempt': share.attempt,
        },
      };
      // Handed back, not ended: nothing to announce.
      if (status === 'pending') return conditionalWrite(new UpdateCommand(update));
      const { leaseUntil: _, ...rest } = share;
      return endWith(update, share, { ...rest, status, reason, detail });
    },

    /** Ends a share that is `pending` (no attempt in flight), if it still is. */
    async settleUnclaimed(
      share: Share,
      status: 'skipped' | 'failed',
      reason: string,
      detail: string,
    ): Promise<boolean> {
      const index = indexUpdate(share, status);
      return endWith(
        {
          TableName: tableName,
          Key: keys.share(share.shareId),
          UpdateExpression: `SET #status = :status, reason = :reason, detail = :detail${index.set}${index.remove ? ` REMOVE ${index.remove.slice(2)}` : ''}`,
          ConditionExpression: '#status = :was AND attempt = :attempt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...index.values,
            ':status': status,
            ':reason': reason,
            ':detail': detail,
            ':was': share.status,
            ':attempt': share.attempt,
          },
        },
        share,
        { ...share, status, reason, detail },
      );
    },

    /** Gives up the lease early, so the next delivery resumes at once instead of waiting it out. */
    async release(share: Pick<Share, 'shareId' | 'attempt'>, at: Date): Promise<void> {
      await conditionalWrite(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.share(share.shareId),
          UpdateExpression: 'SET leaseUntil = :at',
          ConditionExpression: '#status = :publishing AND attempt = :attempt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':at': at.toISOString(),
            ':publishing': 'publishing',
            ':attempt': share.attempt,
          },
        }),
      );
    },

    /** False when this worker no longer holds the attempt: another delivery ended it first. */
    async markPublished(
      share: Share,
      result: { externalId: string; url: string; publishedAt: Date; firstPollAt: Date },
    ): Promise<boolean> {
      const poll = pollKeys(share, result.firstPollAt);
      const { leaseUntil: _, reason: __, ...rest } = share;
      return endWith(
        {
          TableName: tableName,
          Key: keys.share(share.shareId),
          UpdateExpression:
            'SET #status = :published, externalId = :externalId, #url = :url, publishedAt = :publishedAt, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk REMOVE leaseUntil, reason',
          ConditionExpression: '#status = :publishing AND attempt = :attempt',
          ExpressionAttributeNames: { '#status': 'status', '#url': 'url' },
          ExpressionAttributeValues: {
            ':published': 'published',
            ':publishing': 'publishing',
            ':attempt': share.attempt,
            ':externalId': result.externalId,
            ':url': result.url,
            ':publishedAt': result.publishedAt.toISOString(),
            ':gsi2pk': poll.gsi2pk,
            ':gsi2sk': poll.gsi2sk,
          },
        },
        share,
        {
          ...rest,
          status: 'published',
          externalId: result.externalId,
          url: result.url,
          publishedAt: result.publishedAt.toISOString(),
        },
      );
    },

    async dueForPoll(network: string, now: Date, limit: number): Promise<Share[]> {
      const { Items = [] } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
          ExpressionAttributeValues: {
            ':pk': keys.pollQueue(network),
            ':now': `${now.toISOString()}#\uffff`,
          },
          Limit: limit,
        }),
      );
      return Items.map((item) => Share.parse(withoutKeys(item)));
    },

    /**
     * Stores one reading as a snapshot and as the share's latest figures, together with `also`
     * (the points it earned). Only if no other poller recorded a reading since the one this share
     * was read with: deltas are taken against what the caller saw, so two pollers at once can
     * never count the same engagement twice. False when another poller got there first.
     */
    async recordReading(
      share: Pick<Share, 'shareId' | 'network' | 'lastPolledAt'>,
      at: Date,
      reading: MetricsReading,
      clicks: number | undefined,
      nextPoll: Date | null,
      also: readonly TransactItem[] = [],
    ): Promise<boolean> {
      const atIso = at.toISOString();
      const sets = ['lastPolledAt = :at'];
      const removes: string[] = [];
      const values: Record<string, unknown> = {};
      const snapshot: Record<string, unknown> = {};
      if (reading.kind === 'counts') {
        sets.push('engagement = :counts');
        removes.push('engagementUnavailable');
        values[':counts'] = reading.counts;
        Object.assign(snapshot, reading.counts);
      } else if (reading.kind === 'deleted') {
        sets.push('deletedOnNetwork = :true');
        values[':true'] = true;
        snapshot.deleted = true;
      } else {
        sets.push('engagementUnavailable = :why');
        values[':why'] = reading.reason;
        snapshot.unavailable = reading.reason;
      }
      if (clicks !== undefined) {
        sets.push('clicks = :clicks');
        values[':clicks'] = clicks;
        snapshot.clicks = clicks;
      }
      if (nextPoll) {
        sets.push('gsi2sk = :gsi2sk');
        values[':gsi2sk'] = pollKeys(share, nextPoll).gsi2sk;
      } else removes.push('gsi2pk', 'gsi2sk');
      // Points of two shares of one person land on the same counters: DynamoDB refuses one of two
      // transactions touching an item at once (TransactionConflict), so that one goes again.
      for (let attempt = 0; ; attempt++) {
        try {
          await dynamo().send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tableName,
                    Item: {
                      ...keys.snapshot(share.shareId, atIso),
                      shareId: share.shareId,
                      at: atIso,
                      ...snapshot,
                    },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Update: {
                    TableName: tableName,
                    Key: keys.share(share.shareId),
                    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
                    ...unchangedSincePoll(share),
                    ExpressionAttributeValues: {
                      ':at': atIso,
                      ...values,
                      ...unchangedSincePoll(share).ExpressionAttributeValues,
                    },
                  },
                },
                ...also,
              ],
            }),
          );
          return true;
        } catch (error) {
          if (isConditionalCheckFailure(error)) return false;
          if (attempt < 8 && cancellationCodes(error)?.includes('TransactionConflict')) {
            await sleep(10 * 2 ** attempt * (0.5 + Math.random()));
            continue;
          }
          throw error;
        }
      }
    },

    /** Moves a share's next reading without reading it (its connection is not working now). */
    async postponePoll(
      share: Pick<Share, 'shareId' | 'network' | 'lastPolledAt'>,
      nextPoll: Date | null,
    ): Promise<boolean> {
      const unchanged = unchangedSincePoll(share);
      const values = {
        ...unchanged.ExpressionAttributeValues,
        ...(nextPoll ? { ':gsi2sk': pollKeys(share, nextPoll).gsi2sk } : {}),
      };
      return conditionalWrite(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.share(share.shareId),
          UpdateExpression: nextPoll ? 'SET gsi2sk = :gsi2sk' : 'REMOVE gsi2pk, gsi2sk',
          ConditionExpression: unchanged.ConditionExpression,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    },

    /**
     * Shares started in [from, to), day by day: the analytics of a time range. `pageSize` caps
     * the shares one query reads, so a reader counting against a budget overshoots by at most it.
     */
    async *sharesStartedBetween(from: Date, to: Date, pageSize?: number): AsyncGenerator<Share[]> {
      for (const day of daysOf(from, to)) {
        yield* parsedPages({
          TableName: tableName,
          ...(pageSize ? { Limit: pageSize } : {}),
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.sharesOfDay(day),
            ':from': from.toISOString(),
            ':to': `${to.toISOString()}`,
          },
        });
      }
    },

    /** One employee's shares started in [from, to), at most `pageSize` a query. */
    async *sharesOfEmployee(
      employeeId: string,
      from: Date,
      to: Date,
      pageSize?: number,
    ): AsyncGenerator<Share[]> {
      yield* parsedPages({
        TableName: tableName,
        ...(pageSize ? { Limit: pageSize } : {}),
        IndexName: 'gsi4',
        KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.sharesOfEmployee(employeeId),
          ':from': from.toISOString(),
          ':to': to.toISOString(),
        },
      });
    },

    /** A post's shares, at most `pageSize` a query. */
    async *sharesOfPost(postId: string, pageSize?: number): AsyncGenerator<Share[]> {
      for await (const items of queryPages({
        TableName: tableName,
        ...(pageSize ? { Limit: pageSize } : {}),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.sharesOfPost(postId) },
      })) {
        yield items.map((item) => Share.parse(withoutKeys(item)));
      }
    },
  };
};

export type ShareStore = ReturnType<typeof createShareStore>;
