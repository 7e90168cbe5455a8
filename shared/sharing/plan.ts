import type { Campaign } from '#shared/campaigns/campaign';
import type { Employee } from '#shared/employees/employee';
import { shareIdFor } from '#shared/ids';
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
  const scheduledAt = new Date(campaign.scheduledAt);
  for (const employee of input.employees) {
    if (!input.inCampaignSegments(employee)) continue;
    if (employee.status === 'active' && !employee.consent.leftAt) plan.invited += 1;
    for (const network of campaign.networks) {
      const exclusion = exclusionFor(employee, network, input.postTopics, 'auto');
      if (exclusion) {
        plan.excluded[exclusion] = (plan.excluded[exclusion] ?? 0) + 1;
        continue;
      }
      const shareId = shareIdFor(campaign.campaignId, employee.employeeId, network);
      const { hours, zone } = effectiveConsent(employee, network, input.policy);
      plan.jobs.push({
        job: {
          shareId,
          campaignId: campaign.campaignId,
          postId: campaign.postId,
          employeeId: employee.employeeId,
          network,
        },
        at: plannedDelivery({
          shareId,
          scheduledAt,
          staggerMinutes: campaign.staggerMinutes,
          hours,
          zone,
        }),
      });
    }
  }
  return plan;
};
