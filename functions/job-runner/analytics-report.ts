import type { RunOutcome } from '#functions/job-runner/import-directory';
import { scopeOfStored } from '#shared/analytics/scope';
import { reportOfScope, type ScopeReadDependencies } from '#shared/analytics/scope-report';
import type { EventDetail } from '#shared/events/catalogue';
import { logger } from '#shared/logger';
import type { JobStore } from '#shared/store/jobs';

export interface AnalyticsRunnerDependencies extends ScopeReadDependencies {
  jobs: JobStore;
  now: () => Date;
}

/** Progress is written every this many share pages (of 1,000): a few writes a minute. */
const PROGRESS_EVERY_PAGES = 10;

/**
 * Computes a background analytics report in one run: the shares stream page by page into the
 * report's accumulator (the code `GET /analytics` runs, without its budget), then the report is
 * written once, conditionally on the job not being done. The accumulator holds a row per
 * employee and post in scope, too much to checkpoint on the job's item, so there is no
 * checkpoint: a run that dies (a crash, the function's timeout) is retried from the start, and
 * a duplicated `JobRunDue` computes the same report and loses the final write. How many shares
 * one run reads within the job runner's 15 minutes is measured by `npm run bench`.
 */
export const runAnalyticsReport = async (
  due: EventDetail<'JobRunDue'>,
  deps: AnalyticsRunnerDependencies,
  _timeLeftMs: () => number,
): Promise<RunOutcome> => {
  const job = await deps.jobs.get(due.jobId);
  if (job.state === 'done') return 'done';
  if (!job.analytics) return 'not started';
  let pages = 0;
  let sharesRead = 0;
  const report = await reportOfScope(scopeOfStored(job.analytics.scope), deps, {
    onPage: async (read) => {
      sharesRead = read;
      pages += 1;
      if (pages % PROGRESS_EVERY_PAGES === 1) {
        await deps.jobs.analyticsProgress(job.jobId, read, deps.now());
      }
    },
  });
  const written = await deps.jobs.finishAnalytics(job.jobId, report, sharesRead, deps.now());
  if (!written) {
    logger.info('Another run finished this analytics report first', { ...due });
    return 'lost';
  }
  logger.info('analytics report done', { ...due, sharesRead });
  return 'done';
};
