import type { EventDetail } from '#shared/events/catalogue';
import { shareIdFor } from '#shared/ids';
import { logger } from '#shared/logger';
import type { ShareJob } from '#shared/shares/share';
import type { CampaignStore } from '#shared/store/campaigns';
import type { EmployeeStore } from '#shared/store/employees';

export interface FanOutDependencies {
  campaigns: CampaignStore;
  employees: EmployeeStore;
  sendJobs: (jobs: readonly ShareJob[]) => Promise<number>;
}

/**
 * One share job per opted-in (employee, network) across the campaign's segments; someone in two
 * segments gets one job. Running it twice sends the same jobs twice, and the worker's conditional
 * writes make the second copy a no-op.
 */
export const fanOutCampaign = async (
  due: EventDetail<'CampaignDue'>,
  deps: FanOutDependencies,
): Promise<number> => {
  const campaign = await deps.campaigns.get(due.campaignId);
  if (campaign.status === 'cancelled') {
    logger.info('Campaign was cancelled; no shares', { campaignId: campaign.campaignId });
    return 0;
  }
  const networks = new Set<string>(campaign.networks);
  const sent = new Set<string>();
  let jobCount = 0;
  for (const segment of campaign.segments) {
    for await (const optIns of deps.employees.optInsOf(segment)) {
      const jobs = optIns
        .filter((optIn) => networks.has(optIn.network))
        .map(
          (optIn): ShareJob => ({
            shareId: shareIdFor(campaign.campaignId, optIn.employeeId, optIn.network),
            campaignId: campaign.campaignId,
            postId: campaign.postId,
            employeeId: optIn.employeeId,
            network: optIn.network,
          }),
        )
        .filter((job) => !sent.has(job.shareId));
      for (const job of jobs) sent.add(job.shareId);
      jobCount += await deps.sendJobs(jobs);
    }
  }
  await deps.campaigns.recordJobCount(campaign.campaignId, jobCount);
  logger.info('Fanned out campaign', { campaignId: campaign.campaignId, jobCount });
  return jobCount;
};
