import type { RunOutcome } from '#functions/job-runner/import-directory';
import type { Employee } from '#shared/employees/employee';
import { DETAIL_TYPES, type EventDetail } from '#shared/events/catalogue';
import { event, type PendingEvent } from '#shared/events/publisher';
import type { JobState } from '#shared/jobs/job';
import { logger } from '#shared/logger';
import type { EmployeeStore } from '#shared/store/employees';

const PAGE_SIZE = 1000;
/** Stop taking pages with this much time left, and let a fresh invocation carry on. */
const SAFETY_MARGIN_MS = 30_000;

/** Where a walk over the directory's shards stands; `pages` numbers its checkpoints. */
export interface WalkProgress {
  shard: number;
  shardsTotal: number;
  pages: number;
  cursor?: unknown;
}

type DirectoryPage = Awaited<ReturnType<EmployeeStore['directoryPage']>>;

/**
 * A job's walk of the directory, shard by shard, a page at a time (a campaign preview, a
 * segment's thanks). `step` does the page's work and returns the progress after it; `advance`
 * checkpoints it conditionally on the page count the run started from, so a duplicated
 * `JobRunDue` loses the race and stops and a stale one finds the job done. A run short of time
 * commits its hand-over with its last checkpoint.
 */
export const walkDirectory = async <P extends WalkProgress>(walk: {
  due: EventDetail<'JobRunDue'>;
  /** What the walk is, for its log lines. */
  name: string;
  from: P;
  employees: EmployeeStore;
  pageSize?: number | undefined;
  timeLeftMs: () => number;
  now: () => Date;
  step: (progress: P, page: { employees: Employee[]; next?: DirectoryPage['next'] }) => Promise<P>;
  advance: (
    fromPages: number,
    next: P,
    state: JobState,
    at: Date,
    events: readonly PendingEvent[],
  ) => Promise<boolean>;
}): Promise<RunOutcome> => {
  const { due } = walk;
  let progress = walk.from;
  // At least one page per run, so a run started late still moves the job on.
  for (;;) {
    const page = await walk.employees.directoryPage(
      progress.shard,
      progress.cursor as Parameters<EmployeeStore['directoryPage']>[1],
      walk.pageSize ?? PAGE_SIZE,
    );
    const next = await walk.step(progress, page);
    const finished = next.shard >= next.shardsTotal;
    const handOver = !finished && walk.timeLeftMs() < SAFETY_MARGIN_MS;
    const advanced = await walk.advance(
      progress.pages,
      next,
      finished ? 'done' : 'running',
      walk.now(),
      handOver ? [event(DETAIL_TYPES.jobRunDue, due)] : [],
    );
    if (!advanced) {
      logger.info(`Another run is working on this ${walk.name}; leaving it to that one`, {
        ...due,
      });
      return 'lost';
    }
    if (finished) {
      logger.info(`${walk.name} done`, { ...due });
      return 'done';
    }
    if (handOver) {
      logger.info(`${walk.name} continues in a new invocation`, { ...due, shard: next.shard });
      return 'continued';
    }
    progress = next;
  }
};
