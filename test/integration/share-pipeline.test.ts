import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { dispatchDueCampaigns } from '#functions/dispatcher/dispatch-due';
import { releaseDeferredJobs } from '#functions/dispatcher/release-deferred';
import { createPollerDependencies } from '#functions/engagement-poller/dependencies';
import { pollEngagement } from '#functions/engagement-poller/poll-engagement';
import { type FanOutDependencies, fanOutSlice, startFanOut } from '#functions/share-fanout/fan-out';
import {
  publishShare,
  type ShareResult,
  type ShareWorkerDependencies,
} from '#functions/share-worker/publish-share';
import { createShareWorker } from '#functions/share-worker/worker';
import { dynamo } from '#shared/aws';
import { defaultPolicy } from '#shared/compliance/policy';
import { leaveProgramme } from '#shared/employees/consent';
import type { Employee } from '#shared/employees/employee';
import { shareIdFor } from '#shared/ids';
import { createNetworkRegistry } from '#shared/networks/registry';
import { createSandboxNetwork, findSandboxPost } from '#shared/networks/sandbox';
import { createJobScheduler, type TimedJob } from '#shared/queue/job-scheduler';
import { sendShareJobs } from '#shared/queue/share-queue';
import type { ShareJob } from '#shared/shares/share';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import { sharingWindow } from '#shared/sharing/schedule';
import { createAuditStore } from '#shared/store/audit';
import { campaignStream, createCampaignStore } from '#shared/store/campaigns';
import { createDeferredJobStore, DEFERRED_SHARDS } from '#shared/store/deferred-jobs';
import type { DirectoryCursor } from '#shared/store/employees';
import { createEmployeeStore, DIRECTORY_SHARDS, directoryShardOf } from '#shared/store/employees';
import { keys } from '#shared/store/keys';
import { createLinkStore } from '#shared/store/links';
import { createPersonalisationStore } from '#shared/store/personalisations';
import { createPostStore } from '#shared/store/posts';
import { createSegmentStore } from '#shared/store/segments';
import { createShareStore } from '#shared/store/shares';
import { createSpendStore } from '#shared/store/spend';
import { testCredentials } from '../fixtures/credentials';
import { committedEvents } from '../fixtures/outbox-items';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign, optedIn } from '../fixtures/sharing';
import { OWN_TABLES } from './own-tables';
import { createTestQueues, drainJobs } from './queues';
import { TABLE } from './setup';

const audit = createAuditStore(TABLE);
const posts = createPostStore(TABLE, audit);
const campaigns = createCampaignStore(TABLE, audit);
const employees = createEmployeeStore(TABLE, audit);
const segments = createSegmentStore(TABLE, audit);
const shares = createShareStore(TABLE);
const deferred = createDeferredJobStore(TABLE);
const networks = createNetworkRegistry(TABLE);
const now = () => new Date();
const stores = { table: TABLE, posts, campaigns, segments };
const jobFor = ({ campaign }: Arranged, employeeId: string): ShareJob => ({
  shareId: shareIdFor(campaign.campaignId, employeeId, 'sandbox'),
  campaignId: campaign.campaignId,
  postId: campaign.postId,
  employeeId,
  network: 'sandbox',
});
const workerDeps = {
  posts,
  campaigns,
  employees,
  shares,
  networks,
  credentials: testCredentials(TABLE),
  links: createLinkStore(TABLE),
  linkBase: 'https://chorus.example',
  now,
  audit,
  personalisations: createPersonalisationStore(TABLE, audit),
  segments,
  policy: async () => defaultPolicy,
  sharingPolicy: async () => defaultSharingPolicy,
  leaseMs: 30_000,
};
/** The SQS worker over a queue that records what it was asked to do. */
const workerOnRecordedQueue = (deps: ShareWorkerDependencies) => {
  const delayed: string[] = [];
  const scheduled: TimedJob[] = [];
  const worker = createShareWorker(deps, {
    delay: async (receiptHandle) => {
      delayed.push(receiptHandle);
    },
    deadLetter: async (_body, reason) => {
      throw new Error(`dead-lettered: ${reason}`);
    },
    schedule: async (jobs) => {
      scheduled.push(...jobs);
      return { queued: jobs.length, deferred: 0 };
    },
  });
  return { worker, delayed, scheduled };
};

const deliveryOf = (job: ShareJob, receiveCount = 1) =>
  ({
    messageId: `m-${job.shareId}`,
    receiptHandle: `r-${job.shareId}`,
    body: JSON.stringify(job),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  }) as unknown as SQSRecord;

const statusOf = (result: ShareResult) => (result.kind === 'done' ? result.share.status : 'later');

