import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FanOutDependencies, fanOutSlice, startFanOut } from '#functions/share-fanout/fan-out';
import { dynamo } from '#shared/aws';
import { billingMonthOf } from '#shared/campaigns/cost';
import type { EventDetail } from '#shared/events/catalogue';
import { createJobScheduler } from '#shared/queue/job-scheduler';
import { sendShareJobs } from '#shared/queue/share-queue';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import { createAuditStore } from '#shared/store/audit';
import { createCampaignStore, sliceAggregate } from '#shared/store/campaigns';
import { createDeferredJobStore } from '#shared/store/deferred-jobs';
import { createEmployeeStore, DIRECTORY_SHARDS, directoryShardOf } from '#shared/store/employees';
import { keys } from '#shared/store/keys';
import { createPostStore } from '#shared/store/posts';
import { createSegmentStore } from '#shared/store/segments';
import { createSpendStore } from '#shared/store/spend';
import { type CommittedEvent, outboxFeed } from '../fixtures/outbox';
import { type Arranged, arrangeCampaign, optedIn } from '../fixtures/sharing';
import { createTestQueues, drainJobs } from './queues';
import { TABLE } from './setup';

const audit = createAuditStore(TABLE);
const posts = createPostStore(TABLE, audit);
const campaigns = createCampaignStore(TABLE, audit);
const segments = createSegmentStore(TABLE, audit);
const spend = createSpendStore(TABLE);
const outbox = outboxFeed(TABLE);
const stores = {
  table: TABLE,
  posts,
  campaigns,
  segments,
};

let queue: Awaited<ReturnType<typeof createTestQueues>>;
const fanOutDeps = (extra: Partial<FanOutDependencies> = {}): FanOutDependencies => ({
  campaigns,
  posts,
  employees: createEmployeeStore(TABLE, audit),
  segments,
  spend,
  sharingPolicy: async () => defaultSharingPolicy,
  schedule: createJobScheduler(
    (jobs) => sendShareJobs(queue.queueUrl, jobs),
    createDeferredJobStore(TABLE),
  ),
  now: () => new Date(),
  // Two people a page: a slice of a few people is several pages, each claimed and checkpointed.
  pageSize: 2,
  ...extra,
});
const plenty = () => 300_000;
const dueOf = ({ campaign }: Arranged) => ({
  campaignId: campaign.campaignId,
  postId: campaign.postId,
  scheduledAt: campaign.scheduledAt,
});
const sliceEventsOf = (committed: CommittedEvent[], campaignId: string) =>
  committed
    .filter((e) => e.detailType === 'CampaignSliceDue' && e.detail.campaignId === campaignId)
    .map((e) => e.detail as EventDetail<'CampaignSliceDue'> & CommittedEvent['detail']);
const countBy = (values: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
};

beforeAll(async () => {
  queue = await createTestQueues('fan-out-deliveries');
});
afterAll(() => {
  outbox.close();
  queue.client.destroy();
});

describe('fan-out events leave through the outbox', () => {
  it('commits one slice event per shard once, however often CampaignDue is delivered', async () => {
    const arranged = await arrangeCampaign(stores, { count: 0 });
    await outbox.take();
    expect(await startFanOut(dueOf(arranged), fanOutDeps())).toBe(DIRECTORY_SHARDS);
    expect(await startFanOut(dueOf(arranged), fanOutDeps())).toBe(0);
    const slices = sliceEventsOf(await outbox.take(), arranged.campaign.campaignId);
    expect(slices.map((e) => e.shard).sort((a, b) => a - b)).toEqual(
      Array.from({ length: DIRECTORY_SHARDS }, (_, shard) => shard),
    );
    expect(new Set(slices.map((e) => e.aggregate))).toEqual(
      new Set([`campaign#${arranged.campaign.campaignId}`]),
    );
  });

  it('commits the hand-over to a fresh run with the checkpoint it continues from', async () => {
    const arranged = await arrangeCampaign(stores, { count: 40 });
    const campaignId = arranged.campaign.campaignId;
    await outbox.take();
    // A shard with more than two pages: its run takes one page, then its time is up.
    let shard = -1;
    for (let s = 0; shard < 0 && s < DIRECTORY_SHARDS; s++) {
      let pagesLeft = 1;
      const done = await fanOutSlice({ campaignId, shard: s }, fanOutDeps(), () =>
        pagesLeft-- > 0 ? 300_000 : 0,
      );
      if (!done) shard = s;
    }
    const handOvers = sliceEventsOf(await outbox.take(), campaignId);
    expect(handOvers).toHaveLength(1);
    const [handOver] = handOvers;
    const checkpoint = await campaigns.slice(campaignId, shard);
    expect(handOver).toMatchObject({
      shard,
      aggregate: sliceAggregate(campaignId, shard),
      sequence: (checkpoint?.pages ?? 0) * 100,
    });
    expect(checkpoint?.claim).toBeUndefined();
    await drainJobs(queue.client, queue.queueUrl);
  });
});

