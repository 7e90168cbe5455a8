import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchDueCampaigns } from '#functions/dispatcher/dispatch-due';
import { pollEngagement } from '#functions/engagement-poller/poll-engagement';
import { fanOutCampaign } from '#functions/share-fanout/fan-out';
import { publishShare } from '#functions/share-worker/publish-share';
import { defaultApprovalPolicy, planReview } from '#shared/approvals/policy';
import { dynamo } from '#shared/aws';
import { checkCompliance } from '#shared/compliance/engine';
import { defaultPolicy } from '#shared/compliance/policy';
import type { PendingEvent } from '#shared/events/publisher';
import { employeeIdFor, newCampaignId, newPostId, shareIdFor } from '#shared/ids';
import { createNetworkRegistry } from '#shared/networks/registry';
import { sandboxAudienceOf } from '#shared/networks/sandbox';
import { contentHashOf } from '#shared/posts/content-hash';
import { newPost } from '#shared/posts/post';
import { applyAction, applyActions, auditRecordOf } from '#shared/posts/transitions';
import { sendShareJobs } from '#shared/queue/share-queue';
import { ShareJob } from '#shared/shares/share';
import { createAuditStore } from '#shared/store/audit';
import { createCampaignStore } from '#shared/store/campaigns';
import { createEmployeeStore } from '#shared/store/employees';
import { keys } from '#shared/store/keys';
import { createPersonalisationStore } from '#shared/store/personalisations';
import { createPostStore } from '#shared/store/posts';
import { createShareStore } from '#shared/store/shares';
import { caller, content } from '../fixtures/posts';
import { SHARE_QUEUE_URL, TABLE } from './setup';

const audit = createAuditStore(TABLE);
const posts = createPostStore(TABLE, audit);
const campaigns = createCampaignStore(TABLE);
const employees = createEmployeeStore(TABLE);
const shares = createShareStore(TABLE);
const networks = createNetworkRegistry(TABLE);
const published: PendingEvent[] = [];
const publish = async (events: readonly PendingEvent[]) => {
  published.push(...events);
};
const now = () => new Date();
const jobFor = (campaignId: string, postId: string, employeeId: string): ShareJob => ({
  shareId: shareIdFor(campaignId, employeeId, 'sandbox'),
  campaignId,
  postId,
  employeeId,
  network: 'sandbox',
});
const campaignOf = (e: PendingEvent) =>
  'campaignId' in e.detail ? e.detail.campaignId : undefined;
const workerDeps = {
  posts,
  campaigns,
  employees,
  shares,
  networks,
  publish,
  now,
  audit,
  personalisations: createPersonalisationStore(TABLE, audit),
  policy: async () => defaultPolicy,
};

/**
 * A post taken through the real workflow (created, submitted, checked, approved, scheduled with
 * a campaign already due) and `count` opted-in employees in a fresh segment.
 */
const arrange = async (count: number) => {
  const segment = `seg-${Math.random().toString(36).slice(2, 10)}`;
  const author = caller('author', 'marketing');
  const draft = newPost(
    content({
      variants: [
        { text: '{{employee.firstName}} here: we are hiring engineers.' },
        { text: 'We are hiring engineers at {{company}}.' },
      ],
      link: 'https://acme.example/jobs',
      topics: [],
      segments: [segment],
    }),
    { postId: newPostId(), author },
    undefined,
    now(),
  );
  await posts.save(draft, undefined, {
    records: [auditRecordOf(undefined, draft, { type: 'create' }, author.userId)],
  });
  const deps = { posts, publish };
  const compliance = checkCompliance(draft, defaultPolicy, now());
  const inReview = await applyActions(
    deps,
    draft,
    [
      { type: 'submit', by: author },
      { type: 'complianceChecked', compliance },
      { type: 'startReview', plan: planReview(draft, compliance, defaultApprovalPolicy) },
    ],
    { actor: author.userId, at: now() },
  );
  const approved = await applyAction(
    deps,
    inReview,
    { type: 'approve', by: caller('reviewer', 'marketing'), version: 1 },
    { actor: 'reviewer', at: now() },
  );
  const campaignId = newCampaignId();
  const post = await applyAction(
    deps,
    approved,
    { type: 'schedule' },
    {
      actor: author.userId,
      at: now(),
      writes: [
        campaigns.creation({
          campaignId,
          postId: approved.postId,
          postVersion: 1,
          contentHash: contentHashOf(approved),
          segments: [segment],
          networks: ['sandbox'],
          scheduledAt: new Date(Date.now() - 1000).toISOString(),
          status: 'scheduled',
          createdBy: author.userId,
          createdAt: now().toISOString(),
        }),
      ],
    },
  );
  const people = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const email = `${segment}-${i}@acme.example`;
      const employee = {
        email,
        name: `Person${i} Example`,
        segments: [segment],
        topics: [],
        employeeId: employeeIdFor(email),
        status: 'active' as const,
        createdAt: now().toISOString(),
      };
      await employees.create(employee);
      await employees.putConnection(employee, {
        employeeId: employee.employeeId,
        network: 'sandbox',
        handle: `h${i}`,
        audienceSize: sandboxAudienceOf(`h${i}`),
        autoShare: true,
        status: 'active',
        connectedAt: now().toISOString(),
      });
      return employee;
    }),
  );
  return { post, campaignId, segment, people };
};

