import { randomUUID } from 'node:crypto';
import type { Campaign, FanOutSlice, PageClaim } from '#shared/campaigns/campaign';
import { billingMonthOf, pricePerPostUsd } from '#shared/campaigns/cost';
import { inAnyOf } from '#shared/employees/segment';
import { DETAIL_TYPES, type EventDetail } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { JobScheduler, TimedJob } from '#shared/queue/job-scheduler';
import { planShares } from '#shared/sharing/plan';
import type { SharingPolicy } from '#shared/sharing/policy';
import type { CampaignStore } from '#shared/store/campaigns';
import { DIRECTORY_SHARDS, type EmployeeStore } from '#shared/store/employees';
import type { PostStore } from '#shared/store/posts';
import type { SegmentStore } from '#shared/store/segments';
import type { SpendStore } from '#shared/store/spend';

export interface FanOutDependencies {
  campaigns: CampaignStore;
  posts: PostStore;
  employees: EmployeeStore;
  segments: SegmentStore;
  spend: SpendStore;
  sharingPolicy: () => Promise<SharingPolicy>;
  schedule: JobScheduler;
  now: () => Date;
  /** Employees read per page; each page is planned, sent and checkpointed before the next. */
  pageSize?: number;
}

const PAGE_SIZE = 500;
/** Stop taking pages with this much time left, and let a fresh invocation carry on. */
const SAFETY_MARGIN_MS = 60_000;
/**
 * How long a run holds a page while it sends the page's jobs (seconds of work). Past it, another
 * run may take the page over; well inside the stalled-slice sweep's 15 minutes.
 */
const CLAIM_MS = 5 * 60_000;
/** Claims lost to other campaigns' spending before this run gives up and lets a retry continue. */
const MAX_BUDGET_RACES = 10;

/**
 * A due campaign becomes one slice per directory shard, each its own invocation: no single run
 * has to walk a 100,000-person company, and the slices run in parallel. The slice events are
 * committed once per campaign, with the audit entry that says fan-out started.
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
  const announced = await deps.campaigns.announceSlices(
    campaign,
    deps.now(),
    Array.from({ length: DIRECTORY_SHARDS }, (_, shard) =>
      event(DETAIL_TYPES.campaignSliceDue, { campaignId: campaign.campaignId, shard }),
    ),
  );
  if (!announced) logger.info('Fan-out already started', { campaignId: campaign.campaignId });
  return announced ? DIRECTORY_SHARDS : 0;
};

const emptySlice = (shard: number): FanOutSlice => ({
  shard,
  pages: 0,
  done: false,
  queued: 0,
  deferred: 0,
  invited: 0,
  excluded: {},
  costUsd: 0,
});

/**
 * Fans out one shard of the directory, page by page. Each page is first claimed by this run
 * (with its share of the monthly budget), then its jobs are sent, then the checkpoint moves on and
 * releases the claim. A duplicated or stale slice event therefore sends nothing: it finds the page
 * claimed, the checkpoint moved on, or the slice done. Only a run that died holding a page has it
 * sent again once the claim lapses, which the worker makes harmless. Jobs beyond the month's
 * budget are not sent; they are counted as `over_budget` on the slice.
 * Returns true when the shard is done, false when it handed the rest to a fresh invocation or
 * left it to another run.
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
  const context = await planningContext(campaign, deps);
  const run = randomUUID();

  // At least one page per run, so a run started late still makes progress.
  while (!slice.done) {
    const page = await deps.employees.directoryPage(
      due.shard,
      slice.cursor,
      deps.pageSize ?? PAGE_SIZE,
    );
    const plan = planShares({
      campaign,
      postTopics: context.postTopics,
      inCampaignSegments: context.isMember,
      policy: context.policy,
      employees: page.employees,
    });
    const claim = await claimPage(campaign, slice, plan.jobs, context, run, deps);
    if (!claim) {
      logger.info('Another run is fanning out this slice; leaving it to that one', { ...due });
      return false;
    }
    const sent = await deps.schedule(plan.jobs.slice(0, claim.sendable), deps.now());
    const excluded = { ...slice.excluded };
    const overBudget = plan.jobs.length - claim.sendable;
    for (const [reason, count] of Object.entries({
      ...plan.excluded,
      ...(overBudget > 0 ? { over_budget: overBudget } : {}),
    })) {
      excluded[reason] = (excluded[reason] ?? 0) + count;
    }
    if (overBudget > 0) {
      logger.warn('Monthly budget reached: shares not sent', { ...due, overBudget });
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
      costUsd: roundUsd(slice.costUsd + claim.costUsd),
    };
    // Handing over is committed with the checkpoint it continues from: no checkpoint without its
    // continuation, and no continuation for a checkpoint another run wrote.
    const handOver = !next.done && timeLeftMs() < SAFETY_MARGIN_MS;
    const advanced = await deps.campaigns.advanceSlice(
      campaign.campaignId,
      next,
      run,
      deps.now(),
      handOver ? [event(DETAIL_TYPES.campaignSliceDue, due)] : [],
    );
    if (!advanced) {
      logger.info('This run lost its claim on the page; leaving the slice to another', { ...due });
      return false;
    }
    if (handOver) {
      logger.info('Fan-out slice continues in a new invocation', { ...due, pages: next.pages });
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
    costUsd: slice.costUsd,
  });
  return true;
};

/** Fees are summed per job in fractions of a cent; a micro-dollar is exact enough to compare. */
const roundUsd = (usd: number) => Math.round(usd * 1e6) / 1e6;

