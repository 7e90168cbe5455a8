import { beforeAll, describe, expect, it } from 'vitest';
import { checkSubmittedPost } from '#functions/compliance-check/check-post';
import { reannounceStalledSlices } from '#functions/dispatcher/sweep-stalled-slices';
import { reannounceUncheckedPosts } from '#functions/dispatcher/sweep-unchecked-posts';
import { type FanOutDependencies, fanOutSlice } from '#functions/share-fanout/fan-out';
import { defaultApprovalPolicy } from '#shared/approvals/policy';
import { defaultPolicy } from '#shared/compliance/policy';
import type { EventDetail } from '#shared/events/catalogue';
import type { EventMeta } from '#shared/events/outbox';
import type { PendingEvent } from '#shared/events/publisher';
import { newPostId } from '#shared/ids';
import { newPost, type Post } from '#shared/posts/post';
import { applyAction, auditRecordOf } from '#shared/posts/transitions';
import { createJobScheduler } from '#shared/queue/job-scheduler';
import { sendShareJobs } from '#shared/queue/share-queue';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import { createAuditStore } from '#shared/store/audit';
import { campaignStream, createCampaignStore } from '#shared/store/campaigns';
import { createDeferredJobStore } from '#shared/store/deferred-jobs';
import { createEmployeeStore } from '#shared/store/employees';
import { createPostStore } from '#shared/store/posts';
import { createSegmentStore } from '#shared/store/segments';
import { createSpendStore } from '#shared/store/spend';
import { type CommittedEvent, outboxFeed } from '../fixtures/outbox';
import { caller, content } from '../fixtures/posts';
import { arrangeCampaign } from '../fixtures/sharing';
import { createTestQueues, drainJobs } from './queues';
import { TABLE } from './setup';

const audit = createAuditStore(TABLE);
const posts = createPostStore(TABLE, audit);
const campaigns = createCampaignStore(TABLE, audit);
const employees = createEmployeeStore(TABLE, audit);
const segments = createSegmentStore(TABLE, audit);
const outbox = outboxFeed(TABLE);
const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);
/** Everything committed to the outbox so far, as the relay reads it. */
const committed: CommittedEvent[] = [];
const announced = async <T extends PendingEvent['detailType']>(type: T) => {
  committed.push(...(await outbox.take()));
  return committed
    .filter((e) => e.detailType === type)
    .map((e) => e.detail as EventDetail<T> & EventMeta);
};
const postSweepDeps = { posts };
const sliceSweepDeps = { campaigns };

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
  now: () => at,
});

