import type { ApiDependencies } from '#functions/api/dependencies';
import { parseCsv, readHeader } from '#shared/employees/csv';
import { rowsOfPart } from '#shared/employees/import-rows';
import { ConflictError, ValidationError } from '#shared/errors';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { sha256 } from '#shared/hash';
import { newJobId } from '#shared/ids';
import {
  type Job,
  lineBreaks,
  missingParts,
  noCounts,
  PART_MAX_BYTES,
  type PartSummary,
} from '#shared/jobs/job';

/** A new import job, waiting for its parts. */
export const openImport = async (
  deps: ApiDependencies,
  actor: string,
  partsDeclared: number | undefined,
): Promise<Job> => {
  const at = deps.now().toISOString();
  const job: Job = {
    jobId: newJobId(),
    kind: 'directoryImport',
    state: 'receiving',
    createdBy: actor,
    createdAt: at,
    updatedAt: at,
    parts: {},
    ...(partsDeclared === undefined ? {} : { partsDeclared }),
    rowsTotal: 0,
    rowsDone: 0,
    counts: noCounts(),
    checkpoint: { part: 1, row: 0 },
  };
  await deps.jobs.create(job);
  return job;
};

/**
 * An import whose whole file came in the request, already started: built here, committed by the
 * caller in one transaction with its part, its `JobRunDue` and the request's answer
 * (`deps.jobs.createStarted`), so no retry opens a second job.
 */
export const startedImport = (deps: ApiDependencies, actor: string, text: string): Job => {
  const at = deps.now().toISOString();
  const { columns, summary } = checkPart(text, 1);
  return {
    jobId: newJobId(),
    kind: 'directoryImport',
    state: 'queued',
    createdBy: actor,
    createdAt: at,
    updatedAt: at,
    startedAt: at,
    ...(columns ? { columns } : {}),
    parts: { '1': summary },
    rowsTotal: summary.rows,
    rowsDone: 0,
    counts: noCounts(),
    checkpoint: { part: 1, row: 0 },
  };
};

/** What sets a started import's runner going. */
export const importRunDue = (job: Job) => [event(DETAIL_TYPES.jobRunDue, { jobId: job.jobId })];

/** Part 1 must start with a header row this import understands; it decides every row's columns. */
const columnsOf = (text: string): NonNullable<Job['columns']> => {
  const header = parseCsv(text.slice(0, text.indexOf('\n') + 1 || undefined))[0];
  if (!header) {
    throw new ValidationError('Part 1 is empty', [{ field: 'csv', message: 'no header row' }]);
  }
  const read = readHeader(header.fields);
  if ('problems' in read) {
    throw new ValidationError(
      'The header row is not one this import understands',
      read.problems.map((p) => ({ field: `csv.header.${p.column}`, message: p.message })),
    );
  }
  return read.columns;
};

/**
 * What a part holds, or a 400 before anything is written: its size, and for part 1 its header.
 */
export const checkPart = (text: string, part: number) => {
  if (Buffer.byteLength(text, 'utf8') > PART_MAX_BYTES) {
    throw new ValidationError(`A part holds at most ${PART_MAX_BYTES} bytes; send more parts`, [
      { field: 'csv', message: 'too large for one part' },
    ]);
  }
  const columns = part === 1 ? columnsOf(text) : undefined;
  const summary: PartSummary = {
    rows: rowsOfPart(text, part, 1).length,
    lines: lineBreaks(text),
    sha256: sha256(text),
  };
  return { columns, summary };
};

/**
 * Adds part `n` of the file. Each part holds whole rows; sending a part again with the same text
 * changes nothing, with another text is refused.
 */
export const addPart = async (
  deps: ApiDependencies,
  job: Job,
  part: number,
  text: string,
): Promise<{ rows: number; replayed: boolean }> => {
  if (job.partsDeclared !== undefined && part > job.partsDeclared) {
    throw new ValidationError(`This import was opened for ${job.partsDeclared} parts`, [
      { field: 'path.part', message: `at most ${job.partsDeclared}` },
    ]);
  }
  const { columns, summary } = checkPart(text, part);
  const outcome = await deps.jobs.putPart(
    job,
    part,
    text,
    summary,
    columns,
    deps.now().toISOString(),
  );
  if (outcome === 'different') {
    throw new ConflictError(`Part ${part} is in already, with another text; parts cannot change`);
  }
  if (outcome === 'closed') {
    throw new ConflictError(`Job ${job.jobId} has started; it takes no more parts`);
  }
  return { rows: summary.rows, replayed: outcome === 'same' };
};

/**
 * Starts the import once its parts are all in. The start and the `JobRunDue` that sets the runner
 * going are one transaction (the event as an outbox item), so a start can no longer be saved with
 * its announcement lost; starting again changes nothing and answers the job as it stands.
 */
export const startImport = async (deps: ApiDependencies, job: Job): Promise<Job> => {
  if (job.state === 'receiving') {
    const missing = missingParts(job);
    if (!job.parts['1'] || missing.length > 0) {
      throw new ConflictError(
        `Parts missing: ${(missing.length > 0 ? missing : [1]).join(', ')}; send them, then start`,
      );
    }
    const rowsTotal = Object.values(job.parts).reduce((n, p) => n + p.rows, 0);
    await deps.jobs.start(job, rowsTotal, deps.now().toISOString(), importRunDue(job));
  }
  return deps.jobs.get(job.jobId);
};
