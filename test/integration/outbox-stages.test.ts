import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { dispatchDueCampaigns } from '#functions/dispatcher/dispatch-due';
import { sweepDeadlines } from '#functions/dispatcher/sweep-deadlines';
import { runDirectoryImport, SAFETY_MARGIN_MS } from '#functions/job-runner/import-directory';
import { fanOutSlice, startFanOut } from '#functions/share-fanout/fan-out';
import { dynamo } from '#shared/aws';
import type { PreviewProgress } from '#shared/campaigns/preview';
import type { EventDetail } from '#shared/events/catalogue';
import type { PendingEvent } from '#shared/events/publisher';
import { newPostId } from '#shared/ids';
import type { Job } from '#shared/jobs/job';
import { newPost } from '#shared/posts/post';
import { auditRecordOf } from '#shared/posts/transitions';
import { createJobScheduler } from '#shared/queue/job-scheduler';
import { sendShareJobs } from '#shared/queue/share-queue';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import { campaignStream } from '#shared/store/campaigns';
import { createDeferredJobStore } from '#shared/store/deferred-jobs';
import { createJobStore, jobAggregate } from '#shared/store/jobs';
import { keys } from '#shared/store/keys';
import { createVersionedOutbox, EVENT_VERSION_ATTRIBUTE } from '#shared/store/outbox-writes';
import { postStream } from '#shared/store/posts';
import { createSpendStore } from '#shared/store/spend';
import { apiEvent, callApi, type TestCaller } from '../fixtures/api-events';
import { caller, content } from '../fixtures/posts';
import { type BusEvent, relayedToBus } from '../fixtures/relay';
import { arrangeCampaign } from '../fixtures/sharing';
import { createTestQueues, drainJobs } from './queues';
import { TABLE } from './setup';

/**
 * The stages that used to put their events on the bus after their write now commit them with it.
 * None of them can reach the bus any more (only the relay may call PutEvents; the stack test
 * asserts it), so a crash right after the write loses nothing. Each test runs a stage, then shows
 * the event reached the bus through the outbox and the relay, exactly once; and that its
 * consumer, given it twice and out of order, acts once.
 */
const deps = createApiDependencies({ TABLE_NAME: TABLE });
const relay = relayedToBus(TABLE);
/** Everything the relay has put on the bus so far. */
const bus: BusEvent[] = [];
const delivered = async (aggregate: string, detailType: BusEvent['detailType']) => {
  bus.push(...(await relay.drain()));
  return bus.filter((e) => e.detail.aggregate === aggregate && e.detailType === detailType);
};
afterAll(() => relay.close());
const detailOf = <T extends BusEvent['detailType']>(_: T, event: BusEvent | undefined) =>
  event?.detail as unknown as EventDetail<T>;

const run = Math.random().toString(36).slice(2, 8);
const admin: TestCaller = {
  sub: `admin-${run}`,
  email: `admin-${run}@acme.example`,
  groups: ['admin'],
};
const call = (
  routeKey: string,
  options: { body?: string; csv?: boolean; path?: Record<string, string> } = {},
) => {
  const event = apiEvent(routeKey, admin, {
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.path ? { pathParameters: options.path } : {}),
  });
  if (options.csv) event.headers['content-type'] = 'text/csv';
  return callApi(event, deps).then((r) => ({
    status: r.statusCode,
    body: JSON.parse(r.body ?? '{}'),
  }));
};

