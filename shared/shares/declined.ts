import type { Share } from '#shared/shares/share';

/** A share the employee declined in the feed: skipped before any attempt, on their word. */
export const DECLINED = 'declined';

/** Whether this share is one the employee declined (rather than one skipped for another reason). */
export const isDeclined = (share: Pick<Share, 'status' | 'reason'> | undefined): boolean =>
  share?.status === 'skipped' && share.reason === DECLINED;
