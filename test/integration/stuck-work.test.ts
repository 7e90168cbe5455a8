import { beforeAll, describe, expect, it } from 'vitest';
import { checkSubmittedPost } from '#functions/compliance-check/check-post';
import { reannounceStalledSlices } from '#functions/dispatcher/sweep-stalled-slices';
import { reannounceUncheckedPosts } from '#functions/dispatcher/sweep-unchecked-posts';
import { type FanOutDependencies, fanOutSlice } from '#functions/share-fanout/fan-out';
import { defaultApprovalPolicy } from '#shared/approvals/policy';
import { defaultPolicy } from '#shared/compliance/policy';
import type { EventDetail } from '#shared/events/catalogue';
import type { PendingEvent } from '#shared/events/publisher';
import { newPostId } from '#shared/ids';
import { newPost, type Post } from '#shared/posts/post';
import { applyAction, auditRecordOf } from '#shared/posts/transitions';
import { createJobScheduler } from '#shared/queue/job-scheduler';
import { sendShareJobs } from '#shared/queue/share-queue';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import { createAuditStore } from '#shared/store/audit';
import { createCampaignStore } from '#shared/store/campaigns';
import { createDeferredJobStore } from '#shared/store/deferred-jobs';
import { createEmployeeStore } from '#shared/store/employees';
import { createPostStore } from '#shared/store/posts';
import { createSegmentStore } from '#shared/store/segments';
import { createSpendStore } from '#shared/store/spend';
import { outboxFeed } from '../fixtures/outbox';
import { caller, content } from '../fixtures/posts';
import { arrangeCampaign } from '../fixtures/sharing';
import { createTestQueues, drainJobs } from './queues';
import { TABLE } from './setup';

const audit = createAuditStore(TABLE);
const posts = createPostStore(TABLE, audit);
const campaigns = createCampaignStore(TABLE, audit);
const employees = createEmployeeStore(TABLE, audit);
const segments = createSegmentStore(TABLE, audit);
const published: PendingEvent[] = [];
const outbox = outboxFeed(TABLE);
const publish = async (events: readonly PendingEvent[]) => {
  published.push(...events);
};
const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);
const announced = <T extends PendingEvent['detailType']>(type: T) =>
  published.filter((e) => e.detailType === type).map((e) => e.detail as EventDetail<T>);

/** A post submitted at `at` whose PostSubmitted never reached the compliance check. */
const submittedPost = async (at: Date): Promise<Post> => {
  const author = caller('author', 'marketing');
  const draft = newPost(content(), { postId: newPostId(), author }, undefined, at);
  await posts.save(draft, undefined, {
    records: [auditRecordOf(undefined, draft, { type: 'create' }, author.userId)],
  });
  // Its PostSubmitted waits in the outbox; no relay runs here, so it never reaches the check.
  return applyAction(
    { posts },
    draft,
    { type: 'submit', by: author },
    { actor: author.userId, at },
  );
};

const checkDeps = (at: Date) => ({
  posts,
  policy: async () => defaultPolicy,
  approvalPolicy: async () => defaultApprovalPolicy,
  publish,
  now: () => at,
});