let queue: Awaited<ReturnType<typeof createTestQueues>>;
const fanOutDeps = (extra: Partial<FanOutDependencies> = {}): FanOutDependencies => ({
  campaigns,
  posts,
  employees,
  segments,
  sharingPolicy: async () => defaultSharingPolicy,
  schedule: createJobScheduler((jobs) => sendShareJobs(queue.queueUrl, jobs), deferred),
  spend: createSpendStore(TABLE),
  now,
  ...extra,
});

/** Every slice of a campaign, as the bus would deliver the slice events. */
const fanOut = async (arranged: Arranged, extra: Partial<FanOutDependencies> = {}) => {
  const deps = fanOutDeps(extra);
  await startFanOut(
    {
      campaignId: arranged.campaign.campaignId,
      postId: arranged.post.postId,
      scheduledAt: arranged.campaign.scheduledAt,
    },
    deps,
  );
  for (let shard = 0; shard < DIRECTORY_SHARDS; shard++) {
    await fanOutSlice({ campaignId: arranged.campaign.campaignId, shard }, deps, () => 300_000);
  }
  return drainJobs(queue.client, queue.queueUrl);
};

const deferredJobsOf = async (campaignId: string, until: Date) => {
  const found = await Promise.all(
    Array.from({ length: DEFERRED_SHARDS }, (_, shard) => deferred.due(shard, until, 1000)),
  );
  return found.flat().filter(({ job }) => job.campaignId === campaignId);
};

