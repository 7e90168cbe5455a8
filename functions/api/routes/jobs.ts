import { z } from 'zod';
import { JobAnswer, jobAnswer } from '#functions/api/answers/job';
import type { ApiDependencies } from '#functions/api/dependencies';
import { addPart, startImport } from '#functions/api/jobs/directory-import';
import { defineRoute } from '#functions/api/route';
import { hasAnyRole } from '#shared/auth/roles';
import { campaignCompliance } from '#shared/campaigns/compliance-verdict';
import { billingMonthOf } from '#shared/campaigns/cost';
import { previewResult } from '#shared/campaigns/preview';
import { ForbiddenError } from '#shared/errors';
import { JOB_READERS, type Job, PartNumber, RejectedRow } from '#shared/jobs/job';

const JobPath = z.strictObject({ jobId: z.string().min(1).max(100) });
const PartPath = JobPath.extend({ part: PartNumber });
const REJECTIONS_PER_PAGE = 100;

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
  const [policy, committedUsd, post, compliancePolicy] = await Promise.all([
    deps.sharingPolicies.current(),
    deps.spend.committed(month),
    deps.posts.get(job.preview.postId),
    deps.compliancePolicies.current(),
  ]);
  const compliance = campaignCompliance(
    {
      post,
      networks: job.preview.networks,
      jurisdictions: job.preview.jurisdictions,
      linkBase: deps.apiUrl,
    },
    compliancePolicy,
  );
  return {
    preview: {
      ...result,
      budget: { month, monthlyBudgetUsd: policy.monthlyBudgetUsd, committedUsd },
      compliance,
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
