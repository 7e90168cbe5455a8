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
