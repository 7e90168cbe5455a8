import type { ApiDependencies } from '#functions/api/dependencies';
import { newPreview } from '#shared/campaigns/preview';
import { UnprocessableError } from '#shared/errors';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { newJobId } from '#shared/ids';
import { type Job, noCounts } from '#shared/jobs/job';
import type { NetworkName } from '#shared/networks/network';
import type { Post } from '#shared/posts/post';
import { DIRECTORY_SHARDS } from '#shared/store/employees';

/** A post's segments must all be defined, or nobody could be counted in them: a 422, at once. */
export const checkSegmentsDefined = async (deps: ApiDependencies, post: Post): Promise<void> => {
  const segments = await deps.segments.all();
  const unknown = post.segments.filter((id) => !segments.some((s) => s.segmentId === id));
  if (unknown.length > 0) {
    throw new UnprocessableError(
      `The post targets segments that are not defined: ${unknown.join(', ')}; define them first`,
    );
  }
};

/**
 * Opens a campaign preview as a background job and announces it in the same transaction; the
 * job runner walks the directory. Bounded work only here: the post and the segment list.
 */
export const openPreview = async (
  deps: ApiDependencies,
  actor: string,
  post: Post,
  networks: readonly NetworkName[],
  at: string,
): Promise<Job> => {
  await checkSegmentsDefined(deps, post);
  const now = deps.now();
  const job: Job = {
    jobId: newJobId(),
    kind: 'campaignPreview',
    state: 'queued',
    createdBy: actor,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    startedAt: now.toISOString(),
    parts: {},
    rowsTotal: 0,
    rowsDone: 0,
    counts: noCounts(),
    checkpoint: { part: 1, row: 0 },
    preview: newPreview(
      { postId: post.postId, networks, at, hasLink: Boolean(post.link) },
      DIRECTORY_SHARDS,
    ),
  };
  await deps.jobs.createAnnounced(job, [event(DETAIL_TYPES.jobRunDue, { jobId: job.jobId })], now);
  return job;
};
