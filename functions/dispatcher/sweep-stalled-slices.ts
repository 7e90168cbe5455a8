import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { CampaignStore } from '#shared/store/campaigns';

export interface StalledSliceDependencies {
  campaigns: CampaignStore;
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
    // Each re-announcement is its own commit on the campaign's chain, so its CampaignSliceDue
    // gets a new id and a later sequence: a consumer deduping by id or ignoring older sequences
    // must not mistake it for the announcement it replaces, which never got the slice to its end.
    // The slice's conditional checkpoint makes a run that overlaps another one stop.
    for (const slice of live) {
      const again = event(DETAIL_TYPES.campaignSliceDue, {
        campaignId: slice.campaignId,
        shard: slice.shard,
      });
      if (await deps.campaigns.reannounceSlice(slice, before, now, 'system:dispatcher', [again])) {
        announced += 1;
      }
    }
    if (stalled.length < PAGE_SIZE) break;
  }
  if (announced > 0) logger.warn('Stalled fan-out slices announced again', { announced });
  return announced;
};
