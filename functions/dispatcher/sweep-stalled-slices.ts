import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event, type Publish } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { CampaignStore } from '#shared/store/campaigns';

export interface StalledSliceDependencies {
  campaigns: CampaignStore;
  publish: Publish;
}

/**
 * A running slice checkpoints after every page (seconds apart), and a run that nears its timeout
 * hands over with a fresh event; a checkpoint this old means the slice stopped.
 */
export const STALLED_AFTER_MINUTES = 15;
const PAGE_SIZE = 25;
const MAX_PAGES = 4;

/**
 * Announces `CampaignSliceDue` again for fan-out slices that stopped before their end; the slice
 * resumes from its checkpoint (a second run of it loses the conditional checkpoint and stops).
 * A cancelled campaign's slice is dropped from the index instead.
 */
export const reannounceStalledSlices = async (
  now: Date,
  deps: StalledSliceDependencies,
): Promise<number> => {
  const before = new Date(now.getTime() - STALLED_AFTER_MINUTES * 60_000);
  let announced = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const stalled = await deps.campaigns.stalledSlices(before, PAGE_SIZE);
    if (stalled.length === 0) break;
    const statuses = new Map(
      await Promise.all(
        [...new Set(stalled.map((s) => s.campaignId))].map(
          async (id) => [id, (await deps.campaigns.get(id)).status] as const,
        ),
      ),
    );
    const live = stalled.filter((s) => statuses.get(s.campaignId) !== 'cancelled');
    for (const slice of stalled.filter((s) => !live.includes(s))) {
      await deps.campaigns.forgetStalledSlice(slice);
    }
    // Announced before it is marked, so a crash in between announces twice, never zero times.
    await deps.publish(
      live.map((s) =>
        event(DETAIL_TYPES.campaignSliceDue, { campaignId: s.campaignId, shard: s.shard }),
      ),
    );
    for (const slice of live) {
      if (await deps.campaigns.markSliceAnnounced(slice, now)) announced += 1;
    }
    if (stalled.length < PAGE_SIZE) break;
  }
  if (announced > 0) logger.warn('Stalled fan-out slices announced again', { announced });
  return announced;
};
