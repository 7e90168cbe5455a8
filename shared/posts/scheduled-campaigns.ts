import type { Campaign } from '#shared/campaigns/campaign';
import { ConflictError } from '#shared/errors';
import type { Post } from '#shared/posts/post';

/**
 * A scheduled campaign sends the version approved when it was scheduled, and each share checks
 * the post still carries that content: an edit now would fail every one of its shares
 * (`content_not_approved`). So an edit waits until no campaign of the post is scheduled; the
 * message names them and says what to do. Withdrawing stays allowed: it is meant to stop them.
 *
 * `campaigns` are the post's campaigns read after `post` (through an index that may lag). Only
 * scheduling keeps a post `scheduled` and it stamps the post and its new campaign with one time,
 * so a `scheduled` post none of whose campaigns is that recent was scheduled moments ago and the
 * index has not caught up: refused too, to be retried, never waved through.
 */
export const checkNoScheduledCampaign = (post: Post, campaigns: readonly Campaign[]): void => {
  const scheduled = campaigns
    .filter((c) => c.status === 'scheduled')
    .sort((a, b) => (a.scheduledAt < b.scheduledAt ? -1 : 1));
  if (scheduled.length > 0) {
    const named = scheduled.map((c) => `${c.campaignId} (at ${c.scheduledAt})`).join(', ');
    throw new ConflictError(
      `Post ${post.postId} has ${scheduled.length === 1 ? 'a scheduled campaign' : 'scheduled campaigns'}: ${named}. ` +
        'An edit now would fail every one of its shares, as they send the approved version; ' +
        'cancel the campaign (POST /campaigns/{campaignId}/cancel) or let it go out first, then edit.',
    );
  }
  if (post.status === 'scheduled' && !campaigns.some((c) => c.createdAt >= post.updatedAt)) {
    throw new ConflictError(
      `Post ${post.postId} was scheduled moments ago and its campaign is not listed yet; retry`,
    );
  }
};
