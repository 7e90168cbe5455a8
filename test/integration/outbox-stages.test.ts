import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { dispatchDueCampaigns } from '#functions/dispatcher/dispatch-due';
import { runDirectoryImport, SAFETY_MARGIN_MS } from '#functions/job-runner/import-directory';
import { fanOutSlice, startFanOut } from '#functions/share-fanout/fan-out';
import type { EventDetail } from '#shared/events/catalogue';
import type { PendingEvent } from '#shared/events/publisher';
import { createJobScheduler } from '#shared/queue/job-scheduler';
import { sendShareJobs } from '#shared/queue/share-queue';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import { campaignStream } from '#shared/store/campaigns';
import { createDeferredJobStore } from '#shared/store/deferred-jobs';
import { jobAggregate } from '#shared/store/jobs';
import { apiEvent, callApi, type TestCaller } from '../fixtures/api-events';
import { type BusEvent, relayedToBus } from '../fixtures/relay';
import { arrangeCampaign } from '../fixtures/sharing';
import { createTestQueues, drainJobs } from './queues';
import { TABLE } from './setup';

/**
 * The stages that used to put their events on the bus after their write now commit them with it.
 * Each test runs a stage whose bus refuses every event (PutEvents failing right after the write,
 * as a crash there would), then shows the event reached the bus anyway, through the outbox and
 * the relay, exactly once; and that its consumer, given it twice and out of order, acts once.
 */
const failingPublish = async (_: readonly PendingEvent[]) => {
  throw new Error('PutEvents failed after the write');
};
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE, EVENT_BUS_NAME: 'unused' }),
  publish: failingPublish,
};
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
      publish: failingPublish,
    };
    const arranged = await arrangeCampaign(stores, { count: 4 });
    const { campaignId } = arranged.campaign;
    const dispatcher = { campaigns: deps.campaigns, publish: failingPublish };

    await dispatchDueCampaigns(new Date(), dispatcher);
    const due = await delivered(campaignStream(campaignId), 'CampaignDue');
    expect(due.map((e) => e.detail)).toEqual([
      expect.objectContaining({ campaignId, postId: arranged.post.postId }),
    ]);
    expect((await deps.campaigns.get(campaignId)).status).toBe('dispatched');
    await dispatchDueCampaigns(new Date(), dispatcher);
    expect(await delivered(campaignStream(campaignId), 'CampaignDue')).toHaveLength(1);

    // The consumer: CampaignDue twice, then every slice it announced, each twice, newest first.
    const slices: PendingEvent[] = [];
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
      publish: async (events: readonly PendingEvent[]) => {
        slices.push(...events);
      },
      now: () => new Date(),
    };
    const detail = detailOf('CampaignDue', due[0]);
    await startFanOut(detail, fanOut);
    await startFanOut(detail, fanOut);
    for (const slice of [...slices].reverse()) {
      await fanOutSlice(slice.detail as EventDetail<'CampaignSliceDue'>, fanOut, () => 300_000);
    }
    const jobs = (await drainJobs(queue.client, queue.queueUrl)).filter(
      (j) => j.campaignId === campaignId,
    );
    expect(jobs.map((j) => j.employeeId).sort()).toEqual(
      arranged.people.map((p) => p.employeeId).sort(),
    );
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
