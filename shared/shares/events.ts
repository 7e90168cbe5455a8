import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event, type PendingEvent } from '#shared/events/publisher';
import type { Share } from '#shared/shares/share';

/** The stream a share's events belong to: consumers order and dedupe them per share. */
export const shareAggregate = (shareId: string): string => `share#${shareId}`;

/**
 * The version a share carries once a change of it is announced (its end, a person's resolution):
 * one more than the last, so its events are numbered after every earlier one of the share.
 */
export const nextOutcomeVersion = (before: Pick<Share, 'outcomeVersion'> | undefined): number =>
  (before?.outcomeVersion ?? 0) + 1;

/** The event that tells the other stages how a share ended. */
export const outcomeEvent = (share: Share): PendingEvent => {
  const common = { shareId: share.shareId, campaignId: share.campaignId, network: share.network };
  const reason = share.detail ? `${share.reason}: ${share.detail}` : (share.reason ?? '');
  if (share.status === 'published') {
    return event(DETAIL_TYPES.sharePublished, {
      ...common,
      employeeId: share.employeeId,
      // A share confirmed in a dialog, or resolved by a person, has no id from a network's API.
      externalId:
        share.externalId ??
        (share.via === 'intent'
          ? `intent:${share.shareId}`
          : (share.url ?? `share:${share.shareId}`)),
    });
  }
  if (share.status === 'skipped') return event(DETAIL_TYPES.shareSkipped, { ...common, reason });
  if (share.status === 'unknown') {
    return event(DETAIL_TYPES.shareOutcomeUnknown, { ...common, reason });
  }
  return event(DETAIL_TYPES.shareFailed, { ...common, reason });
};
