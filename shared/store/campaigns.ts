import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { Campaign, FanOutSlice, type PageClaim } from '#shared/campaigns/campaign';
import { cancellationCodes, NotFoundError } from '#shared/errors';
import type { PendingEvent } from '#shared/events/publisher';
import type { AuditStore } from '#shared/store/audit';
import { conditionalCommit, conditionalWrite } from '#shared/store/conditional';
import { keys, withoutKeys } from '#shared/store/keys';
import { countedOutboxWrites } from '#shared/store/outbox-writes';
import { type IndexRange, indexPage, itemsWithPrefix } from '#shared/store/query-pages';
import type { TransactItem } from '#shared/store/transact';

/** The campaign's audit chain, which also numbers the events it announces. */
export const campaignStream = (campaignId: string) => `campaign#${campaignId}`;

/**
 * Every index key a campaign carries, from the campaign alone, so each write of it derives them
 * the same way: in the due index while scheduled (the dispatcher's), by post (the feed's and the
 * list's), by status and among all campaigns by scheduled time (the list's).
 */
export const campaignIndexKeys = (campaign: Campaign) => {
  const byTime = `${campaign.scheduledAt}#${campaign.campaignId}`;
  return {
    ...(campaign.status === 'scheduled' ? { gsi1pk: keys.campaignsDue, gsi1sk: byTime } : {}),
    gsi2pk: keys.campaignsOfPost(campaign.postId),
    gsi2sk: `${campaign.createdAt}#${campaign.campaignId}`,
    gsi3pk: keys.campaignsByStatus(campaign.status),
    gsi3sk: byTime,
    gsi4pk: keys.campaignsAll,
    gsi4sk: byTime,
  };
};

/** What the campaign list can be narrowed by; `from`/`to` bound the scheduled time (ISO). */
export interface CampaignListQuery {
  status?: Campaign['status'] | undefined;
  postId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  order: 'newest' | 'oldest';
}

/** How many campaigns one page may read to apply the filters its index does not serve. */
export const CAMPAIGN_PAGE_BUDGET = 200;

/**
 * A post's campaigns are served by gsi2 (by creation; status and time filtered within the page);
 * otherwise a status's campaigns by gsi3 and all campaigns by gsi4, both by scheduled time, the
 * time range a key condition.
 */
export const campaignListPlan = (query: CampaignListQuery) => {
  // Key values cannot be empty: the lowest bound is below every ISO time instead.
  const low = query.from ?? '0';
  // Every key at `to` (any id after it) is inside; nothing later is.
  const high = query.to ? `${query.to}#\uffff` : '\uffff';
  const ranged = query.from !== undefined || query.to !== undefined;
  if (query.postId) {
    const conditions: string[] = [];
    const values: Record<string, unknown> = {};
    if (query.status) {
      conditions.push('#status = :status');
      values[':status'] = query.status;
    }
    if (ranged) {
      conditions.push('#scheduledAt BETWEEN :from AND :to');
      values[':from'] = low;
      values[':to'] = high;
    }
    const range: IndexRange = {
      index: 'gsi2',
      partition: keys.campaignsOfPost(query.postId),
      items: 'CAMPAIGN#',
    };
    return {
      range,
      order: 'created' as const,
      ...(conditions.length
        ? {
            filter: {
              expression: conditions.join(' AND '),
              names: {
                ...(query.status ? { '#status': 'status' } : {}),
                ...(ranged ? { '#scheduledAt': 'scheduledAt' } : {}),
              },
              values,
            },
          }
        : {}),
    };
  }
  const range: IndexRange = query.status
    ? { index: 'gsi3', partition: keys.campaignsByStatus(query.status), items: 'CAMPAIGN#' }
    : { index: 'gsi4', partition: keys.campaignsAll, items: 'CAMPAIGN#' };
  return {
    range: ranged ? { ...range, between: [low, high] as const } : range,
    order: 'scheduled' as const,
    filter: undefined,
  };
};

