import type { ApiDependencies } from '#functions/api/dependencies';
import type { Scope } from '#shared/analytics/scope';
import { storedScope } from '#shared/analytics/scope';
import { resolveScope } from '#shared/analytics/scope-report';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { newJobId } from '#shared/ids';
import { type Job, noCounts } from '#shared/jobs/job';

/**
 * Opens a background analytics report and announces it in the same transaction; the job runner
 * reads the shares (functions/job-runner/analytics-report). Bounded work only here: the post,
 * campaign, employee and segment named are read, so an unknown one is a 404 now, not a failed
 * job later.
 */
export const openAnalyticsReport = async (
  deps: ApiDependencies,
  actor: string,
  scope: Scope,
): Promise<Job> => {
  await resolveScope(scope, deps);
  const now = deps.now();
  const job: Job = {
    jobId: newJobId(),
    kind: 'analyticsReport',
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
    analytics: { scope: storedScope(scope) },
  };
  await deps.jobs.createAnnounced(job, [event(DETAIL_TYPES.jobRunDue, { jobId: job.jobId })], now);
  return job;
};
