import { type GoodRow, readRows, rowsOfPart, sameAs } from '#shared/employees/import-rows';
import { DETAIL_TYPES, type EventDetail } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import {
  firstLineOf,
  type ImportCounts,
  type Job,
  type JobCheckpoint,
  MAX_STORED_REJECTIONS,
  type RejectedRow,
} from '#shared/jobs/job';
import { logger } from '#shared/logger';
import type { AuditStore } from '#shared/store/audit';
import type { EmployeeStore } from '#shared/store/employees';
import type { JobStore } from '#shared/store/jobs';

export interface JobRunnerDependencies {
  jobs: JobStore;
  employees: EmployeeStore;
  audit: AuditStore;
  now: () => Date;
  /** Rows per slice: each slice is written, then checkpointed, before the next. */
  sliceRows?: number;
}

const SLICE_ROWS = 250;
const ROW_CONCURRENCY = 32;
/** Stop taking slices with this much time left, and let a fresh invocation carry on. */
export const SAFETY_MARGIN_MS = 30_000;

export type RunOutcome = 'done' | 'continued' | 'lost' | 'not started';

/**
 * Works through a directory import slice by slice, in the order of its parts and rows. After each
 * slice the checkpoint moves on (conditionally), so a retried or continued run resumes at the next
 * slice; a slice written but not checkpointed is written again, which changes nothing (people are
 * matched by email, rejections keyed by line, emails claimed by line).
 */
export const runDirectoryImport = async (
  due: EventDetail<'JobRunDue'>,
  deps: JobRunnerDependencies,
  timeLeftMs: () => number,
): Promise<RunOutcome> => {
  const job = await deps.jobs.get(due.jobId);
  if (job.state === 'done') return 'done';
  if (job.state === 'receiving' || !job.columns) return 'not started';
  const partCount = Object.keys(job.parts).length;
  let { checkpoint, counts, rowsDone } = job;
  let parsed: { part: number; rows: ReturnType<typeof rowsOfPart> } | undefined;
  // The run that hands the rest on commits the `JobRunDue` that continues it together with its
  // checkpoint: no gap in which the job is saved half-done with nothing to carry it on.
  const handOn = [event(DETAIL_TYPES.jobRunDue, due)];
  const continued = () => {
    logger.info('Import continues in a new invocation', { ...due, checkpoint, rowsDone });
    return 'continued' as const;
  };
  const lost = () => {
    logger.info('Another run is working on this import; leaving it to that one', { ...due });
    return 'lost' as const;
  };

  if (timeLeftMs() < SAFETY_MARGIN_MS) {
    const progress = {
      checkpoint,
      rowsDone,
      counts,
      state: job.state,
      at: deps.now().toISOString(),
    };
    return (await deps.jobs.advance(job.jobId, checkpoint, progress, handOn))
      ? continued()
      : lost();
  }
  while (checkpoint.part <= partCount) {
    if (parsed?.part !== checkpoint.part) {
      const text = await deps.jobs.partText(job.jobId, checkpoint.part);
      parsed = {
        part: checkpoint.part,
        rows: rowsOfPart(text, checkpoint.part, firstLineOf(job, checkpoint.part)),
      };
    }
    const slice = parsed.rows.slice(
      checkpoint.row,
      checkpoint.row + (deps.sliceRows ?? SLICE_ROWS),
    );
    const done = await importSlice(job, slice, counts, deps);
    const next: JobCheckpoint =
      checkpoint.row + slice.length >= parsed.rows.length
        ? { part: checkpoint.part + 1, row: 0 }
        : { part: checkpoint.part, row: checkpoint.row + slice.length };
    const finished = next.part > partCount;
    if (finished) await recordImport(job, done, deps);
    const handingOn = !finished && timeLeftMs() < SAFETY_MARGIN_MS;
    const advanced = await deps.jobs.advance(
      job.jobId,
      checkpoint,
      {
        checkpoint: next,
        rowsDone: rowsDone + slice.length,
        counts: done,
        state: finished ? 'done' : 'running',
        at: deps.now().toISOString(),
      },
      handingOn ? handOn : [],
    );
    if (!advanced) return lost();
    ({ checkpoint, counts, rowsDone } = {
      checkpoint: next,
      counts: done,
      rowsDone: rowsDone + slice.length,
    });
    if (handingOn) return continued();
  }
  logger.info('Import done', { jobId: job.jobId, counts });
  return 'done';
};

/** Imports one slice of rows and returns the counts with it added. */
const importSlice = async (
  job: Job,
  slice: readonly { line: number; fields: string[] }[],
  before: ImportCounts,
  deps: JobRunnerDependencies,
): Promise<ImportCounts> => {
  const { good, rejected } = readRows(job.columns ?? [], slice);
  const counts = { ...before };
  const holders = await deps.employees.findManyByEmail(good.map((row) => row.request.email));
  for (let start = 0; start < good.length; start += ROW_CONCURRENCY) {
    const outcomes = await Promise.all(
      good
        .slice(start, start + ROW_CONCURRENCY)
        .map((row) => importRow(job, row, holders.get(row.request.email) ?? null, deps)),
    );
    for (const outcome of outcomes) {
      if ('rejected' in outcome) rejected.push(outcome.rejected);
      else counts[outcome.imported] += 1;
    }
  }
  const room = Math.max(0, MAX_STORED_REJECTIONS - before.rejected);
  await deps.jobs.putRejections(job, rejected.sort((a, b) => a.line - b.line).slice(0, room));
  counts.rejected += rejected.length;
  return counts;
};

const importRow = async (
  job: Job,
  row: GoodRow,
  holder: string | null,
  deps: JobRunnerDependencies,
): Promise<{ imported: 'created' | 'updated' | 'unchanged' } | { rejected: RejectedRow }> => {
  const earlier = await deps.jobs.claimEmail(job, row.request.email, row.line);
  if (earlier !== undefined) {
    return { rejected: { line: row.line, email: row.request.email, problems: [sameAs(earlier)] } };
  }
  return { imported: await deps.employees.importOne(row.request, deps.now(), holder) };
};

/** On the record once per job, whichever run finishes it. */
const recordImport = (job: Job, counts: ImportCounts, deps: JobRunnerDependencies) =>
  deps.audit.commit({
    stream: 'directory',
    records: [
      {
        at: deps.now().toISOString(),
        actor: job.createdBy,
        action: 'directory.imported',
        subject: {},
        before: null,
        after: { ...counts, jobId: job.jobId },
      },
    ],
    dedupeKey: `job#${job.jobId}`,
  });