export const createCampaignStore = (tableName: string, audit: AuditStore) => ({
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
          ...campaignIndexKeys(campaign),
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

  /**
   * Every campaign of a post, newest first, page by page through its campaign index: a scheduled
   * one past the first page must count as surely as the newest (an edit, a policy's impact).
   */
  async allOfPost(postId: string): Promise<Campaign[]> {
    const all: Campaign[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ postId, order: 'newest' }, { limit: 100, cursor });
      all.push(...page.campaigns);
      cursor = page.cursor;
    } while (cursor);
    return all;
  },

  /** A post's newest campaigns, newest first. */
  async ofPost(postId: string, limit = 10): Promise<Campaign[]> {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.campaignsOfPost(postId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((item) => Campaign.parse(withoutKeys(item)));
  },

  /**
   * One page of the campaigns still scheduled, in the order they go out; `next` is where the
   * following page starts (the due index holds a campaign exactly while it is scheduled).
   */
  async scheduledPage(
    after: Record<string, unknown> | undefined,
    limit: number,
  ): Promise<{ campaigns: Campaign[]; next?: Record<string, unknown> }> {
    const { Items = [], LastEvaluatedKey } = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :due',
        ExpressionAttributeValues: { ':due': keys.campaignsDue },
        Limit: limit,
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    return {
      campaigns: Items.map((item) => Campaign.parse(withoutKeys(item))),
      ...(LastEvaluatedKey ? { next: LastEvaluatedKey } : {}),
    };
  },

  /**
   * One page of the campaign list, served by one index (campaignListPlan says which); filters the
   * index does not serve are applied within a bounded read, so a page may hold fewer than `limit`
   * and still carry a cursor. The list has ended when a page has no cursor.
   */
  async list(
    query: CampaignListQuery,
    page: { limit: number; cursor?: string | undefined; budget?: number },
  ): Promise<{ campaigns: Campaign[]; order: 'created' | 'scheduled'; cursor?: string }> {
    const plan = campaignListPlan(query);
    const { items, cursor } = await indexPage(tableName, plan.range, {
      limit: page.limit,
      budget: page.budget ?? CAMPAIGN_PAGE_BUDGET,
      descending: query.order === 'newest',
      cursor: page.cursor,
      filter: plan.filter,
      parse: (item) => Campaign.parse(withoutKeys(item)),
    });
    return { campaigns: items, order: plan.order, ...(cursor ? { cursor } : {}) };
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

  /**
   * Scheduled → dispatched: the campaign leaves the due index, on the record, with the events
   * that announce it (`CampaignDue`) as outbox items in the same transaction, so it can never be
   * dispatched unannounced. False when another dispatcher (or a cancel) got there first.
   */
  async dispatch(
    campaign: Campaign,
    at: Date,
    actor: string,
    events: readonly PendingEvent[],
  ): Promise<boolean> {
    return conditionalCommit(
      audit.commit({
        stream: campaignStream(campaign.campaignId),
        records: [
          {
            at: at.toISOString(),
            actor,
            action: 'campaign.dispatch',
            subject: { campaignId: campaign.campaignId, postId: campaign.postId },
            before: { status: 'scheduled', scheduledAt: campaign.scheduledAt },
            after: { status: 'dispatched', scheduledAt: campaign.scheduledAt },
          },
        ],
        writes: [
          {
            Update: {
              TableName: tableName,
              Key: keys.campaign(campaign.campaignId),
              UpdateExpression:
                'SET #status = :dispatched, dispatchedAt = :at, gsi3pk = :listed REMOVE gsi1pk, gsi1sk',
              ConditionExpression: '#status = :scheduled',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':dispatched': 'dispatched',
                ':listed': campaignIndexKeys({ ...campaign, status: 'dispatched' }).gsi3pk,
                ':scheduled': 'scheduled',
                ':at': at.toISOString(),
              },
            },
          },
        ],
        conflict: `Campaign ${campaign.campaignId} is no longer scheduled`,
        events,
      }),
    );
  },

  /** The checkpoint of one directory shard's fan-out, if it started. */
  async slice(campaignId: string, shard: number): Promise<FanOutSlice | undefined> {
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: tableName,
        Key: keys.fanOutSlice(campaignId, shard),
        ConsistentRead: true,
      }),
    );
    return Item ? FanOutSlice.parse(withoutKeys(Item)) : undefined;
  },

  /**
   * Holds the slice's next page (the one after `pages`) for one run, with the page's share of the
   * month's spend when `spend` is given, in one transaction. `taken`: another run holds it or moved
   * the slice on; `over_budget`: the spend's condition failed (another campaign spent meanwhile),
   * so the caller re-reads what is left and claims again.
   */
  async claimPage(
    campaignId: string,
    shard: number,
    pages: number,
    claim: PageClaim,
    at: Date,
    spend?: TransactItem,
  ): Promise<'claimed' | 'taken' | 'over_budget'> {
    // Fields a first claim fills in, so the item reads as a checkpoint at page 0.
    const defaults = {
      pages: 0,
      done: false,
      queued: 0,
      deferred: 0,
      invited: 0,
      excluded: {},
      costUsd: 0,
      checkpointAt: at.toISOString(),
      // In the running index from the first claim, so the stalled-slice sweep finds a slice
      // whose first run died holding its first page.
      ...runningIndexKeys(campaignId, shard, at),
    };
    const names = Object.keys(defaults);
    const slice: TransactItem = {
      Update: {
        TableName: tableName,
        Key: keys.fanOutSlice(campaignId, shard),
        UpdateExpression: `SET #claim = :claim, #campaignId = :campaignId, #shard = :shard, ${names
          .map((_, i) => `#d${i} = if_not_exists(#d${i}, :d${i})`)
          .join(', ')}`,
        ConditionExpression:
          '(attribute_not_exists(pk) OR (#d0 = :pages AND #d1 = :false)) AND ' +
          '(attribute_not_exists(#claim) OR #claim.#until < :at)',
        ExpressionAttributeNames: {
          '#claim': 'claim',
          '#until': 'until',
          '#shard': 'shard',
          '#campaignId': 'campaignId',
          ...Object.fromEntries(names.map((name, i) => [`#d${i}`, name])),
        },
        ExpressionAttributeValues: {
          ':claim': claim,
          ':campaignId': campaignId,
          ':shard': shard,
          ':at': at.toISOString(),
          ':pages': pages,
          ':false': false,
          ...Object.fromEntries(Object.values(defaults).map((value, i) => [`:d${i}`, value])),
        },
      },
    };
    try {
      await dynamo().send(
        new TransactWriteCommand({ TransactItems: [slice, ...(spend ? [spend] : [])] }),
      );
      return 'claimed';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'taken';
      if (codes?.[1] === 'ConditionalCheckFailed') return 'over_budget';
      throw error;
    }
  },

  /**
   * Moves a checkpoint one page on, only for the run holding the page, and releases the hold; the
   * events it causes (a hand-over to a fresh run) are committed with it, numbered by `pages`.
   * False when the run lost its hold (it lapsed and another run took the page).
   */
  async advanceSlice(
    campaignId: string,
    next: FanOutSlice,
    run: string,
    at: Date,
    events: readonly PendingEvent[] = [],
  ): Promise<boolean> {
    const { claim: _released, ...checkpoint } = next;
    return conditionalWrite(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...keys.fanOutSlice(campaignId, next.shard),
                ...checkpoint,
                campaignId,
                checkpointAt: at.toISOString(),
                // A slice not done stays findable by its last checkpoint, so one that stopped (its
                // continuation lost, its function failing) is noticed and announced again.
                ...(next.done ? {} : runningIndexKeys(campaignId, next.shard, at)),
              },
              ConditionExpression: 'pages = :previous AND #claim.#run = :run',
              ExpressionAttributeNames: { '#claim': 'claim', '#run': 'run' },
              ExpressionAttributeValues: { ':previous': next.pages - 1, ':run': run },
            },
          },
          ...countedOutboxWrites(
            tableName,
            { aggregate: sliceAggregate(campaignId, next.shard), counter: next.pages, events },
            at,
          ),
        ],
      }),
    );
  },

  /**
   * Announces one slice event per directory shard, once per campaign: a duplicated `CampaignDue`
   * finds the step done and announces nothing. The events are committed with the audit entry.
   */
  async announceSlices(
    campaign: Campaign,
    at: Date,
    events: readonly PendingEvent[],
  ): Promise<boolean> {
    const entries = await audit.commit({
      stream: `campaign#${campaign.campaignId}`,
      records: [
        {
          actor: 'system',
          action: 'campaign.fan_out_started',
          at: at.toISOString(),
          subject: { campaignId: campaign.campaignId, postId: campaign.postId },
          before: null,
          after: { slices: events.length },
        },
      ],
      dedupeKey: `fanout#${campaign.campaignId}`,
      events,
    });
    return entries.length > 0;
  },

  /** Slices not done whose checkpoint (or last announcement) is at or before `before`. */
  async stalledSlices(before: Date, limit: number): Promise<StalledSlice[]> {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :running AND gsi1sk <= :before',
        ExpressionAttributeValues: {
          ':running': keys.slicesRunning,
          ':before': `${before.toISOString()}#\uffff`,
        },
        Limit: limit,
      }),
    );
    return Items.map((item) => ({
      campaignId: String(item.campaignId),
      shard: Number(item.shard),
      pages: Number(item.pages),
    }));
  },

  /**
   * Announces a stalled slice again: it waits one more interval before the next, and the
   * announcement is on the campaign's record and in the outbox in the same transaction. False
   * when the slice moved on meanwhile (its own run then keeps the entry current), or another
   * sweep announced it since `before` (of two overlapping sweeps, one announces).
   */
  async reannounceSlice(
    slice: StalledSlice,
    before: Date,
    at: Date,
    actor: string,
    events: readonly PendingEvent[],
  ): Promise<boolean> {
    return conditionalCommit(
      audit.commit({
        stream: campaignStream(slice.campaignId),
        records: [
          {
            at: at.toISOString(),
            actor,
            action: 'campaign.slice.reannounce',
            subject: { campaignId: slice.campaignId },
            before: { shard: slice.shard, pages: slice.pages },
            after: { shard: slice.shard, pages: slice.pages },
          },
        ],
        writes: [
          {
            Update: {
              TableName: tableName,
              Key: keys.fanOutSlice(slice.campaignId, slice.shard),
              UpdateExpression: 'SET gsi1sk = :sk',
              ConditionExpression: 'gsi1pk = :running AND gsi1sk <= :due AND pages = :pages',
              ExpressionAttributeValues: {
                ':sk': runningIndexKeys(slice.campaignId, slice.shard, at).gsi1sk,
                ':due': `${before.toISOString()}#\uffff`,
                ':running': keys.slicesRunning,
                ':pages': slice.pages,
              },
            },
          },
        ],
        conflict: `Slice ${slice.shard} of campaign ${slice.campaignId} moved on`,
        events,
      }),
    );
  },

  /** A slice that will never run on (its campaign was cancelled) leaves the sweep's index. */
  async forgetStalledSlice(slice: StalledSlice): Promise<boolean> {
    return conditionalWrite(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.fanOutSlice(slice.campaignId, slice.shard),
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'pages = :pages',
        ExpressionAttributeValues: { ':pages': slice.pages },
      }),
    );
  },

  async slices(campaignId: string): Promise<FanOutSlice[]> {
    return itemsWithPrefix(
      tableName,
      { pk: keys.campaign(campaignId).pk, prefix: keys.fanOutSlicePrefix },
      (item) => FanOutSlice.parse(withoutKeys(item)),
    );
  },

  /** A change to a campaign, with its audit entry and its events, if it is still in one of `from`. */
  async change(
    campaign: Campaign,
    next: Campaign,
    from: readonly Campaign['status'][],
    record: { actor: string; action: string; at: string },
    events: readonly PendingEvent[] = [],
  ): Promise<void> {
    await audit.commit({
      stream: campaignStream(campaign.campaignId),
      records: [
        {
          ...record,
          subject: { campaignId: campaign.campaignId, postId: campaign.postId },
          before: { status: campaign.status, scheduledAt: campaign.scheduledAt },
          after: { status: next.status, scheduledAt: next.scheduledAt },
        },
      ],
      writes: [
        {
          Put: {
            TableName: tableName,
            // Every index key from the campaign it stores: a reschedule once dropped the
            // by-post key, and the campaign left its post's feed.
            Item: { ...keys.campaign(campaign.campaignId), ...next, ...campaignIndexKeys(next) },
            ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: Object.fromEntries(from.map((s, i) => [`:from${i}`, s])),
          },
        },
      ],
      conflict: `Campaign ${campaign.campaignId} is no longer ${from.join(' or ')}`,
      events,
    });
  },
});

export type CampaignStore = ReturnType<typeof createCampaignStore>;

/** Where a slice that stopped was, enough to announce it again and to know if it moved since. */
export interface StalledSlice {
  campaignId: string;
  shard: number;
  pages: number;
}

/** The aggregate a slice's own events (its hand-overs) are numbered in. */
export const sliceAggregate = (campaignId: string, shard: number) =>
  `fanout#${campaignId}#${shard}`;

const runningIndexKeys = (campaignId: string, shard: number, at: Date) => ({
  gsi1pk: keys.slicesRunning,
  gsi1sk: `${at.toISOString()}#${campaignId}#${shard}`,
});