describe('the dispatcher announcing a due campaign', () => {
  let queue: Awaited<ReturnType<typeof createTestQueues>>;
  beforeAll(async () => {
    queue = await createTestQueues('outbox-stages');
  });

  it('commits CampaignDue with the dispatch, so it reaches the bus though PutEvents fails, once; the fan-out given it twice and out of order queues each share once', async () => {
    const stores = {
      table: TABLE,
      posts: deps.posts,
      campaigns: deps.campaigns,
      segments: deps.segments,
    };
    const arranged = await arrangeCampaign(stores, { count: 4 });
    const { campaignId } = arranged.campaign;
    const dispatcher = { campaigns: deps.campaigns };

    await dispatchDueCampaigns(new Date(), dispatcher);
    const due = await delivered(campaignStream(campaignId), 'CampaignDue');
    expect(due.map((e) => e.detail)).toEqual([
      expect.objectContaining({ campaignId, postId: arranged.post.postId }),
    ]);
    expect((await deps.campaigns.get(campaignId)).status).toBe('dispatched');
    await dispatchDueCampaigns(new Date(), dispatcher);
    expect(await delivered(campaignStream(campaignId), 'CampaignDue')).toHaveLength(1);

    // The consumer: CampaignDue twice, then every slice it announced, each twice, newest first.
    const fanOut = {
      campaigns: deps.campaigns,
      posts: deps.posts,
      employees: deps.employees,
      segments: deps.segments,
      sharingPolicy: async () => defaultSharingPolicy,
      schedule: createJobScheduler(
        (jobs) => sendShareJobs(queue.queueUrl, jobs),
        createDeferredJobStore(TABLE),
      ),
      spend: createSpendStore(TABLE),
      now: () => new Date(),
    };
    const detail = detailOf('CampaignDue', due[0]);
    await startFanOut(detail, fanOut);
    await startFanOut(detail, fanOut);
    const slices = await delivered(campaignStream(campaignId), 'CampaignSliceDue');
    expect(slices.length).toBeGreaterThan(0);
    for (const slice of [...slices, ...slices].reverse()) {
      await fanOutSlice(detailOf('CampaignSliceDue', slice), fanOut, () => 300_000);
    }
    const jobs = (await drainJobs(queue.client, queue.queueUrl)).filter(
      (j) => j.campaignId === campaignId,
    );
    expect(jobs.map((j) => j.employeeId).sort()).toEqual(
      arranged.people.map((p) => p.employeeId).sort(),
    );
  });
});

describe('the deadline sweep lapsing an approval', () => {
  it('commits ApprovalLapsed and the PostSubmitted that starts the re-review with the lapse, so both reach the bus', async () => {
    const author = caller('author', 'marketing');
    const at = new Date(Date.now() - 60_000);
    const draft = newPost(content(), { postId: newPostId(), author }, undefined, at);
    const approved = {
      ...draft,
      status: 'approved' as const,
      approvedAt: at.toISOString(),
      approvalExpiresAt: at.toISOString(),
    };
    await deps.posts.save(approved, undefined, {
      records: [auditRecordOf(undefined, approved, { type: 'create' }, author.userId)],
    });

    const sweeper = { posts: deps.posts };
    await sweepDeadlines(new Date(), sweeper);
    expect((await deps.posts.get(draft.postId)).status).toBe('submitted');
    const lapsed = await delivered(postStream(draft.postId), 'ApprovalLapsed');
    const resubmitted = await delivered(postStream(draft.postId), 'PostSubmitted');
    expect(lapsed.map((e) => e.detail)).toEqual([expect.objectContaining({ to: 'submitted' })]);
    expect(resubmitted.map((e) => e.detail)).toEqual([
      expect.objectContaining({ actor: 'system:dispatcher', from: 'approved' }),
    ]);
    // One commit, the lapse first: the re-review's start is the later sequence.
    expect(resubmitted[0]?.detail.sequence).toBe((lapsed[0]?.detail.sequence ?? 0) + 1);
  });
});

