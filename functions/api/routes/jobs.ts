import { z } from 'zod';
import type { ApiDependencies } from '#functions/api/dependencies';
import { addPart, startImport } from '#functions/api/jobs/directory-import';
import { defineRoute } from '#functions/api/route';
import { AnalyticsJob } from '#shared/analytics/report-job';
import { hasAnyRole } from '#shared/auth/roles';
import { billingMonthOf } from '#shared/campaigns/cost';
import { PreviewSample, previewResult } from '#shared/campaigns/preview';
import { ForbiddenError } from '#shared/errors';
import {
  ImportCounts,
  JOB_READERS,
  type Job,
  JobKind,
  JobState,
  missingParts,
  PartNumber,
  RejectedRow,
} from '#shared/jobs/job';
import { ImpactedPost, ImpactPhase } from '#shared/jobs/policy-impact';
import { NetworkName } from '#shared/networks/network';

const JobPath = z.strictObject({ jobId: z.string().min(1).max(100) });
const PartPath = JobPath.extend({ part: PartNumber });
const REJECTIONS_PER_PAGE = 100;

/** A campaign preview's answer so far: final once the job is `done`. */
const PreviewAnswer = z.object({
  postId: z.string(),
  at: z.string(),
  month: z.string(),
  shardsDone: z.number().int(),
  shardsTotal: z.number().int(),
  employeesRead: z.number().int(),
  inSegments: z.number().int(),
  networks: z.array(
    z.object({
      network: NetworkName,
      recipients: z.number().int(),
      costUsd: z.number(),
      excluded: z.record(z.string(), z.number().int()),
    }),
  ),
  costUsd: z.number(),
  /** At most 20 of the recipients, to check the audience is the one meant. */
  sample: z.array(PreviewSample),
  budget: z.object({
    month: z.string(),
    monthlyBudgetUsd: z.number().nullable(),
    committedUsd: z.number(),
  }),
});

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
  preview: PreviewAnswer.optional(),
  /** A segment's thanks: who has been thanked so far; final once the job is `done`. */
  thanks: z
    .object({
      thanksId: z.string(),
      segmentId: z.string(),
      recipients: z.number().int(),
      shardsDone: z.number().int(),
      shardsTotal: z.number().int(),
    })
    .optional(),
  /** A background analytics report: its scope, and the report once the job is `done`. */
  analytics: AnalyticsJob.optional(),
  /** A policy-impact job: what the draft would block so far; final once the job is `done`. */
  impact: z
    .object({
      basedOn: z.number().int(),
      phase: ImpactPhase,
      shardsDone: z.number().int(),
      shardsTotal: z.number().int(),
      employeesRead: z.number().int(),
      postsChecked: z.number().int(),
      campaignsChecked: z.number().int(),
      blockedCount: z.number().int(),
      blocked: z.array(ImpactedPost),
      truncated: z.boolean(),
    })
    .optional(),
});

/** A job the caller may follow: one of a kind only admins start (an import) is refused to others. */
const readableJob = async (
  deps: ApiDependencies,
  jobId: string,
  caller: Parameters<typeof hasAnyRole>[0],
) => {
  const job = await deps.jobs.get(jobId);
  if (!hasAnyRole(caller, JOB_READERS[job.kind])) {
    throw new ForbiddenError(`Only ${JOB_READERS[job.kind].join(' and ')} may follow this job`);
  }
  return job;
};

const previewAnswer = async (deps: ApiDependencies, job: Job) => {
  if (!job.preview) return {};
  const result = previewResult(job.preview);
  const month = billingMonthOf(job.preview.at);
  const [policy, committedUsd] = await Promise.all([
    deps.sharingPolicies.current(),
    deps.spend.committed(month),
  ]);
  return {
    preview: {
      ...result,
      budget: { month, monthlyBudgetUsd: policy.monthlyBudgetUsd, committedUsd },
    },
  };
};

export const getJob = defineRoute({
  summary:
    'How far a background job (a directory import, a campaign preview, a segment’s thanks, a policy impact) got, and what it found',
  description:
    'A directory import (admins) reports its rows and rejections: these come in line order, a page at a time: pass `after` (the `nextAfter` of the previous page). The first 1,000 rejections are kept with their reasons; `counts.rejected` counts them all. A campaign preview (marketing, admins) reports `preview`: the directory shards walked so far, recipients and exclusions per network, the fees, the month’s budget and a sample of at most 20 recipients; final when `state` is `done`. A segment’s thanks (marketing, admins) reports `thanks`: the shards walked and how many people were thanked so far. A background analytics report (marketing, admins) reports `analytics`: its scope, `job.rowsDone` the shares read so far, and `analytics.report` once `state` is `done`. A policy impact (legal, admins) reports `impact`: its phase (`directory`, `approved`, `scheduledPosts`, `campaigns`), what it checked so far and the posts the draft would block (at most 25 listed, `truncated` beyond; `blockedCount` counts them all).',
  tag: 'jobs',
  roles: ['marketing', 'legal', 'admin'],
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
  async handle({ params, query, caller, deps }) {
    const job = await readableJob(deps, params.jobId, caller);
    const page =
      job.kind === 'directoryImport'
        ? await deps.jobs.rejections(job.jobId, query.after ?? 0, REJECTIONS_PER_PAGE)
        : { rows: [] };
    return {
      status: 200,
      body: {
        ...jobAnswer(job),
        ...(await previewAnswer(deps, job)),
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
  errors: [404],
  conflicts: [
    'This part is in already, with another text: parts cannot change',
    'The import has started: it takes no more parts',
  ],
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
  errors: [404],
  conflicts: ['Parts are missing: the message names them; send them, then start'],
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
  ...(job.thanks
    ? {
        thanks: {
          thanksId: job.thanks.thanks.thanksId,
          segmentId: job.thanks.segmentId,
          recipients: job.thanks.recipients,
          shardsDone: job.thanks.shard,
          shardsTotal: job.thanks.shardsTotal,
        },
      }
    : {}),
  ...(job.analytics ? { analytics: job.analytics } : {}),
  ...(job.impact
    ? {
        impact: {
          basedOn: job.impact.basedOn,
          phase: job.impact.phase,
          shardsDone: Math.min(job.impact.shard, job.impact.shardsTotal),
          shardsTotal: job.impact.shardsTotal,
          employeesRead: job.impact.employeesRead,
          postsChecked: job.impact.postsChecked,
          campaignsChecked: job.impact.campaignsChecked,
          blockedCount: job.impact.blockedCount,
          blocked: job.impact.blocked,
          truncated: job.impact.truncated,
        },
      }
    : {}),
});
