import { z } from 'zod';
import { billingMonthOf, publishCostUsd } from '#shared/campaigns/cost';
import type { Employee } from '#shared/employees/employee';
import { NetworkName } from '#shared/networks/network';
import { planShares } from '#shared/sharing/plan';
import type { SharingPolicy } from '#shared/sharing/policy';

/**
 * Who a campaign would reach, computed by walking the directory shard by shard in the background
 * (a job), never inside a request: the same planning the fan-out does, per network.
 */
export const PreviewRequest = z.strictObject({
  postId: z.string().min(1).max(100),
  networks: z.array(NetworkName).min(1).max(5).default(['sandbox']),
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
});
export type PreviewRequest = z.infer<typeof PreviewRequest>;

/** Recipients named in a preview's answer: enough to check the audience, bounded whatever its size. */
export const PREVIEW_SAMPLE_SIZE = 20;

export const PreviewSample = z.object({
  employeeId: z.string(),
  name: z.string(),
  department: z.string().optional(),
  networks: z.array(NetworkName),
});

const NetworkTally = z.object({
  network: NetworkName,
  recipients: z.number().int().nonnegative(),
  excluded: z.record(z.string(), z.number().int().nonnegative()),
});

/** A preview job's state: where its walk is, and what it counted so far. */
export const PreviewProgress = z.object({
  postId: z.string(),
  networks: z.array(NetworkName),
  /** Whether the post carries a link: X charges more for a post with one. */
  hasLink: z.boolean(),
  /** The time the campaign would go out: sharing hours and the billing month depend on it. */
  at: z.iso.datetime(),
  /** The shard being walked, and the position within it; `shardsDone` of `shardsTotal` are done. */
  shard: z.number().int().nonnegative(),
  cursor: z.record(z.string(), z.unknown()).optional(),
  shardsTotal: z.number().int().positive(),
  /** Pages read so far: the job's counter, which numbers the events its checkpoints commit. */
  pages: z.number().int().nonnegative(),
  employeesRead: z.number().int().nonnegative(),
  inSegments: z.number().int().nonnegative(),
  tallies: z.array(NetworkTally),
  sample: z.array(PreviewSample),
  /**
   * The recipients' jurisdictions (`null`: people with none), so the post's texts can be checked
   * against the compliance policy as each of them would receive it.
   */
  jurisdictions: z.array(z.string().nullable()).default([]),
});
export type PreviewProgress = z.infer<typeof PreviewProgress>;

export const newPreview = (
  request: { postId: string; networks: readonly NetworkName[]; at: string; hasLink: boolean },
  shardsTotal: number,
): PreviewProgress => ({
  postId: request.postId,
  networks: [...request.networks],
  hasLink: request.hasLink,
  at: request.at,
  shard: 0,
  shardsTotal,
  pages: 0,
  employeesRead: 0,
  inSegments: 0,
  tallies: request.networks.map((network) => ({ network, recipients: 0, excluded: {} })),
  sample: [],
  jurisdictions: [],
});

/** Adds one page of the directory to a preview's tallies; the walk's position is the caller's. */
export const tallyPage = (
  progress: PreviewProgress,
  page: readonly Employee[],
  context: {
    postTopics: readonly string[];
    inSegments: (employee: Employee) => boolean;
    policy: SharingPolicy;
  },
): PreviewProgress => {
  const members = page.filter(context.inSegments);
  const receiving = new Map<string, NetworkName[]>();
  const tallies = progress.tallies.map((tally) => {
    const plan = planShares({
      campaign: {
        campaignId: 'preview',
        postId: progress.postId,
        networks: [tally.network],
        scheduledAt: progress.at,
        staggerMinutes: 0,
      },
      postTopics: context.postTopics,
      inCampaignSegments: () => true,
      policy: context.policy,
      employees: members,
    });
    for (const { job } of plan.jobs) {
      receiving.set(job.employeeId, [...(receiving.get(job.employeeId) ?? []), tally.network]);
    }
    const excluded = { ...tally.excluded };
    for (const [reason, n] of Object.entries(plan.excluded)) {
      excluded[reason] = (excluded[reason] ?? 0) + (n ?? 0);
    }
    return { ...tally, recipients: tally.recipients + plan.jobs.length, excluded };
  });
  const jurisdictions = new Set(progress.jurisdictions);
  for (const employee of members) {
    if (receiving.has(employee.employeeId)) jurisdictions.add(employee.jurisdiction ?? null);
  }
  const sample = [...progress.sample];
  for (const employee of members) {
    if (sample.length >= PREVIEW_SAMPLE_SIZE) break;
    const networks = receiving.get(employee.employeeId);
    if (!networks) continue;
    sample.push({
      employeeId: employee.employeeId,
      name: employee.name,
      ...(employee.department ? { department: employee.department } : {}),
      networks,
    });
  }
  return {
    ...progress,
    pages: progress.pages + 1,
    employeesRead: progress.employeesRead + page.length,
    inSegments: progress.inSegments + members.length,
    tallies,
    sample,
    jurisdictions: [...jurisdictions],
  };
};

/** What a preview answers: per network its recipients, exclusions and fees, and their total. */
export const previewResult = (progress: PreviewProgress) => {
  const networks = progress.tallies.map((tally) => ({
    ...tally,
    costUsd: publishCostUsd(tally.network, tally.recipients, progress.hasLink),
  }));
  return {
    postId: progress.postId,
    at: progress.at,
    month: billingMonthOf(progress.at),
    shardsDone: progress.shard,
    shardsTotal: progress.shardsTotal,
    employeesRead: progress.employeesRead,
    inSegments: progress.inSegments,
    networks,
    costUsd: Math.round(networks.reduce((sum, n) => sum + n.costUsd, 0) * 100) / 100,
    sample: progress.sample,
  };
};