describe('a policy change', () => {
  it('commits its PolicyUpdated event with the new version, so it reaches the bus though PutEvents fails', async () => {
    const current = await call('GET /policies/sharing');
    const { version, updatedBy: _, updatedAt: __, ...policy } = current.body.policy;
    const saved = await call('PUT /policies/sharing', {
      body: JSON.stringify({ ...policy, maxDailyCap: policy.maxDailyCap, version }),
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const updated = await delivered('policy#sharing', 'SharingPolicyUpdated');
    expect(updated.map((e) => e.detail)).toEqual([
      expect.objectContaining({ version: version + 1, actor: admin.sub }),
    ]);
  });
});

describe('a directory import job', () => {
  const emailOf = (i: number) => `outbox-${i}-${run}@import.acme.example`;
  const csv = `email,name,department,location\n${[0, 1, 2, 3, 4]
    .map((i) => `${emailOf(i)},Person ${i},Ops,Berlin`)
    .join('\n')}\n`;

  it('commits JobRunDue with the start and with each hand-on, so none is lost when PutEvents fails; the runner given them twice and out of order imports each row once', async () => {
    const opened = await call('POST /employees/import', { body: '{"parts":1}' });
    const jobId = opened.body.job.jobId as string;
    const sent = await call('PUT /jobs/{jobId}/parts/{part}', {
      body: csv,
      csv: true,
      path: { jobId, part: '1' },
    });
    expect(sent.status).toBe(200);

    const started = await call('POST /jobs/{jobId}/start', { body: '{}', path: { jobId } });
    expect(started.status).toBe(202);
    const [start] = await delivered(jobAggregate(jobId), 'JobRunDue');
    expect(start?.detail).toMatchObject({ jobId });
    // Starting again announces nothing more: the first announcement cannot have been lost.
    expect((await call('POST /jobs/{jobId}/start', { body: '{}', path: { jobId } })).status).toBe(
      202,
    );
    expect(await delivered(jobAggregate(jobId), 'JobRunDue')).toHaveLength(1);

    // A run whose time runs short after one slice hands on, in the outbox with its checkpoint.
    const runner = { ...deps, sliceRows: 2 };
    let slices = 1;
    const due = detailOf('JobRunDue', start);
    expect(
      await runDirectoryImport(due, runner, () => (slices-- > 0 ? 10 * SAFETY_MARGIN_MS : 0)),
    ).toBe('continued');
    const [, handOn] = await delivered(jobAggregate(jobId), 'JobRunDue');
    expect(handOn?.detail.sequence).toBeGreaterThan(start?.detail.sequence ?? Infinity);
    expect(handOn?.detail.id).not.toBe(start?.detail.id);

    // The hand-on, the stale start and the hand-on again: the rows are imported once.
    const plenty = () => 10 * SAFETY_MARGIN_MS;
    const outcomes = [];
    for (const event of [handOn, start, handOn]) {
      outcomes.push(await runDirectoryImport(detailOf('JobRunDue', event), runner, plenty));
    }
    expect(outcomes).toEqual(['done', 'done', 'done']);
    const finished = await call('GET /jobs/{jobId}', { path: { jobId } });
    expect(finished.body.job).toMatchObject({
      state: 'done',
      rowsDone: 5,
      counts: { created: 5, updated: 0, unchanged: 0, rejected: 0 },
    });
    expect(await delivered(jobAggregate(jobId), 'JobRunDue')).toHaveLength(2);
  });
});

describe('the versioned outbox (events of an aggregate with no audit chain)', () => {
  const outbox = createVersionedOutbox(TABLE);
  const jobId = `versioned-${run}`;
  const change = (detail: string, condition = 'attribute_exists(pk)') => ({
    aggregate: jobAggregate(jobId),
    update: {
      Key: keys.job(jobId),
      set: ['note = :note'],
      condition,
      values: { ':note': detail },
    },
    events: [{ detailType: 'JobRunDue' as const, detail: { jobId } }],
  });

  it('numbers racing commits apart, each after the last, and writes nothing when the change no longer applies', async () => {
    await dynamo().send(new PutCommand({ TableName: TABLE, Item: { ...keys.job(jobId) } }));
    const results = await Promise.all(['a', 'b', 'c'].map((d) => outbox.commit(change(d))));
    expect(results).toEqual([true, true, true]);
    const events = await delivered(jobAggregate(jobId), 'JobRunDue');
    expect(events.map((e) => e.detail.sequence).sort()).toEqual([100, 200, 300]);
    expect(new Set(events.map((e) => e.detail.id)).size).toBe(3);

    expect(await outbox.commit(change('d', 'attribute_not_exists(pk)'))).toBe(false);
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: TABLE, Key: keys.job(jobId), ConsistentRead: true }),
    );
    expect(Item?.[EVENT_VERSION_ATTRIBUTE]).toBe(3);
    expect(await delivered(jobAggregate(jobId), 'JobRunDue')).toHaveLength(3);
  });
});

describe('one job, one counter numbering its events', () => {
  const jobs = createJobStore(TABLE);
  const due = (jobId: string): PendingEvent[] => [{ detailType: 'JobRunDue', detail: { jobId } }];

  it('refuses to number a preview by `eventVersion`, or a job counted by `eventVersion` by its pages', async () => {
    // Both counters start at 0 and move to 1 first: on one job they would number one sequence twice.
    const previewId = `counted-preview-${run}`;
    await dynamo().send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...keys.job(previewId), state: 'receiving', preview: { pages: 0 } },
      }),
    );
    const start = await jobs.start(
      { jobId: previewId } as Job,
      1,
      new Date().toISOString(),
      due(previewId),
    );
    expect(start).toBe(false);

    const importId = `counted-import-${run}`;
    await dynamo().send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...keys.job(importId), preview: { pages: 0 }, [EVENT_VERSION_ATTRIBUTE]: 1 },
      }),
    );
    const advanced = await jobs.advancePreview(
      importId,
      0,
      { pages: 1 } as PreviewProgress,
      'running',
      new Date(),
      due(importId),
    );
    expect(advanced).toBe(false);
    expect(await delivered(jobAggregate(previewId), 'JobRunDue')).toEqual([]);
    expect(await delivered(jobAggregate(importId), 'JobRunDue')).toEqual([]);
  });
});
