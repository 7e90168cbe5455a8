import { logger } from '#shared/logger';
import { NetworkName } from '#shared/networks/network';
import { RETRY_AFTER_UNKNOWN_OUTCOME } from '#shared/networks/resend';
import type { QueuedJob } from '#shared/queue/share-queue';
import type { ShareOutcomes } from '#shared/shares/outcome';
import type { Share } from '#shared/shares/share';
import type { ShareIssueStore } from '#shared/store/share-issues';
import type { ShareStore } from '#shared/store/shares';

export interface ClaimSweepDependencies {
  shares: ShareStore;
  shareIssues: ShareIssueStore;
  outcomes: ShareOutcomes;
  send: (jobs: readonly QueuedJob[]) => Promise<number>;
}

/**
 * How long after its lease ended a claim counts as abandoned: longer than the worker's longest
 * backoff (15 minutes) plus the queue's visibility timeout (3 minutes), so the sweep takes only
 * shares whose job is gone (dead-lettered, lost), never one whose retry is merely waiting.
 */
export const SWEEP_AFTER_MS = 20 * 60_000;
/** Per claim shard (16); whatever is left is swept by the next minute's run. */
const PER_SHARD = 25;

const UNKNOWN_DETAIL =
  'the attempt stopped after the network may have been called; check the account before sharing again';

/**
 * Finishes shares stuck in `publishing` because the worker holding them died. Where the network
 * takes an idempotency key (Bluesky, Mastodon, the sandbox) the job is sent again: a repeat
 * returns the first post. Anywhere else (X; LinkedIn, whose duplicate check does not reach back
 * this far) a repeat could post twice, so the share ends `unknown` for a person to resolve, and
 * is never sent again.
 */
export const sweepExpiredClaims = async (
  now: Date,
  deps: ClaimSweepDependencies,
): Promise<{ resent: number; unknown: number }> => {
  const abandoned = await deps.shareIssues.claimsExpiredBefore(
    new Date(now.getTime() - SWEEP_AFTER_MS),
    PER_SHARD,
  );
  let resent = 0;
  let unknown = 0;
  for (const share of abandoned) {
    const network = NetworkName.safeParse(share.network);
    if (network.success && RETRY_AFTER_UNKNOWN_OUTCOME[network.data] === 'idempotent') {
      // Moved on first, sent second: a crash between the two brings the claim back next time.
      const until = new Date(now.getTime() + SWEEP_AFTER_MS);
      if (!(await deps.shareIssues.postponeClaim(share, until))) continue;
      await deps.send([{ job: jobOf(share, network.data) }]);
      resent += 1;
    } else if (await deps.shares.settle(share, 'unknown', 'outcome_unknown', UNKNOWN_DETAIL)) {
      const { leaseUntil: _, ...rest } = share;
      const ended: Share = {
        ...rest,
        status: 'unknown',
        reason: 'outcome_unknown',
        detail: UNKNOWN_DETAIL,
      };
      await deps.outcomes.ended(ended, 'system:dispatcher');
      unknown += 1;
    }
  }
  if (resent + unknown > 0) logger.info('Abandoned share claims swept', { resent, unknown });
  return { resent, unknown };
};

const jobOf = (share: Share, network: NetworkName): QueuedJob['job'] => ({
  shareId: share.shareId,
  campaignId: share.campaignId,
  postId: share.postId,
  employeeId: share.employeeId,
  network,
  ...(share.mode ? { mode: share.mode } : {}),
});
