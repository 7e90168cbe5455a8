import type { Campaign, FanOutSlice } from '#shared/campaigns/campaign';
import { inAnyOf } from '#shared/employees/segment';
import { DETAIL_TYPES, type EventDetail } from '#shared/events/catalogue';
import { event, type Publish } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { JobScheduler } from '#shared/queue/job-scheduler';
import { planShares } from '#shared/sharing/plan';
import type { SharingPolicy } from '#shared/sharing/policy';
import type { CampaignStore } from '#shared/store/campaigns';
import { DIRECTORY_SHARDS, type EmployeeStore } from '#shared/store/employees';
import type { PostStore } from '#shared/store/posts';
import type { SegmentStore } from '#shared/store/segments';

export interface FanOutDependencies {
  campaigns: CampaignStore;
  posts: PostStore;
  employees: EmployeeStore;
  segments: SegmentStore;
  sharingPolicy: () => Promise<SharingPolicy>;
  schedule: JobScheduler;
  publish: Publish;
  now: () => Date;
  /** Employees read per page; each page is planned, sent and checkpointed before the next. */
  pageSize?: number;
}

const PAGE_SIZE = 500;
/** Stop taking pages with this much time left, and let a fresh invocation carry on. */
const SAFETY_MARGIN_MS = 60_000;

/**
 * A due campaign becomes one slice per directory shard, each its own invocation: no single run
 * has to walk a 100,000-person company, and the slices run in parallel.
 */
export const startFanOut = async (
  due: EventDetail<'CampaignDue'>,
  deps: FanOutDependencies,
): Promise<number> => {
  const campaign = await deps.campaigns.get(due.campaignId);
  if (campaign.status === 'cancelled' || campaign.mode === 'suggest') {
    logger.info('No automatic shares for this campaign', {
      campaignId: campaign.campaignId,
      status: campaign.status,
      mode: campaign.mode,
    });
    return 0;
  }
  await deps.publish(
    Array.from({ length: DIRECTORY_SHARDS }, (_, shard) =>
      event(DETAIL_TYPES.campaignSliceDue, { campaignId: campaign.campaignId, shard }),
    ),
  );
  return DIRECTORY_SHARDS;
};

const emptySlice = (shard: number): FanOutSlice => ({
  shard,
  pages: 0,
  done: false,
  queued: 0,
  deferred: 0,
  invited: 0,
  excluded: {},
});

/**
 * Fans out one shard of the directory, page by page. After each page the checkpoint moves on
 * (conditionally), so a retried or continued run resumes at the next page; a page whose jobs were
 * sent but whose checkpoint was not written is sent again, which the worker makes harmless.
 * Returns true when the shard is done, false when it handed the rest to a fresh invocation.
 */
export const fanOutSlice = async (
  due: EventDetail<'CampaignSliceDue'>,
  deps: FanOutDependencies,
  timeLeftMs: () => number,
): Promise<boolean> => {
  const campaign = await deps.campaigns.get(due.campaignId);
  if (campaign.status === 'cancelled') return true;
  let slice = (await deps.campaigns.slice(campaign.campaignId, due.shard)) ?? emptySlice(due.shard);
  if (slice.done) return true;
  const { isMember, postTopics, policy } = await planningContext(campaign, deps);

  while (!slice.done) {
    if (timeLeftMs() < SAFETY_MARGIN_MS) {
      await deps.publish([event(DETAIL_TYPES.campaignSliceDue, due)]);
      logger.info('Fan-out slice continues in a new invocation', { ...due, pages: slice.pages });
      return false;
    }
    const page = await deps.employees.directoryPage(
      due.shard,
      slice.cursor,
      deps.pageSize ?? PAGE_SIZE,
    );
    const plan = planShares({
      campaign,
      postTopics,
      inCampaignSegments: isMember,
      policy,
      employees: page.employees,
    });
    const sent = await deps.schedule(plan.jobs, deps.now());
    const excluded = { ...slice.excluded };
    for (const [reason, count] of Object.entries(plan.excluded)) {
      excluded[reason] = (excluded[reason] ?? 0) + count;
    }
    const next: FanOutSlice = {
      shard: due.shard,
      pages: slice.pages + 1,
      ...(page.next ? { cursor: page.next } : {}),
      done: !page.next,
      queued: slice.queued + sent.queued,
      deferred: slice.deferred + sent.deferred,
      invited: slice.invited + plan.invited,
      excluded,
    };
    if (!(await deps.campaigns.advanceSlice(campaign.campaignId, next, deps.now()))) {
      logger.info('Another run is fanning out this slice; leaving it to that one', { ...due });
      return false;
    }
    slice = next;
  }
  logger.info('Fan-out slice done', {
    campaignId: campaign.campaignId,
    shard: due.shard,
    queued: slice.queued,
    deferred: slice.deferred,
    excluded: slice.excluded,
  });
  return true;
};

const planningContext = async (campaign: Campaign, deps: FanOutDependencies) => {
  const [post, segments, policy] = await Promise.all([
    deps.posts.get(campaign.postId),
    deps.segments.all(),
    deps.sharingPolicy(),
  ]);
  return { isMember: inAnyOf(segments, campaign.segments), postTopics: post.topics, policy };
};
