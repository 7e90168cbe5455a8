import { walkDirectory } from '#functions/job-runner/directory-walk';
import type { RunOutcome } from '#functions/job-runner/import-directory';
import { compileSegment } from '#shared/employees/segment';
import type { EventDetail } from '#shared/events/catalogue';
import { onBoard } from '#shared/recognition/leaderboard';
import { afterPage } from '#shared/recognition/thanks';
import type { EmployeeStore } from '#shared/store/employees';
import type { JobStore } from '#shared/store/jobs';
import type { RecognitionStore } from '#shared/store/recognition';
import type { SegmentStore } from '#shared/store/segments';

export interface ThanksRunnerDependencies {
  jobs: JobStore;
  employees: EmployeeStore;
  segments: SegmentStore;
  recognition: RecognitionStore;
  now: () => Date;
  /** Employees read per page; each page's thanks are written and checkpointed before the next. */
  pageSize?: number;
}

/**
 * Walks the directory shard by shard, a page at a time, writing the thanks to each active member
 * of the segment. A page's copies go under keys fixed by the thanks, then the checkpoint moves on
 * conditionally on the page count: a duplicated `JobRunDue` rewrites the same items and loses
 * the checkpoint race, a stale one finds the job done, so nobody is thanked twice.
 */
export const runSegmentThanks = async (
  due: EventDetail<'JobRunDue'>,
  deps: ThanksRunnerDependencies,
  timeLeftMs: () => number,
): Promise<RunOutcome> => {
  const job = await deps.jobs.get(due.jobId);
  if (job.state === 'done') return 'done';
  if (!job.thanks) return 'not started';
  // The segment as it is when the walk starts; a later change of its rule does not reach back.
  const member = compileSegment(await deps.segments.get(job.thanks.segmentId));
  return walkDirectory({
    due,
    name: 'segment thanks',
    from: job.thanks,
    employees: deps.employees,
    pageSize: deps.pageSize,
    timeLeftMs,
    now: deps.now,
    async step(progress, page) {
      const recipients = page.employees
        .filter((e) => onBoard(e) && member(e))
        .map((e) => e.employeeId);
      await deps.recognition.deliverThanks(progress.thanks, recipients);
      return afterPage(progress, recipients.length, page.next);
    },
    advance: (fromPages, next, state, at, events) =>
      deps.jobs.advanceThanks(job.jobId, fromPages, next, state, at, events),
  });
};
