import { z } from 'zod';
import { AnalyticsJob } from '#shared/analytics/report-job';
import { CampaignCompliance } from '#shared/campaigns/campaign-compliance';
import { PreviewSample } from '#shared/campaigns/preview';
import { ImportCounts, type Job, JobKind, JobState, missingParts } from '#shared/jobs/job';
import { ImpactedPost, ImpactPhase } from '#shared/jobs/policy-impact';
import { NetworkName } from '#shared/networks/network';

/*
 * What every route that starts or reads a background job answers (an import, a campaign
 * preview, a segment's thanks, an analytics report, a policy impact): the job and what it found.
 */

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
  /**
   * Whether the compliance policy in force now (not the one the post was approved under) passes
   * every text the campaign would send its recipients so far; blocked texts would fail their
   * shares (`compliance_blocked`).
   */
  compliance: CampaignCompliance,
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

/** A job as the API answers it: its progress, and what its kind found so far. */
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
