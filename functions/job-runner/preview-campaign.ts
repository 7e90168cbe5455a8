import type { RunOutcome } from '#functions/job-runner/import-directory';
import { tallyPage } from '#shared/campaigns/preview';
import { inAnyOf } from '#shared/employees/segment';
import { DETAIL_TYPES, type EventDetail } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import type { Job } from '#shared/jobs/job';
import { logger } from '#shared/logger';
import type { SharingPolicy } from '#shared/sharing/policy';
import type { EmployeeStore } from '#shared/store/employees';
import type { JobStore } from '#shared/store/jobs';
import type { PostStore } from '#shared/store/posts';
import type { SegmentStore } from '#shared/store/segments';

export interface PreviewRunnerDependencies {
  jobs: JobStore;
  employees: EmployeeStore;
  posts: PostStore;
  segments: SegmentStore;
  sharingPolicy: () => Promise<SharingPolicy>;
  now: () => Date;
  /** Employees read per page; each page is tallied and checkpointed before the next. */
  pageSize?: number;
}

const PAGE_SIZE = 1000;
/** Stop taking pages with this much time left, and let a fresh invocation carry on. */
const SAFETY_MARGIN_MS = 30_000;

/**
 * Walks the directory shard by shard, a page at a time, tallying who would receive the post on
 * each network and why the others would not. Each page's tallies are checkpointed conditionally
 * on the page count, so a duplicated `JobRunDue` loses the race and stops, and a stale one finds
 * the job done.
 */
export const runCampaignPreview = async (
  due: EventDetail<'JobRunDue'>,
  deps: PreviewRunnerDependencies,
  timeLeftMs: () => number,
): Promise<RunOutcome> => {
  const job = await deps.jobs.get(due.jobId);
  if (job.state === 'done') return 'done';
  if (!job.preview) return 'not started';
  let progress = job.preview;
  const context = await planningContext(job, deps);

  // At least one page per run, so a run started late still moves the job on.
  for (;;) {
    const page = await deps.employees.directoryPage(
      progress.shard,
      progress.cursor,
      deps.pageSize ?? PAGE_SIZE,
    );
    const tallied = tallyPage(progress, page.employees, context);
    const { cursor: _done, ...rest } = tallied;
    const next = page.next
      ? { ...rest, cursor: page.next }
      : { ...rest, shard: progress.shard + 1 };
    const finished = next.shard >= next.shardsTotal;
    const handOver = !finished && timeLeftMs() < SAFETY_MARGIN_MS;
    const advanced = await deps.jobs.advancePreview(
      job.jobId,
      progress.pages,
      next,
      finished ? 'done' : 'running',
      deps.now(),
      handOver ? [event(DETAIL_TYPES.jobRunDue, due)] : [],
    );
    if (!advanced) {
      logger.info('Another run is working on this preview; leaving it to that one', { ...due });
      return 'lost';
    }
    if (finished) {
      logger.info('Preview done', { jobId: job.jobId, employeesRead: next.employeesRead });
      return 'done';
    }
    if (handOver) {
      logger.info('Preview continues in a new invocation', { ...due, shard: next.shard });
      return 'continued';
    }
    progress = next;
  }
};

const planningContext = async (job: Job, deps: PreviewRunnerDependencies) => {
  const postId = job.preview?.postId ?? '';
  const [post, segments, policy] = await Promise.all([
    deps.posts.get(postId),
    deps.segments.all(),
    deps.sharingPolicy(),
  ]);
  return { inSegments: inAnyOf(segments, post.segments), postTopics: post.topics, policy };
};