describe('posts submitted but never checked', () => {
  it('re-announces PostSubmitted for a post left unchecked past the limit, and the check then runs once', async () => {
    const submittedAt = new Date();
    const post = await submittedPost(submittedAt);
    published.length = 0;

    await reannounceUncheckedPosts(minutes(submittedAt, 11), { posts, publish });
    const again = announced('PostSubmitted').filter((e) => e.postId === post.postId);
    expect(again).toEqual([expect.objectContaining({ postId: post.postId, version: 1 })]);

    // The re-announced event runs the check; a duplicate of it changes nothing more.
    const event = again[0] as EventDetail<'PostSubmitted'>;
    await checkSubmittedPost(event, checkDeps(minutes(submittedAt, 11)));
    const checked = await posts.get(post.postId);
    expect(checked.compliance).toBeDefined();
    await checkSubmittedPost(event, checkDeps(minutes(submittedAt, 12)));
    expect((await posts.get(post.postId)).revision).toBe(checked.revision);

    published.length = 0;
    await reannounceUncheckedPosts(minutes(submittedAt, 60), { posts, publish });
    expect(announced('PostSubmitted').filter((e) => e.postId === post.postId)).toEqual([]);
  });

  it('checks a post once when the re-announced event and the original arrive together', async () => {
    const submittedAt = new Date();
    const post = await submittedPost(submittedAt);
    published.length = 0;
    const event = { postId: post.postId, version: 1, from: 'draft', to: 'submitted', actor: 'a' };
    const runs = await Promise.allSettled([
      checkSubmittedPost(event, checkDeps(submittedAt)),
      checkSubmittedPost(event, checkDeps(submittedAt)),
    ]);
    expect(runs.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    // The check commits its ComplianceChecked with the post, in the outbox: once.
    const committed = (await outbox.take()).filter(
      (e) => e.detailType === 'ComplianceChecked' && e.detail.postId === post.postId,
    );
    expect(committed).toHaveLength(1);
  });

  it('leaves a freshly submitted post to its check, and re-announces a stuck one once per interval', async () => {
    const submittedAt = new Date();
    const post = await submittedPost(submittedAt);
    published.length = 0;
    const mine = () => announced('PostSubmitted').filter((e) => e.postId === post.postId);

    await reannounceUncheckedPosts(minutes(submittedAt, 2), { posts, publish });
    expect(mine()).toEqual([]);

    await reannounceUncheckedPosts(minutes(submittedAt, 11), { posts, publish });
    await reannounceUncheckedPosts(minutes(submittedAt, 12), { posts, publish });
    expect(mine()).toHaveLength(1);
    // Still unchecked a whole interval after the last announcement: announced again.
    await reannounceUncheckedPosts(minutes(submittedAt, 22), { posts, publish });
    expect(mine()).toHaveLength(2);
  });
});

describe('campaigns whose fan-out slices stopped', () => {
  let queue: Awaited<ReturnType<typeof createTestQueues>>;
  beforeAll(async () => {
    queue = await createTestQueues('stuck-work');
  });
  const fanOutDeps = (now: () => Date): FanOutDependencies => ({
    campaigns,
    posts,
    employees,
    segments,
    sharingPolicy: async () => defaultSharingPolicy,
    schedule: createJobScheduler(
      (jobs) => sendShareJobs(queue.queueUrl, jobs),
      createDeferredJobStore(TABLE),
    ),
    spend: createSpendStore(TABLE),
    now,
    pageSize: 1,
  });

  it('re-announces CampaignSliceDue for a slice whose checkpoint stopped moving, and forgets it once done', async () => {
    const stores = { table: TABLE, posts, campaigns, segments, publish };
    const arranged = await arrangeCampaign(stores, { count: 30 });
    const campaignId = arranged.campaign.campaignId;
    const startedAt = new Date();
    // Find a shard with people in it: its run takes one page, then its continuation is lost.
    let shard = -1;
    for (let s = 0; shard < 0; s++) {
      let pagesLeft = 1;
      const done = await fanOutSlice(
        { campaignId, shard: s },
        fanOutDeps(() => startedAt),
        () => (pagesLeft-- > 0 ? 300_000 : 0),
      );
      if (!done) shard = s;
    }
    published.length = 0;
    const mine = () => announced('CampaignSliceDue').filter((e) => e.campaignId === campaignId);

    await reannounceStalledSlices(minutes(startedAt, 3), { campaigns, publish });
    expect(mine()).toEqual([]);
    await reannounceStalledSlices(minutes(startedAt, 16), { campaigns, publish });
    expect(mine()).toEqual([{ campaignId, shard }]);
    await reannounceStalledSlices(minutes(startedAt, 17), { campaigns, publish });
    expect(mine()).toHaveLength(1);

    // The re-announced slice runs to its end; nothing is announced for it any more.
    const resumedAt = minutes(startedAt, 17);
    expect(
      await fanOutSlice(
        { campaignId, shard },
        fanOutDeps(() => resumedAt),
        () => 300_000,
      ),
    ).toBe(true);
    expect((await campaigns.slice(campaignId, shard))?.done).toBe(true);
    published.length = 0;
    await reannounceStalledSlices(minutes(startedAt, 120), { campaigns, publish });
    expect(mine()).toEqual([]);
    await drainJobs(queue.client, queue.queueUrl);
  });

  it('drops a stalled slice of a cancelled campaign instead of re-announcing it', async () => {
    const stores = { table: TABLE, posts, campaigns, segments, publish };
    const arranged = await arrangeCampaign(stores, { count: 30 });
    const campaignId = arranged.campaign.campaignId;
    const startedAt = new Date();
    let stalled = false;
    for (let s = 0; !stalled; s++) {
      let pagesLeft = 1;
      stalled = !(await fanOutSlice(
        { campaignId, shard: s },
        fanOutDeps(() => startedAt),
        () => (pagesLeft-- > 0 ? 300_000 : 0),
      ));
    }
    const campaign = await campaigns.get(campaignId);
    await campaigns.change(
      campaign,
      { ...campaign, status: 'cancelled', cancelledAt: startedAt.toISOString() },
      ['scheduled', 'dispatched'],
      { actor: 'marketer', action: 'campaign.cancel', at: startedAt.toISOString() },
    );
    published.length = 0;
    const mine = () => announced('CampaignSliceDue').filter((e) => e.campaignId === campaignId);
    await reannounceStalledSlices(minutes(startedAt, 16), { campaigns, publish });
    await reannounceStalledSlices(minutes(startedAt, 60), { campaigns, publish });
    expect(mine()).toEqual([]);
    await drainJobs(queue.client, queue.queueUrl);
  });
});