describe('fan-out under duplicated and reordered deliveries', () => {
  it('gives every recipient exactly one share job when slice events come twice, at once, and out of order', async () => {
    const arranged = await arrangeCampaign(stores, { count: 48 });
    const campaignId = arranged.campaign.campaignId;
    await drainJobs(queue.client, queue.queueUrl);
    await outbox.take();
    await startFanOut(dueOf(arranged), fanOutDeps());
    await startFanOut(dueOf(arranged), fanOutDeps());
    const events = sliceEventsOf(await outbox.take(), campaignId);
    expect(events).toHaveLength(DIRECTORY_SHARDS);

    // Last shard first; each event delivered twice at the same moment, as EventBridge may.
    const deliveries = [...events].reverse();
    for (const e of deliveries) {
      const due = { campaignId, shard: e.shard };
      const outcomes = await Promise.all([
        fanOutSlice(due, fanOutDeps(), plenty),
        fanOutSlice(due, fanOutDeps(), plenty),
      ]);
      expect(outcomes).toContain(true);
    }
    // And a stale copy of each, after its slice is done: nothing more.
    for (const e of events) {
      expect(await fanOutSlice({ campaignId, shard: e.shard }, fanOutDeps(), plenty)).toBe(true);
    }

    const jobs = (await drainJobs(queue.client, queue.queueUrl)).filter(
      (j) => j.campaignId === campaignId,
    );
    const perPerson = countBy(jobs.map((j) => j.employeeId));
    expect([...perPerson.keys()].sort()).toEqual(arranged.people.map((p) => p.employeeId).sort());
    expect([...perPerson.values()].every((n) => n === 1)).toBe(true);
    const slices = await campaigns.slices(campaignId);
    expect(slices.every((s) => s.done)).toBe(true);
    expect(slices.reduce((n, s) => n + s.queued, 0)).toBe(arranged.people.length);
  });

  it('sends nothing for a page another run holds, and takes the page over once that claim lapsed', async () => {
    const arranged = await arrangeCampaign(stores, { count: 6 });
    const campaignId = arranged.campaign.campaignId;
    const slice = directoryShardOf(arranged.people[0]?.employeeId ?? '');
    const t0 = new Date();
    // A run that claimed the first page and died before its checkpoint.
    expect(
      await campaigns.claimPage(
        campaignId,
        slice,
        0,
        {
          run: 'died',
          until: new Date(t0.getTime() + 60_000).toISOString(),
          sendable: 2,
          costUsd: 0,
        },
        t0,
      ),
    ).toBe('claimed');
    await drainJobs(queue.client, queue.queueUrl);
    expect(await fanOutSlice({ campaignId, shard: slice }, fanOutDeps(), plenty)).toBe(false);
    expect(await drainJobs(queue.client, queue.queueUrl)).toEqual([]);
    const later = () => new Date(t0.getTime() + 120_000);
    expect(
      await fanOutSlice({ campaignId, shard: slice }, fanOutDeps({ now: later }), plenty),
    ).toBe(true);
    expect((await campaigns.slice(campaignId, slice))?.done).toBe(true);
    const inShard = arranged.people.filter((p) => directoryShardOf(p.employeeId) === slice);
    const jobs = (await drainJobs(queue.client, queue.queueUrl)).filter(
      (j) => j.campaignId === campaignId,
    );
    expect(jobs.map((j) => j.employeeId).sort()).toEqual(inShard.map((p) => p.employeeId).sort());
  });
});

describe('the monthly budget, enforced at fan-out', () => {
  it('sends no share beyond the budget, counts the rest as over_budget on the campaign, even with every slice at once', async () => {
    // X charges $0.20 a post with a link: a $1 budget pays for five.
    const arranged = await arrangeCampaign(stores, {
      count: 8,
      person: (_, e) => ({
        ...e,
        consent: optedIn({ networks: { x: { autoShare: true } } }),
        connections: { x: { status: 'active', handle: `@${e.employeeId}`, audienceSize: 10 } },
      }),
    });
    const campaignId = arranged.campaign.campaignId;
    await dynamo().send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.campaign(campaignId),
        UpdateExpression: 'SET networks = :x',
        ExpressionAttributeValues: { ':x': ['x'] },
      }),
    );
    await drainJobs(queue.client, queue.queueUrl);
    const month = billingMonthOf(new Date().toISOString());
    const before = await spend.committed(month);
    const deps = fanOutDeps({
      sharingPolicy: async () => ({ ...defaultSharingPolicy, monthlyBudgetUsd: before + 1 }),
    });
    await Promise.all(
      Array.from({ length: DIRECTORY_SHARDS }, (_, shard) =>
        fanOutSlice({ campaignId, shard }, deps, plenty),
      ),
    );
    const jobs = (await drainJobs(queue.client, queue.queueUrl)).filter(
      (j) => j.campaignId === campaignId,
    );
    expect(jobs).toHaveLength(5);
    expect(jobs.every((j) => j.network === 'x')).toBe(true);
    const slices = await campaigns.slices(campaignId);
    expect(slices.reduce((n, s) => n + (s.excluded.over_budget ?? 0), 0)).toBe(3);
    expect(slices.reduce((n, s) => n + s.costUsd, 0)).toBeCloseTo(1, 6);
    expect(await spend.committed(month)).toBeCloseTo(before + 1, 6);
  });
});