const drainQueue = async (): Promise<ShareJob[]> => {
  const client = new SQSClient({ useQueueUrlAsEndpoint: false });
  const jobs: ShareJob[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: SHARE_QUEUE_URL,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return jobs;
    jobs.push(...Messages.map((m) => ShareJob.parse(JSON.parse(m.Body ?? ''))));
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: SHARE_QUEUE_URL,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
};

describe('dispatch → fan-out → worker → poll, on DynamoDB Local and fauxqs', () => {
  beforeAll(async () => {
    await drainQueue();
  });

  it('announces a due campaign exactly once', async () => {
    const { campaignId } = await arrange(0);
    published.length = 0;
    await dispatchDueCampaigns(now(), { campaigns, publish });
    await dispatchDueCampaigns(now(), { campaigns, publish });
    const due = published.filter(
      (e) => e.detailType === 'CampaignDue' && campaignOf(e) === campaignId,
    );
    expect(due).toHaveLength(1);
    expect((await campaigns.get(campaignId)).status).toBe('dispatched');
  });

  it('sends one job per opted-in employee, and publishes each share once however often it is delivered', async () => {
    const { post, campaignId, people } = await arrange(23);
    const optedOut = people[0]!;
    await employees.putConnection(optedOut, {
      employeeId: optedOut.employeeId,
      network: 'sandbox',
      handle: 'h0',
      audienceSize: 10,
      autoShare: false,
      status: 'active',
      connectedAt: now().toISOString(),
    });
    const jobCount = await fanOutCampaign(
      { campaignId, postId: post.postId, scheduledAt: now().toISOString() },
      { campaigns, employees, sendJobs: (jobs) => sendShareJobs(SHARE_QUEUE_URL, jobs) },
    );
    expect(jobCount).toBe(22);
    const jobs = await drainQueue();
    expect(new Set(jobs.map((j) => j.shareId)).size).toBe(22);

    const first = await Promise.all(jobs.map((job) => publishShare(job, workerDeps)));
    const again = await Promise.all(jobs.map((job) => publishShare(job, workerDeps)));
    expect(first.every((s) => s === 'published')).toBe(true);
    expect(again.every((s) => s === 'published')).toBe(true);
    const sandboxPosts = await Promise.all(
      jobs.map(
        async (job) =>
          (
            await dynamo().send(
              new GetCommand({ TableName: TABLE, Key: keys.sandboxPost(`sbx_${job.shareId}`) }),
            )
          ).Item,
      ),
    );
    expect(sandboxPosts.every((p) => p?.text?.includes('#AcmeEmployee'))).toBe(true);
    // Template fields are filled per employee; no placeholder reaches the network.
    expect(sandboxPosts.some((p) => /^Person\d+ here:/.test(p?.text))).toBe(true);
    expect(sandboxPosts.some((p) => p?.text?.startsWith('We are hiring engineers at Acme.'))).toBe(
      true,
    );
    expect(sandboxPosts.every((p) => !p?.text?.includes('{{'))).toBe(true);
    // Each share is on the record once, however often its job ran.
    const { entries } = await audit.list({
      postId: post.postId,
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
      limit: 500,
    });
    expect(entries.filter((e) => e.action === 'share.published')).toHaveLength(22);
    expect(
      published.filter((e) => e.detailType === 'SharePublished' && campaignOf(e) === campaignId),
    ).toHaveLength(22);
  });

  it('resumes a share whose worker crashed after recording its intent, without a second post', async () => {
    const { post, campaignId, people } = await arrange(1);
    const job = jobFor(campaignId, post.postId, people[0]!.employeeId);
    await shares.recordFirst({
      ...job,
      status: 'publishing',
      audienceSize: 1,
      startedAt: now().toISOString(),
    });
    expect(await publishShare(job, workerDeps)).toBe('published');
    expect((await shares.get(job.shareId))?.status).toBe('published');
  });

  it('publishes once and announces once when the same job is delivered to two workers at once', async () => {
    const { post, campaignId, people } = await arrange(1);
    const job = jobFor(campaignId, post.postId, people[0]!.employeeId);
    published.length = 0;
    const outcomes = await Promise.all([
      publishShare(job, workerDeps),
      publishShare(job, workerDeps),
    ]);
    expect(outcomes).toEqual(['published', 'published']);
    expect(published.filter((e) => e.detailType === 'SharePublished')).toHaveLength(1);
  });

  it('refuses to publish when the stored copy no longer matches the approved hash', async () => {
    const { post, campaignId, people } = await arrange(1);
    await dynamo().send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.post(post.postId),
        UpdateExpression: 'SET variants = :v',
        ExpressionAttributeValues: { ':v': [{ text: 'Buy now, guaranteed returns!' }] },
      }),
    );
    const job = jobFor(campaignId, post.postId, people[0]!.employeeId);
    expect(await publishShare(job, workerDeps)).toBe('failed');
    const share = await shares.get(job.shareId);
    expect(share?.reason).toMatch(/content not approved/);
    const sandboxPost = await dynamo().send(
      new GetCommand({ TableName: TABLE, Key: keys.sandboxPost(`sbx_${job.shareId}`) }),
    );
    expect(sandboxPost.Item).toBeUndefined();
  });

  it('stores an engagement snapshot per reading, once, and the latest counts on the share', async () => {
    const { post, campaignId, people } = await arrange(2);
    for (const person of people) {
      await publishShare(jobFor(campaignId, post.postId, person.employeeId), workerDeps);
    }
    const later = new Date(Date.now() + 3 * 3_600_000);
    const first = await pollEngagement(later, { shares, networks, publish });
    expect(first.sandbox).toBeGreaterThanOrEqual(2);
    const again = await pollEngagement(later, { shares, networks, publish });
    expect(again.sandbox).toBe(0);
    const share = await shares.get(shareIdFor(campaignId, people[0]!.employeeId, 'sandbox'));
    expect(share?.engagement?.impressions).toBeGreaterThan(0);
    expect(share?.lastPolledAt).toBe(later.toISOString());
  });
});
