import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { CampaignStore } from '#shared/store/campaigns';

export interface DispatcherDependencies {
  campaigns: CampaignStore;
}

const PAGE_SIZE = 25;
/** Bounds one run; whatever is left is still due, and the next minute's run takes it. */
const MAX_PAGES = 40;

/**
 * Announces every campaign whose time has come. The campaign leaves the due index and its
 * `CampaignDue` enters the outbox in one transaction: a crash at any point leaves it either still
 * due (the next minute takes it) or dispatched with its announcement on the way, never
 * dispatched unannounced; of two dispatchers racing on it, one wins and announces.
 */
export const dispatchDueCampaigns = async (
  now: Date,
  deps: DispatcherDependencies,
): Promise<number> => {
  let dispatched = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const due = await deps.campaigns.findDue(now, PAGE_SIZE);
    if (due.length === 0) break;
    for (const campaign of due) {
      const announcement = event(DETAIL_TYPES.campaignDue, {
        campaignId: campaign.campaignId,
        postId: campaign.postId,
        scheduledAt: campaign.scheduledAt,
      });
      if (await deps.campaigns.dispatch(campaign, now, 'system:dispatcher', [announcement])) {
        dispatched += 1;
      }
    }
    if (due.length < PAGE_SIZE) break;
  }
  if (dispatched > 0) logger.info('Dispatched campaigns', { dispatched, at: now.toISOString() });
  return dispatched;
};