describe('posts submitted but never checked', () => {
  it('re-announces PostSubmitted through the outbox for a post left unchecked past the limit, with a new id, and the check then runs once whatever the order', async () => {
    const submittedAt = new Date();
    const post = await submittedPost(submittedAt);
    const mine = async () =>
      (await announced('PostSubmitted')).filter((e) => e.postId === post.postId);
    const [original] = await mine();

    await reannounceUncheckedPosts(minutes(submittedAt, 11), postSweepDeps);
    const again = (await mine()).slice(1);
    expect(again).toEqual([
      expect.objectContaining({ postId: post.postId, version: 1, actor: 'system:dispatcher' }),
    ]);
    // Not the submission's own event again: a consumer deduping by id must not drop it.
    const event = again[0] as EventDetail<'PostSubmitted'> & EventMeta;
    expect(event.id).not.toBe(original?.id);
    expect(event.aggregate).toBe(original?.aggregate);
    expect(event.sequence).toBeGreaterThan(original?.sequence ?? Infinity);

    // The re-announcement arrives first, then the late original, then both again: one check.
    await checkSubmittedPost(event, checkDeps(minutes(submittedAt, 11)));
    const checked = await posts.get(post.postId);
    expect(checked.compliance).toBeDefined();
    for (const late of [original, event, original]) {
      await checkSubmittedPost(late as typeof event, checkDeps(minutes(submittedAt, 12)));
    }
    expect((await posts.get(post.postId)).revision).toBe(checked.revision);
    expect(
      (await announced('ComplianceChecked')).filter((e) => e.postId === post.postId),
    ).toHaveLength(1);

    await reannounceUncheckedPosts(minutes(submittedAt, 60), postSweepDeps);
    expect(await mine()).toHaveLength(2);
  });

  it('checks a post once when the re-announced event and the original arrive together', async () => {
    const submittedAt = new Date();
    const post = await submittedPost(submittedAt);
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
    const mine = async () =>
      (await announced('PostSubmitted')).filter(
        (e) => e.postId === post.postId && e.actor === 'system:dispatcher',
      );

    await reannounceUncheckedPosts(minutes(submittedAt, 2), postSweepDeps);
    expect(await mine()).toEqual([]);

    await Promise.all([
      reannounceUncheckedPosts(minutes(submittedAt, 11), postSweepDeps),
      reannounceUncheckedPosts(minutes(submittedAt, 11), postSweepDeps),
    ]);
    await reannounceUncheckedPosts(minutes(submittedAt, 12), postSweepDeps);
    expect(await mine()).toHaveLength(1);
    // Still unchecked a whole interval after the last announcement: announced again, anew.
    await reannounceUncheckedPosts(minutes(submittedAt, 22), postSweepDeps);
    const both = await mine();
    expect(both).toHaveLength(2);
    expect(new Set(both.map((e) => e.id)).size).toBe(2);
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
    const stores = { table: TABLE, posts, campaigns, segments };
    const arranged = await arrangeCampaign(stores, { count: 30 });
    const campaignId = arranged.campaign.campaignId;
    const startedAt = new Date();
    // Find a shard with people in it: its run takes one page, then the run of its hand-over dies.
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
    // The sweep's announcements only: the fan-out commits its own hand-over (on the slice's
    // aggregate) with the checkpoint, so it is never lost; what stalls now is a run that took it
    // and died, over and over, which only the sweep (on the campaign's chain) can restart.
    const mine = async () =>
      (await announced('CampaignSliceDue')).filter(
        (e) => e.campaignId === campaignId && e.aggregate === campaignStream(campaignId),
      );

    await reannounceStalledSlices(minutes(startedAt, 3), sliceSweepDeps);
    expect(await mine()).toEqual([]);
    await Promise.all([
      reannounceStalledSlices(minutes(startedAt, 16), sliceSweepDeps),
      reannounceStalledSlices(minutes(startedAt, 16), sliceSweepDeps),
    ]);
    const [again] = await mine();
    expect(await mine()).toEqual([expect.objectContaining({ campaignId, shard })]);
    await reannounceStalledSlices(minutes(startedAt, 17), sliceSweepDeps);
    expect(await mine()).toHaveLength(1);

    // The re-announced slice runs to its end; the same event again, or the original late, finds
    // it done and does nothing: its jobs went out once.
    const resumedAt = minutes(startedAt, 17);
    const event = { campaignId, shard, ...(again as EventMeta) };
    expect(
      await fanOutSlice(
        event,
        fanOutDeps(() => resumedAt),
        () => 300_000,
      ),
    ).toBe(true);
    const finished = await campaigns.slice(campaignId, shard);
    expect(finished?.done).toBe(true);
    for (const late of [event, { campaignId, shard }]) {
      expect(
        await fanOutSlice(
          late,
          fanOutDeps(() => resumedAt),
          () => 300_000,
        ),
      ).toBe(true);
    }
    expect(await campaigns.slice(campaignId, shard)).toEqual(finished);
    await reannounceStalledSlices(minutes(startedAt, 120), sliceSweepDeps);
    expect(await mine()).toHaveLength(1);
    await drainJobs(queue.client, queue.queueUrl);
  });

  it('drops a stalled slice of a cancelled campaign instead of re-announcing it', async () => {
    const stores = { table: TABLE, posts, campaigns, segments };
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
    // The sweep's announcements only: the fan-out commits its own hand-over (on the slice's
    // aggregate) with the checkpoint, so it is never lost; what stalls now is a run that took it
    // and died, over and over, which only the sweep (on the campaign's chain) can restart.
    const mine = async () =>
      (await announced('CampaignSliceDue')).filter(
        (e) => e.campaignId === campaignId && e.aggregate === campaignStream(campaignId),
      );
    await reannounceStalledSlices(minutes(startedAt, 16), sliceSweepDeps);
    await reannounceStalledSlices(minutes(startedAt, 60), sliceSweepDeps);
    expect(await mine()).toEqual([]);
    await drainJobs(queue.client, queue.queueUrl);
  });
});
