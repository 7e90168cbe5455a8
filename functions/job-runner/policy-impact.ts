import { walkDirectory } from '#functions/job-runner/directory-walk';
import type { RunOutcome } from '#functions/job-runner/import-directory';
import type { Campaign } from '#shared/campaigns/campaign';
import { blockedRenderings } from '#shared/compliance/impact';
import { CompliancePolicy } from '#shared/compliance/policy';
import { DETAIL_TYPES, type EventDetail } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import {
  type ImpactProgress,
  jurisdictionsOf,
  noteJurisdictions,
  withBlocked,
} from '#shared/jobs/policy-impact';
import { logger } from '#shared/logger';
import { KnownNetwork } from '#shared/networks/limits';
import type { Post } from '#shared/posts/post';
import { isLiveAt } from '#shared/posts/workflow';
import type { CampaignStore } from '#shared/store/campaigns';
import type { EmployeeStore } from '#shared/store/employees';
import type { JobStore } from '#shared/store/jobs';
import type { PostStore } from '#shared/store/posts';
import type { SegmentStore } from '#shared/store/segments';

export interface ImpactRunnerDependencies {
  jobs: JobStore;
  employees: EmployeeStore;
  posts: PostStore;
  campaigns: CampaignStore;
  segments: SegmentStore;
  now: () => Date;
  /** The API's address, for the stand-in tracked link texts are measured with. */
  linkBase: string;
  /** Employees read per directory page. */
  pageSize?: number;
  /** Posts or campaigns read per page; each page is checked and checkpointed before the next. */
  contentPageSize?: number;
}

const CONTENT_PAGE_SIZE = 25;
/** As the directory walk: stop taking pages with this much time left, hand over the rest. */
const SAFETY_MARGIN_MS = 30_000;

/**
 * What a draft compliance policy would block: first the directory, to learn which jurisdictions
 * each segment's members are in; then the live posts (the by-status index: approved, then
 * scheduled) and the campaigns still scheduled (the due index), a page at a time. Every page is checkpointed conditionally on the
 * page count, as every directory walk is, so a duplicated `JobRunDue` loses the race and stops.
 */
export const runPolicyImpact = async (
  due: EventDetail<'JobRunDue'>,
  deps: ImpactRunnerDependencies,
  timeLeftMs: () => number,
): Promise<RunOutcome> => {
  const job = await deps.jobs.get(due.jobId);
  if (job.state === 'done') return 'done';
  if (!job.impact) return 'not started';
  const draft = CompliancePolicy.parse(JSON.parse(await deps.jobs.partText(job.jobId, 1)));
  const advance = (
    fromPages: number,
    next: ImpactProgress,
    state: 'running' | 'done',
    events: Parameters<JobStore['advanceImpact']>[5],
  ) => deps.jobs.advanceImpact(job.jobId, fromPages, next, state, deps.now(), events);

  let progress = job.impact;
  if (progress.phase === 'directory') {
    // The segments as they are when the walk starts.
    const segments = await deps.segments.all();
    const walked = await walkDirectory({
      due,
      name: 'policy impact (directory)',
      from: progress,
      employees: deps.employees,
      pageSize: deps.pageSize,
      timeLeftMs,
      now: deps.now,
      async step(at, page) {
        const { cursor: _read, ...rest } = at;
        const next = {
          ...rest,
          pages: at.pages + 1,
          employeesRead: at.employeesRead + page.employees.length,
          segmentJurisdictions: noteJurisdictions(
            at.segmentJurisdictions,
            segments,
            page.employees,
          ),
        };
        return page.next
          ? { ...next, cursor: page.next as Record<string, unknown> }
          : { ...next, shard: at.shard + 1 };
      },
      // The directory walked is not the job done: the posts come next.
      async advance(fromPages, next, state, _at, events) {
        const stored: ImpactProgress = state === 'done' ? { ...next, phase: 'approved' } : next;
        const advanced = await advance(fromPages, stored, 'running', events);
        if (advanced) progress = stored;
        return advanced;
      },
    });
    if (walked !== 'done') return walked;
  }

  const check = (
    at: ImpactProgress,
    post: Post,
    networks: readonly KnownNetwork[],
    segments: readonly string[],
    campaign?: Campaign,
  ): ImpactProgress => {
    const jurisdictions = jurisdictionsOf(at.segmentJurisdictions, segments);
    const { renderings, truncated } = blockedRenderings(
      { post, networks, jurisdictions, linkBase: deps.linkBase },
      draft,
    );
    if (renderings.length === 0) return at;
    return withBlocked(at, {
      postId: post.postId,
      title: post.title,
      status: post.status === 'scheduled' ? 'scheduled' : 'approved',
      ...(campaign ? { campaignId: campaign.campaignId, scheduledAt: campaign.scheduledAt } : {}),
      networks: [...networks],
      jurisdictions,
      renderings,
      renderingsTruncated: truncated,
    });
  };

  const limit = deps.contentPageSize ?? CONTENT_PAGE_SIZE;
  /** A scheduled post whose campaign is still to go out is checked with that campaign. */
  const awaitsCampaign = async (post: Post) =>
    post.status === 'scheduled' &&
    (await deps.campaigns.allOfPost(post.postId)).some((c) => c.status === 'scheduled');
  const nextPage = async (at: ImpactProgress): Promise<ImpactProgress> => {
    const { cursor, ...rest } = at;
    const base = { ...rest, pages: at.pages + 1 };
    if (at.phase === 'approved' || at.phase === 'scheduledPosts') {
      const status = at.phase === 'approved' ? 'approved' : 'scheduled';
      const page = await deps.posts.byStatusPage(status, cursor, limit);
      let next: ImpactProgress = { ...base, postsChecked: at.postsChecked + page.posts.length };
      for (const post of page.posts) {
        if (!isLiveAt(post, deps.now()) || (await awaitsCampaign(post))) continue;
        next = check(next, post, KnownNetwork.options, post.segments);
      }
      if (page.next) return { ...next, cursor: page.next };
      return { ...next, phase: at.phase === 'approved' ? 'scheduledPosts' : 'campaigns' };
    }
    const page = await deps.campaigns.scheduledPage(cursor, limit);
    let next: ImpactProgress = {
      ...base,
      campaignsChecked: at.campaignsChecked + page.campaigns.length,
    };
    const posts = await Promise.all(page.campaigns.map((c) => deps.posts.get(c.postId)));
    page.campaigns.forEach((campaign, i) => {
      const post = posts[i] as Post;
      next = check(next, post, campaign.networks, campaign.segments, campaign);
    });
    return page.next ? { ...next, cursor: page.next } : next;
  };

  // At least one page per run, so a run started late still moves the job on.
  for (;;) {
    const next = await nextPage(progress);
    const finished = progress.phase === 'campaigns' && !next.cursor;
    const handOver = !finished && timeLeftMs() < SAFETY_MARGIN_MS;
    const advanced = await advance(
      progress.pages,
      next,
      finished ? 'done' : 'running',
      handOver ? [event(DETAIL_TYPES.jobRunDue, due)] : [],
    );
    if (!advanced) {
      logger.info('Another run is working on this policy impact; leaving it to that one', {
        ...due,
      });
      return 'lost';
    }
    if (finished) {
      logger.info('policy impact done', { ...due, blocked: next.blockedCount });
      return 'done';
    }
    if (handOver) {
      logger.info('policy impact continues in a new invocation', { ...due, phase: next.phase });
      return 'continued';
    }
    progress = next;
  }
};
