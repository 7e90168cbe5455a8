import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchDueCampaigns } from '#functions/dispatcher/dispatch-due';
import { pollEngagement } from '#functions/engagement-poller/poll-engagement';
import { fanOutCampaign } from '#functions/share-fanout/fan-out';
import { publishShare } from '#functions/share-worker/publish-share';
import { dynamo } from '#shared/aws';
import { checkCompliance } from '#shared/compliance/engine';
import { defaultPolicy } from '#shared/compliance/policy';
import type { PendingEvent } from '#shared/events/publisher';
import { employeeIdFor, newCampaignId, newPostId, shareIdFor } from '#shared/ids';
import { createNetworkRegistry } from '#shared/networks/registry';
import { sandboxAudienceOf } from '#shared/networks/sandbox';
import { contentHashOf } from '#shared/posts/content-hash';
import { newPost, type Post } from '#shared/posts/post';
import { sendShareJobs } from '#shared/queue/share-queue';
import { ShareJob } from '#shared/shares/share';
import { createCampaignStore } from '#shared/store/campaigns';
import { createEmployeeStore } from '#shared/store/employees';
import { keys } from '#shared/store/keys';
import { createPostStore } from '#shared/store/posts';
import { createShareStore } from '#shared/store/shares';
import { SHARE_QUEUE_URL, TABLE } from './setup';

const posts = createPostStore(TABLE);
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
const workerDeps = { posts, campaigns, employees, shares, networks, publish, now };

/** An approved post, a scheduled campaign and `count` opted-in employees in a fresh segment. */
const arrange = async (count: number) => {
  const segment = `seg-${Math.random().toString(36).slice(2, 10)}`;
  const base = newPost(
    {
      title: 'T',
      copy: 'We are hiring engineers.',
      link: 'https://acme.example/jobs',
      topics: [],
      segment,
    },
    { postId: newPostId(), authorId: 'author' },
    now(),
  );
  const compliance = checkCompliance(base, defaultPolicy, Object.values(networks), now());
  const post: Post = {
    ...base,
    status: 'approved',
    compliance,
    approval: {
      approvedBy: 'reviewer',
      approverRole: 'marketing',
      approvedAt: now().toISOString(),
      version: 1,
      contentHash: '',
    },
  };
  post.approval = { ...post.approval!, contentHash: contentHashOf(post) };
  await posts.create(post);
  const campaignId = newCampaignId();
  await campaigns.create({
    campaignId,
    postId: post.postId,
    postVersion: 1,
    contentHash: contentHashOf(post),
    segment,
    networks: ['sandbox'],
    scheduledAt: new Date(Date.now() - 1000).toISOString(),
    status: 'scheduled',
    createdBy: 'author',
    createdAt: now().toISOString(),
  });
  const people = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const email = `${segment}-${i}@acme.example`;
      const employee = {
        email,
        name: `P${i}`,
        segments: [segment],
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
        UpdateExpression: 'SET #copy = :c',
        ExpressionAttributeNames: { '#copy': 'copy' },
        ExpressionAttributeValues: { ':c': 'Buy now, guaranteed returns!' },
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
