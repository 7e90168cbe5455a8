import { walkDirectory } from '#functions/job-runner/directory-walk';
import type { RunOutcome } from '#functions/job-runner/import-directory';
import { tallyPage } from '#shared/campaigns/preview';
import { inAnyOf } from '#shared/employees/segment';
import type { EventDetail } from '#shared/events/catalogue';
import type { Job } from '#shared/jobs/job';
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
  const context = await planningContext(job, deps);
  return walkDirectory({
    due,
    name: 'campaign preview',
    from: job.preview,
    employees: deps.employees,
    pageSize: deps.pageSize,
    timeLeftMs,
    now: deps.now,
    async step(progress, page) {
      const { cursor: _done, ...rest } = tallyPage(progress, page.employees, context);
      return page.next ? { ...rest, cursor: page.next } : { ...rest, shard: progress.shard + 1 };
    },
    advance: (fromPages, next, state, at, events) =>
      deps.jobs.advancePreview(job.jobId, fromPages, next, state, at, events),
  });
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
