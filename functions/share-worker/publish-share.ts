import { receivesShares } from '#shared/employees/employee';
import { engagementPollAfterPublish } from '#shared/engagement/cadence';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event, type Publish } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { NetworkRegistry } from '#shared/networks/registry';
import { contentHashOf } from '#shared/posts/content-hash';
import type { Post } from '#shared/posts/post';
import { renderShareText } from '#shared/shares/render';
import { isTerminal, type Share, type ShareJob } from '#shared/shares/share';
import type { CampaignStore } from '#shared/store/campaigns';
import type { EmployeeStore } from '#shared/store/employees';
import type { PostStore } from '#shared/store/posts';
import type { ShareStore } from '#shared/store/shares';

export interface ShareWorkerDependencies {
  posts: PostStore;
  campaigns: CampaignStore;
  employees: EmployeeStore;
  shares: ShareStore;
  networks: NetworkRegistry;
  publish: Publish;
  now: () => Date;
}

/** Approval binds to content: the stored post must still hash to what was approved and scheduled. */
const approvedContentMismatch = (post: Post, campaignHash: string): string | undefined => {
  if (post.status !== 'approved' || !post.approval) return `post is ${post.status}, not approved`;
  if (post.approval.contentHash !== campaignHash)
    return 'post was approved again with other content';
  if (contentHashOf(post) !== campaignHash) return 'post content differs from the approved version';
  return undefined;
};

/**
 * Takes one share job to exactly one terminal state. The intent is recorded (conditional write)
 * before the network is called; a redelivered job finds it and either resumes (networks whose
 * publish is idempotent by key) or stops at `unknown` for a person to check, never posting twice.
 */
export const publishShare = async (
  job: ShareJob,
  deps: ShareWorkerDependencies,
): Promise<Share['status']> => {
  const known = await deps.shares.get(job.shareId);
  if (known && isTerminal(known.status)) return known.status;

  const [campaign, post, employee, connection] = await Promise.all([
    deps.campaigns.get(job.campaignId),
    deps.posts.get(job.postId),
    deps.employees.get(job.employeeId),
    deps.employees.getConnection(job.employeeId, job.network),
  ]);
  const base: Share = {
    ...job,
    status: 'publishing',
    contentHash: campaign.contentHash,
    audienceSize: connection?.audienceSize ?? 0,
    startedAt: deps.now().toISOString(),
  };

  const end = async (status: 'skipped' | 'failed', reason: string) => {
    const recorded = await deps.shares.recordFirst({ ...base, status, reason });
    if (!recorded.created) return recorded.existing.status;
    const detailType = status === 'skipped' ? DETAIL_TYPES.shareSkipped : DETAIL_TYPES.shareFailed;
    await deps.publish([
      event(detailType, {
        shareId: job.shareId,
        campaignId: job.campaignId,
        network: job.network,
        reason,
      }),
    ]);
    logger.info('Share ended without publishing', { shareId: job.shareId, status, reason });
    return status;
  };

  if (!connection || !receivesShares(employee, connection)) {
    return end('skipped', 'employee is not opted in on this network');
  }
  const mismatch = approvedContentMismatch(post, campaign.contentHash);
  if (mismatch) return end('failed', `content not approved: ${mismatch}`);

  const network = deps.networks[job.network];
  const recorded = known
    ? { created: false as const, existing: known }
    : await deps.shares.recordFirst(base);
  if (!recorded.created) {
    if (isTerminal(recorded.existing.status)) return recorded.existing.status;
    if (!network.publishIsIdempotent) {
      await deps.shares.markEnded(
        job.shareId,
        'unknown',
        'an earlier attempt may have posted; check the account',
      );
      return 'unknown';
    }
  }

  const text = renderShareText({
    copy: post.copy,
    link: post.link,
    disclaimers: post.compliance?.disclaimers ?? [],
  });
  const publishedAt = deps.now();
  const result = await network.publish({
    account: { handle: connection.handle, audienceSize: connection.audienceSize },
    text,
    idempotencyKey: job.shareId,
    at: publishedAt,
  });
  const recordedNow = await deps.shares.markPublished(job, {
    ...result,
    publishedAt,
    firstPollAt: engagementPollAfterPublish(publishedAt),
  });
  if (!recordedNow) {
    // A concurrent delivery of the same job recorded it (and announced it) first.
    return (await deps.shares.get(job.shareId))?.status ?? 'published';
  }
  await deps.publish([
    event(DETAIL_TYPES.sharePublished, {
      shareId: job.shareId,
      campaignId: job.campaignId,
      employeeId: job.employeeId,
      network: job.network,
      externalId: result.externalId,
    }),
  ]);
  return 'published';
};
