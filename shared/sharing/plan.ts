import type { Campaign } from '#shared/campaigns/campaign';
import type { Employee } from '#shared/employees/employee';
import { shareIdFor } from '#shared/ids';
import type { NetworkName } from '#shared/networks/network';
import type { TimedJob } from '#shared/queue/job-scheduler';
import { type Exclusion, effectiveConsent, exclusionFor } from '#shared/sharing/eligibility';
import type { SharingPolicy } from '#shared/sharing/policy';
import { plannedDelivery } from '#shared/sharing/schedule';

export interface SharePlan {
  jobs: TimedJob[];
  excluded: Partial<Record<Exclusion, number>>;
  /** People the campaign is offered to (as a share or a suggestion): participation's divisor. */
  invited: number;
}

/** One (employee, network) of a campaign: the reason it gets no share, or its share's time. */
export type PlannedShare = { exclusion: Exclusion } | { shareId: string; at: Date };

/**
 * Whether and when the fan-out posts this campaign for this employee on this network: the one
 * answer the fan-out acts on and the feed shows ("auto-shares at …").
 */
export const plannedShare = (input: {
  campaign: Pick<Campaign, 'campaignId' | 'scheduledAt' | 'staggerMinutes'>;
  employee: Employee;
  network: NetworkName;
  postTopics: readonly string[];
  policy: SharingPolicy;
}): PlannedShare => {
  const { campaign, employee, network } = input;
  const exclusion = exclusionFor(employee, network, input.postTopics, 'auto');
  if (exclusion) return { exclusion };
  const shareId = shareIdFor(campaign.campaignId, employee.employeeId, network);
  const { hours, zone } = effectiveConsent(employee, network, input.policy);
  const at = plannedDelivery({
    shareId,
    scheduledAt: new Date(campaign.scheduledAt),
    staggerMinutes: campaign.staggerMinutes,
    hours,
    zone,
  });
  return { shareId, at };
};

/**
 * Which of these employees receive the campaign on which network, and when: the pure core of the
 * fan-out. Everyone in one of the campaign's segments is considered once, however many of its
 * segments they are in; each (employee, network) either gets a job at its planned time or is
 * counted under the reason it does not.
 */
export const planShares = (input: {
  campaign: Pick<Campaign, 'campaignId' | 'postId' | 'networks' | 'scheduledAt' | 'staggerMinutes'>;
  postTopics: readonly string[];
  inCampaignSegments: (employee: Employee) => boolean;
  policy: SharingPolicy;
  employees: readonly Employee[];
}): SharePlan => {
  const { campaign } = input;
  const plan: SharePlan = { jobs: [], excluded: {}, invited: 0 };
  for (const employee of input.employees) {
    if (!input.inCampaignSegments(employee)) continue;
    if (employee.status === 'active' && !employee.consent.leftAt) plan.invited += 1;
    for (const network of campaign.networks) {
      const planned = plannedShare({ ...input, employee, network });
      if ('exclusion' in planned) {
        plan.excluded[planned.exclusion] = (plan.excluded[planned.exclusion] ?? 0) + 1;
        continue;
      }
      plan.jobs.push({
        job: {
          shareId: planned.shareId,
          campaignId: campaign.campaignId,
          postId: campaign.postId,
          employeeId: employee.employeeId,
          network,
        },
        at: planned.at,
      });
    }
  }
  return plan;
};
