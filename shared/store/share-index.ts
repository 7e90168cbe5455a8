import type { Share } from '#shared/shares/share';
import { keys } from '#shared/store/keys';

/**
 * A share's gsi2 entry follows its status, and it has at most one at a time: in its network's
 * poll queue while published, among the claims while `publishing` (so the dispatcher finds a
 * claim whose worker died), among the issues while `unknown` or `failed` and not yet resolved
 * (so marketing finds what needs a person). Sparse: every other state carries none.
 */
export const pollKeys = (share: Pick<Share, 'network' | 'shareId'>, at: Date) => ({
  gsi2pk: keys.pollQueue(share.network),
  gsi2sk: `${at.toISOString()}#${share.shareId}`,
});

/** The id's last hex digit: 16 shards, so thousands of claims at once spread over partitions. */
export const claimShard = (shareId: string): string => shareId.slice(-1);

export const CLAIM_SHARDS = [...'0123456789abcdef'];

export const claimKeys = (share: Pick<Share, 'shareId'>, leaseUntil: string) => ({
  gsi2pk: keys.sharesClaimed(claimShard(share.shareId)),
  gsi2sk: `${leaseUntil}#${share.shareId}`,
});

export const ISSUE_STATUSES = ['unknown', 'failed'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

export const isIssue = (status: string): status is IssueStatus =>
  (ISSUE_STATUSES as readonly string[]).includes(status);

/** By campaign, then time: one campaign's issues are one key range. */
export const issueKeys = (
  share: Pick<Share, 'shareId' | 'campaignId' | 'startedAt'>,
  status: IssueStatus,
) => ({
  gsi2pk: keys.shareIssues(status),
  gsi2sk: `${share.campaignId}#${share.startedAt}#${share.shareId}`,
});

/** The entry a share as written whole (a first record or claim) carries. */
export const statusIndexKeys = (share: Share) => {
  if (share.status === 'publishing' && share.leaseUntil) return claimKeys(share, share.leaseUntil);
  if (isIssue(share.status) && !share.resolution) return issueKeys(share, share.status);
  return {};
};
