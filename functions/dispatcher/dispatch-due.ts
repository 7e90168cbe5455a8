import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event, type Publish } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { CampaignStore } from '#shared/store/campaigns';

export interface DispatcherDependencies {
  campaigns: CampaignStore;
  publish: Publish;
}

const PAGE_SIZE = 25;
/** Bounds one run; whatever is left is still due, and the next minute's run takes it. */
const MAX_PAGES = 40;

/**
 * Announces every campaign whose time has come. The event goes out before the campaign leaves
 * the due index, so a crash in between means a second announcement (harmless: shares are
 * idempotent), never a lost campaign.
 */
export const dispatchDueCampaigns = async (
  now: Date,
  deps: DispatcherDependencies,
): Promise<number> => {
  let dispatched = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const due = await deps.campaigns.findDue(now, PAGE_SIZE);
    if (due.length === 0) break;
    await deps.publish(
      due.map((c) =>
        event(DETAIL_TYPES.campaignDue, {
          campaignId: c.campaignId,
          postId: c.postId,
          scheduledAt: c.scheduledAt,
        }),
      ),
    );
    for (const campaign of due) {
      if (await deps.campaigns.markDispatched(campaign.campaignId, now)) dispatched += 1;
    }
    if (due.length < PAGE_SIZE) break;
  }
  if (dispatched > 0) logger.info('Dispatched campaigns', { dispatched, at: now.toISOString() });
  return dispatched;
};
