import { z } from 'zod';
import { addPart, startImport } from '#functions/api/jobs/directory-import';
import { defineRoute } from '#functions/api/route';
import {
  ImportCounts,
  type Job,
  JobKind,
  JobState,
  missingParts,
  PartNumber,
  RejectedRow,
} from '#shared/jobs/job';

const JobPath = z.strictObject({ jobId: z.string().min(1).max(100) });
const PartPath = JobPath.extend({ part: PartNumber });
const REJECTIONS_PER_PAGE = 100;

export const JobAnswer = z.object({
  job: z.object({
    jobId: z.string(),
    kind: JobKind,
    state: JobState,
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    partsReceived: z.array(z.number().int()),
    partsMissing: z.array(z.number().int()),
    rowsTotal: z.number().int(),
    rowsDone: z.number().int(),
    counts: ImportCounts,
  }),
});

export const getJob = defineRoute({
  summary: 'How far a background job (a directory import) got, and the rows it rejected',
  description:
    'Rejections come in line order, a page at a time: pass `after` (the `nextAfter` of the previous page). The first 1,000 rejections are kept with their reasons; `counts.rejected` counts them all.',
  tag: 'jobs',
  roles: ['admin'],
  params: JobPath,
  query: z.strictObject({ after: z.coerce.number().int().min(0).max(1e12).optional() }),
  response: {
    status: 200,
    description: 'The job, and one page of its rejected rows',
    schema: JobAnswer.extend({
      rejections: z.array(RejectedRow),
      nextAfter: z.number().int().optional(),
    }),
  },
  errors: [404],
  async handle({ params, query, deps }) {
    const job = await deps.jobs.get(params.jobId);
    const page = await deps.jobs.rejections(job.jobId, query.after ?? 0, REJECTIONS_PER_PAGE);
    return {
      status: 200,
      body: {
        ...jobAnswer(job),
        rejections: page.rows,
        ...(page.next === undefined ? {} : { nextAfter: page.next }),
      },
    };
  },
});

export const putJobPart = defineRoute({
  summary:
    'Send part `n` of an import’s file (text/csv, whole rows; part 1 starts with the header)',
  description:
    'Each part is one request under the body cap (at most 300,000 bytes). Sending a part again with the same text changes nothing; with another text it is refused (409).',
  tag: 'jobs',
  roles: ['admin'],
  params: PartPath,
  body: z.strictObject({ csv: z.string().min(1) }),
  response: {
    status: 200,
    description: 'The part is in',
    schema: z.object({ part: z.number().int(), rows: z.number().int(), replayed: z.boolean() }),
  },
  errors: [404, 409],
  async handle({ params, body, deps }) {
    const job = await deps.jobs.get(params.jobId);
    const added = await addPart(deps, job, params.part, body.csv);
    return { status: 200, body: { part: params.part, ...added } };
  },
});

export const startJob = defineRoute({
  summary: 'Start an import whose parts are all in; it runs in the background',
  description: 'Starting a job again is harmless. Follow it at `GET /jobs/{jobId}`.',
  tag: 'jobs',
  roles: ['admin'],
  params: JobPath,
  body: z.strictObject({}),
  response: { status: 202, description: 'The job, started', schema: JobAnswer },
  errors: [404, 409],
  async handle({ params, deps }) {
    const job = await startImport(deps, await deps.jobs.get(params.jobId));
    return { status: 202, body: jobAnswer(job) };
  },
});

export const jobAnswer = (job: Job) => ({
  job: {
    jobId: job.jobId,
    kind: job.kind,
    state: job.state,
    createdAt: job.createdAt,
    ...(job.startedAt ? { startedAt: job.startedAt } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    partsReceived: Object.keys(job.parts)
      .map(Number)
      .sort((a, b) => a - b),
    partsMissing: missingParts(job),
    rowsTotal: job.rowsTotal,
    rowsDone: job.rowsDone,
    counts: job.counts,
  },
});