type PlanningContext = Awaited<ReturnType<typeof planningContext>>;

/**
 * Claims the slice's next page and reserves the fees of as many of its jobs as the month's budget
 * still allows, in plan order. A run taking over a lapsed claim of the same page keeps its
 * reservation rather than spending twice. Undefined when another run has the page.
 */
const claimPage = async (
  campaign: Campaign,
  slice: FanOutSlice,
  jobs: readonly TimedJob[],
  context: PlanningContext,
  run: string,
  deps: FanOutDependencies,
): Promise<PageClaim | undefined> => {
  const now = deps.now();
  const until = new Date(now.getTime() + CLAIM_MS).toISOString();
  if (slice.claim) {
    const kept = { ...slice.claim, run, until };
    const outcome = await deps.campaigns.claimPage(
      campaign.campaignId,
      slice.shard,
      slice.pages,
      kept,
      now,
    );
    return outcome === 'claimed' ? kept : undefined;
  }
  const month = billingMonthOf(now.toISOString());
  const budget = context.policy.monthlyBudgetUsd;
  for (let race = 0; race < MAX_BUDGET_RACES; race++) {
    const room =
      budget === null ? Number.POSITIVE_INFINITY : budget - (await deps.spend.committed(month));
    let sendable = 0;
    let costUsd = 0;
    for (const { job } of jobs) {
      const cost = pricePerPostUsd(job.network, context.hasLink);
      if (costUsd + cost > room + 1e-9) break;
      costUsd += cost;
      sendable += 1;
    }
    costUsd = roundUsd(costUsd);
    const claim: PageClaim = { run, until, sendable, costUsd };
    const outcome = await deps.campaigns.claimPage(
      campaign.campaignId,
      slice.shard,
      slice.pages,
      claim,
      now,
      costUsd > 0 ? deps.spend.commitment(month, costUsd, budget) : undefined,
    );
    if (outcome === 'claimed') return claim;
    if (outcome === 'taken') return undefined;
  }
  throw new Error(`Spend for ${month} kept changing while claiming a page; retry the slice`);
};

const planningContext = async (campaign: Campaign, deps: FanOutDependencies) => {
  const [post, segments, policy] = await Promise.all([
    deps.posts.get(campaign.postId),
    deps.segments.all(),
    deps.sharingPolicy(),
  ]);
  return {
    isMember: inAnyOf(segments, campaign.segments),
    postTopics: post.topics,
    hasLink: Boolean(post.link),
    policy,
  };
};
