import { NETWORK_LIMITS } from '#shared/networks/limits';
import type { Share } from '#shared/shares/share';

/** Who a share was for, as a marketer knows them. */
export interface SharePerson {
  name: string;
  /** Their handle on the share's network, when they are (or were) connected there. */
  handle?: string | undefined;
}

const labelOf = (network: string): string =>
  (NETWORK_LIMITS as Record<string, { label: string } | undefined>)[network]?.label ??
  network.charAt(0).toUpperCase() + network.slice(1);

/**
 * What a marketer can do about an `unknown` or `failed` share, in their words: the reason code is
 * for machines, this is for the person who has to act. Every fix ends in resolving the share, so
 * it leaves the list.
 */
export const fixFor = (
  share: Pick<Share, 'status' | 'reason' | 'network' | 'detail'>,
  person: SharePerson,
): string => {
  const network = labelOf(share.network);
  const account = person.handle
    ? `${person.handle}'s ${network} profile`
    : `${person.name}'s ${network} profile`;
  if (share.status === 'unknown') {
    return `Check ${account} for the post, then resolve this share as published (with the post's link) or not published.`;
  }
  switch (share.reason) {
    case 'reconnect_needed':
      return `Ask ${person.name} to reconnect ${network}; once they have posted it themselves, resolve this share as published, or else as not published.`;
    case 'rejected_by_network':
      return `${network} refused the post (${share.detail ?? 'no reason given'}): change the post or ask ${person.name} to post it by hand, then resolve this share.`;
    case 'rate_limited':
      return `${network} kept asking Chorus to wait: ask ${person.name} to post it by hand, then resolve this share.`;
    case 'content_not_approved':
      return 'The post changed after it was approved: have the current version approved and schedule a new campaign, then resolve this share as not published.';
    case 'compliance_blocked':
      return `The final text breaks a compliance rule (${share.detail ?? 'see the policy'}): fix the post, have it approved and schedule again, then resolve this share as not published.`;
    case 'no_copy':
      return `The post has no text for ${network}: add a ${network} version and schedule again, then resolve this share as not published.`;
    case 'network_unavailable':
      return `${network} is not set up in this deployment: ask an admin to set it up, then resolve this share as not published.`;
    default:
      return `${share.detail ?? 'It failed'}: deal with it, then resolve this share.`;
  }
};

/** What kept shares from being made, where the marketer can act on it; else why it is the person's call. */
const SKIP_FIXES: Record<string, string> = {
  campaign_cancelled: 'The campaign was cancelled: nothing to do.',
  campaign_expired:
    'The campaign expired before these shares were made: schedule a new campaign with a later expiry if it still matters.',
  daily_cap_reached:
    'These employees had already shared as many posts as they allow in a day: schedule the post for another day.',
  declined: 'These employees chose not to share this one: their choice, nothing to do.',
  not_connected:
    'These employees are not connected to the network: invite them to connect it in the console.',
  reconnect_needed:
    'These employees’ connections expired or were revoked: remind them to reconnect in the console.',
  paused: 'These employees paused sharing: their choice, nothing to do.',
  auto_share_off:
    'These employees have not turned auto-share on here: their choice, nothing to do.',
  topic_not_followed:
    'These employees do not follow the post’s topics: their choice, nothing to do.',
  left_programme: 'These employees left the sharing programme: nothing to do.',
  deactivated: 'These employees are no longer in the directory: nothing to do.',
  no_copy_for_segments:
    'The post’s copy for this network is written only for segments these employees are not in: add a variant without segments (for everyone else) and schedule again if they should share it.',
};

/**
 * What a marketer can do about a group of a campaign's shares that ended alike (same status and
 * reason), in their words: the campaign page shows one line per group, not one per share.
 */
export const fixForGroup = (group: {
  status: 'failed' | 'skipped' | 'unknown';
  reason: string;
  networks: readonly string[];
  resolved: boolean;
}): string => {
  const network = group.networks.map(labelOf).join(', ');
  if (group.resolved) return 'Resolved by a person: nothing left to do.';
  if (group.status === 'skipped') {
    return SKIP_FIXES[group.reason] ?? 'Skipped for this reason: nothing to do.';
  }
  if (group.status === 'unknown') {
    return `Check each employee’s ${network} profile for the post, then resolve each share below as published (with the post’s link) or not published.`;
  }
  switch (group.reason) {
    case 'reconnect_needed':
      return `Ask these employees to reconnect ${network}; once they have posted it themselves, resolve each share as published, or else as not published.`;
    case 'rejected_by_network':
      return `${network} refused the post: change the post or ask the employees to post it by hand, then resolve each share.`;
    case 'rate_limited':
      return `${network} kept asking Chorus to wait: ask the employees to post it by hand, then resolve each share.`;
    case 'content_not_approved':
      return 'The post changed after it was approved: have the current version approved and schedule a new campaign, then resolve these shares as not published.';
    case 'compliance_blocked':
      return 'The final text breaks a rule of the current compliance policy: fix the post, have it approved and schedule again, then resolve these shares as not published.';
    case 'no_copy':
      return `The post has no text for ${network}: add a ${network} version and schedule again, then resolve these shares as not published.`;
    case 'network_unavailable':
      return `${network} is not set up in this deployment: ask an admin to set it up, then resolve these shares as not published.`;
    default:
      return 'Look at each share below, deal with it, then resolve it.';
  }
};