describe('dispatch → fan-out → worker → poll, on DynamoDB Local and fauxqs', () => {
  beforeAll(async () => {
    queue = await createTestQueues('pipeline');
  });

  it('announces a due campaign exactly once', async () => {
    const { campaign } = await arrangeCampaign(stores, { count: 0 });
    await dispatchDueCampaigns(now(), { campaigns });
    await dispatchDueCampaigns(now(), { campaigns });
    // Committed with the dispatch, in the outbox the relay puts on the bus.
    const due = (await committedEvents(TABLE, campaignStream(campaign.campaignId))).filter(
      (e) => e.detailType === 'CampaignDue',
    );
    expect(due).toHaveLength(1);
    expect((await campaigns.get(campaign.campaignId)).status).toBe('dispatched');
  });

  it('creates no job for anyone who did not opt in, left, paused, is gone or is outside sharing hours', async () => {
    // A window that is closed right now in Berlin: their job must wait for it, not go now.
    const hour = (new Date().getUTCHours() + 6) % 24;
    const closedNow = {
      from: `${String(hour).padStart(2, '0')}:00`,
      to: `${String((hour + 2) % 24).padStart(2, '0')}:00`,
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const,
    };
    const arranged = await arrangeCampaign(stores, {
      count: 12,
      topics: ['hiring'],
      person: (i, e) => {
        const tweaks: Record<number, () => typeof e> = {
          0: () => ({ ...e, consent: optedIn({ networks: { sandbox: { autoShare: false } } }) }),
          1: () => ({ ...e, consent: leaveProgramme(optedIn(), new Date()) }),
          2: () => ({ ...e, consent: optedIn({ paused: true }) }),
          3: () => ({ ...e, status: 'deactivated' }),
          4: () => ({ ...e, connections: {} }),
          5: () => ({ ...e, consent: optedIn({ topics: ['finance'] }) }),
          6: () => ({
            ...e,
            consent: optedIn({ sharingHours: { ...closedNow, days: [...closedNow.days] } }),
          }),
          7: () => ({
            ...e,
            connections: { sandbox: { status: 'expired', handle: 'x', audienceSize: 1 } },
          }),
        };
        return tweaks[i]?.() ?? e;
      },
    });
    const { people, campaign } = arranged;
    const jobs = await fanOut(arranged);
    expect(jobs.map((j) => j.employeeId).sort()).toEqual(
      people
        .slice(8)
        .map((p) => p.employeeId)
        .sort(),
    );
    const later = await deferredJobsOf(campaign.campaignId, new Date(Date.now() + 2 * 86_400_000));
    expect(later.map(({ job }) => job.employeeId)).toEqual([people[6]?.employeeId]);
    const window = sharingWindow(
      new Date(),
      { ...closedNow, days: [...closedNow.days] },
      'Europe/Berlin',
    );
    expect(later[0]?.dueAt.getTime()).toBeGreaterThanOrEqual(window.start.getTime());
    expect(later[0]?.dueAt.getTime()).toBeLessThan(window.end.getTime());

    const { slices } = { slices: await campaigns.slices(campaign.campaignId) };
    const excluded: Record<string, number> = {};
    for (const s of slices)
      for (const [k, n] of Object.entries(s.excluded)) excluded[k] = (excluded[k] ?? 0) + n;
    expect(excluded).toEqual({
      auto_share_off: 1,
      left_programme: 1,
      paused: 1,
      deactivated: 1,
      not_connected: 1,
      topic_not_followed: 1,
      reconnect_needed: 1,
    });

    // The dispatcher hands the deferred job over only when its time is near.
    await releaseDeferredJobs(new Date(), {
      deferred,
      send: (j) => sendShareJobs(queue.queueUrl, j),
    });
    expect(await drainJobs(queue.client, queue.queueUrl)).toEqual([]);
  });

  it('resumes a slice where it stopped when a run runs out of time', async () => {
    const arranged = await arrangeCampaign(stores, { count: 40 });
    let pagesLeft = 1;
    const deps = fanOutDeps({ pageSize: 1 });
    // The shard holding most of this campaign's people (40 over 16 shards: at least 3), so the
    // first run's one page cannot be the whole shard, however the random ids fell.
    const perShard = new Map<number, number>();
    for (const p of arranged.people) {
      const shard = directoryShardOf(p.employeeId);
      perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
    }
    const [shard] = [...perShard].reduce((most, entry) => (entry[1] > most[1] ? entry : most));
    const due = { campaignId: arranged.campaign.campaignId, shard };
    // Other tests share the table: read the whole shard, not its first page.
    const inShard: Employee[] = [];
    let cursor: DirectoryCursor | undefined;
    do {
      const page = await employees.directoryPage(shard, cursor, 1000);
      inShard.push(
        ...page.employees.filter((e) => arranged.people.some((p) => p.employeeId === e.employeeId)),
      );
      cursor = page.next;
    } while (cursor);
    // The first run may take one page, then its time is up: it hands over to a fresh run (its
    // continuation is committed with the checkpoint: test/integration/fan-out-deliveries.test.ts).
    expect(await fanOutSlice(due, deps, () => (pagesLeft-- > 0 ? 300_000 : 0))).toBe(false);
    expect((await campaigns.slice(due.campaignId, due.shard))?.done).toBe(false);
    expect(await fanOutSlice(due, deps, () => 300_000)).toBe(true);
    const jobs = await drainJobs(queue.client, queue.queueUrl);
    const forShard = jobs.filter((j) => j.campaignId === arranged.campaign.campaignId);
    expect(new Set(forShard.map((j) => j.employeeId))).toEqual(
      new Set(inShard.map((e) => e.employeeId)),
    );
    expect(forShard).toHaveLength(inShard.length);
  });

  it('publishes each share once however often it is delivered, with its own text', async () => {
    const arranged = await arrangeCampaign(stores, { count: 12 });
    const jobs = await fanOut(arranged);
    expect(jobs).toHaveLength(12);
    const first = await Promise.all(jobs.map((job) => publishShare(job, workerDeps)));
    const again = await Promise.all(jobs.map((job) => publishShare(job, workerDeps)));
    expect(first.map(statusOf)).toEqual(jobs.map(() => 'published'));
    expect(again.map(statusOf)).toEqual(jobs.map(() => 'published'));
    const sandboxPosts = await Promise.all(jobs.map((job) => findSandboxPost(TABLE, job.shareId)));
    expect(sandboxPosts.every((p) => p?.text.includes('#AcmeEmployee'))).toBe(true);
    // Template fields are filled per employee; no placeholder reaches the network.
    expect(sandboxPosts.some((p) => /^Person\d+ here:/.test(p?.text ?? ''))).toBe(true);
    expect(sandboxPosts.some((p) => p?.text.startsWith('We are hiring engineers at Acme.'))).toBe(
      true,
    );
    expect(sandboxPosts.every((p) => !p?.text.includes('{{'))).toBe(true);
    const { entries } = await audit.list({
      postId: arranged.post.postId,
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
      limit: 500,
    });
    expect(entries.filter((e) => e.action === 'share.published')).toHaveLength(12);
    // Each share's SharePublished committed with its write, once, for the relay to deliver.
    const announced = await Promise.all(
      jobs.map((job) => committedEvents(TABLE, `share#${job.shareId}`)),
    );
    expect(announced.map((events) => events.map((e) => e.detailType))).toEqual(
      jobs.map(() => ['SharePublished']),
    );
  });

  it('resumes a share whose worker died mid-publish, without a second post', async () => {
    const arranged = await arrangeCampaign(stores, { count: 1 });
    const job = jobFor(arranged, arranged.people[0]!.employeeId);
    await shares.recordFirst({
      ...job,
      status: 'publishing',
      audienceSize: 1,
      startedAt: now().toISOString(),
      attempt: 1,
      leaseUntil: new Date(Date.now() - 1000).toISOString(),
    });
    expect(statusOf(await publishShare(job, workerDeps))).toBe('published');
    expect((await shares.get(job.shareId))?.attempt).toBe(2);
  });

  it('publishes once and announces once when two workers get the same job at once', async () => {
    const arranged = await arrangeCampaign(stores, { count: 1 });
    const job = jobFor(arranged, arranged.people[0]!.employeeId);
    const outcomes = await Promise.all([
      publishShare(job, workerDeps),
      publishShare(job, workerDeps),
    ]);
    // The loser either finds the claim held (and comes back later) or the share already done.
    expect(outcomes.map(statusOf)).toContain('published');
    expect(outcomes.map(statusOf).every((s) => s === 'published' || s === 'later')).toBe(true);
    expect((await shares.get(job.shareId))?.status).toBe('published');
    expect((await committedEvents(TABLE, `share#${job.shareId}`)).map((e) => e.detailType)).toEqual(
      ['SharePublished'],
    );
  });

  it('skips the share of someone who left after the fan-out, and keeps to daily caps', async () => {
    const arranged = await arrangeCampaign(stores, {
      count: 2,
      person: (i, e) =>
        i === 1
          ? { ...e, consent: optedIn({ networks: { sandbox: { autoShare: true, dailyCap: 1 } } }) }
          : e,
    });
    const [leaver, capped] = arranged.people;
    const employee = await employees.get(leaver!.employeeId);
    await employees.updateConsent(
      employee,
      leaveProgramme(employee.consent, now()),
      'consent.left',
      leaver!.employeeId,
      now(),
    );
    const left = await publishShare(jobFor(arranged, leaver!.employeeId), workerDeps);
    expect(left.kind === 'done' && left.share.reason).toBe('left_programme');

    expect(statusOf(await publishShare(jobFor(arranged, capped!.employeeId), workerDeps))).toBe(
      'published',
    );
    const second = await arrangeCampaign(stores, { count: 0 });
    const overCap = await publishShare(jobFor(second, capped!.employeeId), workerDeps);
    expect(overCap.kind === 'done' && overCap.share.reason).toBe('daily_cap_reached');
  });

  it('sends a rate-limited job anew for the network’s time, keeping no receive; ends it after 25 refusals', async () => {
    const arranged = await arrangeCampaign(stores, { count: 1 });
    const job = jobFor(arranged, arranged.people[0]!.employeeId);
    const refusing = createSandboxNetwork(TABLE, { fault: () => 'rate_limited' });
    const deps = { ...workerDeps, networks: { ...networks, sandbox: refusing } };
    const { worker, delayed, scheduled } = workerOnRecordedQueue(deps);
    const record = deliveryOf(job, 9);
    const before = Date.now();
    const response = await worker({ Records: [record] }, {} as Context);

    // Acknowledged, not kept: a storm of 429s must not walk the job into the dead-letter queue.
    expect(response.batchItemFailures).toEqual([]);
    expect(delayed).toEqual([]);
    expect(scheduled.map((s) => s.job)).toEqual([job]);
    expect(scheduled[0]!.at.getTime()).toBeGreaterThanOrEqual(before + 1000);
    const handedBack = await shares.get(job.shareId);
    expect([handedBack?.status, handedBack?.reason]).toEqual(['pending', 'rate_limited']);

    // The 25th attempt that meets a 429 ends the share: failed, nothing posted.
    await dynamo().send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.share(job.shareId),
        UpdateExpression: 'SET attempt = :attempt',
        ExpressionAttributeValues: { ':attempt': 24 },
      }),
    );
    const last = await publishShare(job, deps);
    expect(last.kind === 'done' && [last.share.status, last.share.reason]).toEqual([
      'failed',
      'rate_limited',
    ]);
    expect(await findSandboxPost(TABLE, job.shareId)).toBeUndefined();
  });

  it('publishes to each employee the copy for their segment, else the general one, never another segment’s', async () => {
    const arranged = await arrangeCampaign(stores, {
      count: 6,
      segments: 3,
      variants: ([sales, lisbon]) => [
        { text: 'Sales team: we are hiring engineers.', segments: [sales as string] },
        { text: 'Lisbon office: we are hiring engineers.', segments: [lisbon as string] },
        { text: 'Everyone else: we are hiring engineers.' },
      ],
    });
    const jobs = await fanOut(arranged);
    expect(jobs).toHaveLength(6);
    // Through the SQS worker, one batch: each segment's rules read once for all its jobs.
    const rule = vi.spyOn(segments, 'rule');
    const { worker } = workerOnRecordedQueue(workerDeps);
    const answer = await worker({ Records: jobs.map((job) => deliveryOf(job)) }, {} as Context);
    expect(answer.batchItemFailures).toEqual([]);
    expect(rule.mock.calls.map(([id]) => id).sort()).toEqual(
      arranged.segmentIds.slice(0, 2).sort(),
    );
    rule.mockRestore();
    const expected = ['Sales team:', 'Lisbon office:', 'Everyone else:'];
    for (const [i, person] of arranged.people.entries()) {
      const posted = await findSandboxPost(TABLE, jobFor(arranged, person.employeeId).shareId);
      expect(posted?.text, person.department).toMatch(new RegExp(`^${expected[i % 3]}`));
    }
  });

  it('skips, with its reason, the share of an employee no variant is written for', async () => {
    const arranged = await arrangeCampaign(stores, {
      count: 2,
      segments: 2,
      variants: ([sales]) => [
        { text: 'Sales team: we are hiring engineers.', segments: [sales as string] },
      ],
    });
    const [inSales, other] = arranged.people;
    expect(statusOf(await publishShare(jobFor(arranged, inSales!.employeeId), workerDeps))).toBe(
      'published',
    );
    const job = jobFor(arranged, other!.employeeId);
    const skipped = await publishShare(job, workerDeps);
    expect(skipped.kind === 'done' && [skipped.share.status, skipped.share.reason]).toEqual([
      'skipped',
      'no_copy_for_segments',
    ]);
    expect(await findSandboxPost(TABLE, job.shareId)).toBeUndefined();
  });

  it('reports each batch’s own failures when batches run at once in one process', async () => {
    const arranged = await arrangeCampaign(stores, { count: 4 });
    const [failing, ...others] = arranged.people.map((p) => jobFor(arranged, p.employeeId));
    // The failing job's read fails late, while the other batch is being processed.
    const { worker } = workerOnRecordedQueue({
      ...workerDeps,
      shares: {
        ...shares,
        get: async (shareId) => {
          if (shareId !== failing!.shareId) return shares.get(shareId);
          await new Promise((resolve) => setTimeout(resolve, 200));
          throw new Error('throttled');
        },
      },
    });
    const [first, second] = await Promise.all([
      worker({ Records: [deliveryOf(failing!), deliveryOf(others[0]!)] }, {} as Context),
      worker({ Records: others.slice(1).map((job) => deliveryOf(job)) }, {} as Context),
    ]);

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: `m-${failing!.shareId}` }]);
    expect(second.batchItemFailures).toEqual([]);
  });

  it('refuses to publish when the stored copy no longer matches the approved hash', async () => {
    const arranged = await arrangeCampaign(stores, { count: 1 });
    await dynamo().send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.post(arranged.post.postId),
        UpdateExpression: 'SET variants = :v',
        ExpressionAttributeValues: { ':v': [{ text: 'Buy now, guaranteed returns!' }] },
      }),
    );
    const job = jobFor(arranged, arranged.people[0]!.employeeId);
    const result = await publishShare(job, workerDeps);
    expect(result.kind === 'done' && result.share.reason).toBe('content_not_approved');
    expect(await findSandboxPost(TABLE, job.shareId)).toBeUndefined();
  });

  it('stores an engagement snapshot per reading, once, and the latest counts on the share', async () => {
    // Its own table: the poller reads every share due on the network, other tests' included.
    const table = OWN_TABLES.pipelinePoll;
    const own = createShareStack({
      table,
      queueUrl: queue.queueUrl,
      deadLetterUrl: queue.deadLetterUrl,
      networks: createNetworkRegistry(table),
      leaseMs: 30_000,
    });
    const arranged = await arrangeCampaign(own.stores, { count: 2 });
    for (const person of arranged.people) {
      await publishShare(jobFor(arranged, person.employeeId), own.worker);
    }
    const later = new Date(Date.now() + 3 * 3_600_000);
    const pollerDeps = createPollerDependencies(table, own.worker.networks);
    const first = await pollEngagement(later, pollerDeps);
    expect(first.sandbox?.polled).toBe(2);
    const again = await pollEngagement(later, pollerDeps);
    expect(again.sandbox?.polled).toBe(0);
    const share = await own.worker.shares.get(
      jobFor(arranged, arranged.people[0]!.employeeId).shareId,
    );
    expect(share?.engagement?.impressions).toBeGreaterThan(0);
    expect(share?.lastPolledAt).toBe(later.toISOString());
  });
});
