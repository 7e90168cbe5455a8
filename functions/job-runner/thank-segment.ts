import type { RunOutcome } from '#functions/job-runner/import-directory';
import { compileSegment } from '#shared/employees/segment';
import { DETAIL_TYPES, type EventDetail } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { logger } from '#shared/logger';
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

const PAGE_SIZE = 1000;
/** Stop taking pages with this much time left, and let a fresh invocation carry on. */
const SAFETY_MARGIN_MS = 30_000;

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
  let progress = job.thanks;
  // The segment as it is when the walk starts; a later change of its rule does not reach back.
  const member = compileSegment(await deps.segments.get(progress.segmentId));

  // At least one page per run, so a run started late still moves the job on.
  for (;;) {
    const page = await deps.employees.directoryPage(
      progress.shard,
      progress.cursor,
      deps.pageSize ?? PAGE_SIZE,
    );
    const recipients = page.employees
      .filter((e) => onBoard(e) && member(e))
      .map((e) => e.employeeId);
    await deps.recognition.deliverThanks(progress.thanks, recipients);
    const next = afterPage(progress, recipients.length, page.next);
    const finished = next.shard >= next.shardsTotal;
    const handOver = !finished && timeLeftMs() < SAFETY_MARGIN_MS;
    const advanced = await deps.jobs.advanceThanks(
      job.jobId,
      progress.pages,
      next,
      finished ? 'done' : 'running',
      deps.now(),
      handOver ? [event(DETAIL_TYPES.jobRunDue, due)] : [],
    );
    if (!advanced) {
      logger.info('Another run is sending these thanks; leaving it to that one', { ...due });
      return 'lost';
    }
    if (finished) {
      logger.info('Thanks sent', { jobId: job.jobId, recipients: next.recipients });
      return 'done';
    }
    if (handOver) {
      logger.info('Thanks continue in a new invocation', { ...due, shard: next.shard });
      return 'continued';
    }
    progress = next;
  }
};
