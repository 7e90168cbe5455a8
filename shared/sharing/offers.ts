import type { Campaign } from '#shared/campaigns/campaign';

const liveFor = (campaign: Campaign, mine: readonly string[], now: Date) =>
  campaign.status !== 'cancelled' &&
  (!campaign.expiresAt || campaign.expiresAt > now.toISOString()) &&
  campaign.segments.some((s) => mine.includes(s));

/**
 * A campaign suggests its post to the employee (a Share button) when it suggests at all, has
 * started and has not ended, and the employee is in one of its segments.
 */
export const suggests = (campaign: Campaign, mine: readonly string[], now: Date): boolean =>
  campaign.mode !== 'auto' &&
  campaign.scheduledAt <= now.toISOString() &&
  liveFor(campaign, mine, now);

/**
 * A campaign may post for the employee (auto-share) from before it starts until its fan-out is
 * done with them: the feed shows when, and the employee can decline it.
 */
export const autoShares = (campaign: Campaign, mine: readonly string[], now: Date): boolean =>
  campaign.mode !== 'suggest' && liveFor(campaign, mine, now);
