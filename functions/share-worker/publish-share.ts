import {
  checkText,
  disclaimersOn,
  jurisdictionDisclaimers,
  renderFinalText,
} from '#shared/compliance/engine';
import type { CompliancePolicy } from '#shared/compliance/policy';
import { receivesShares } from '#shared/employees/employee';
import { engagementPollAfterPublish } from '#shared/engagement/cadence';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event, type Publish } from '#shared/events/publisher';
import { sha256 } from '#shared/hash';
import { logger } from '#shared/logger';
import type { NetworkRegistry } from '#shared/networks/registry';
import { contentHashOf } from '#shared/posts/content-hash';
import { type Post, variantsFor } from '#shared/posts/post';
import { personValues } from '#shared/posts/template';
import { isLiveAt } from '#shared/posts/workflow';
import { isTerminal, type Share, type ShareJob } from '#shared/shares/share';
import type { AuditStore } from '#shared/store/audit';
import type { CampaignStore } from '#shared/store/campaigns';
import type { EmployeeStore } from '#shared/store/employees';
import type { PersonalisationStore } from '#shared/store/personalisations';
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
  audit: AuditStore;
  personalisations: PersonalisationStore;
  /** The compliance policy in force, for the last check of the final text. */
  policy: () => Promise<CompliancePolicy>;
}

/**
 * Approval binds to content: the post must be live, and the stored post must still hash to what
 * its approvals were given for and the campaign was scheduled with.
 */
const approvedContentMismatch = (
  post: Post,
  campaignHash: string,
  at: Date,
): string | undefined => {
  if (!isLiveAt(post, at)) return `post is ${post.status.replace('_', ' ')} or past its deadline`;
  const hash = contentHashOf(post);
  if (hash !== campaignHash) return 'post content differs from the version this campaign sends';
  const approvedThis = post.approvals.filter(
    (a) => a.version === post.version && a.contentHash === hash,
  );
  if (post.lastApprovedVersion !== post.version || approvedThis.length !== post.approvals.length) {
    return 'the stored content is not the content that was approved';
  }
  return undefined;
};

/** Employees in one campaign get different variants, but each always the same one. */
const variantFor = (post: Post, network: string, shareId: string) => {
  const variants = variantsFor(post, network);
  return variants[Number.parseInt(sha256(shareId).slice(0, 8), 16) % variants.length];
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
  const status = await takeShare(job, deps);
  if (isTerminal(status)) await recordOutcome(job, deps);
  return status;
};

/**
 * Puts the share's end on the record, once: a redelivered job that finds the share ended records
 * it again under the same dedupe key, which writes nothing, so a crash between the share's write
 * and this one loses nothing either.
 */
const recordOutcome = async (job: ShareJob, deps: ShareWorkerDependencies): Promise<void> => {
  const share = await deps.shares.get(job.shareId);
  if (!share) return;
  await deps.audit.commit({
    // Sixteen chains per campaign, by the share id's last hex digit, so thousands of shares
    // ending together do not all queue behind one chain head.
    stream: `shares#${job.campaignId}#${job.shareId.slice(-1)}`,
    records: [
      {
        at: share.publishedAt ?? deps.now().toISOString(),
        actor: 'system:share-worker',
        action: `share.${share.status}`,
        subject: { postId: job.postId, campaignId: job.campaignId, shareId: job.shareId },
        before: null,
        after: {
          status: share.status,
          employeeId: share.employeeId,
          network: share.network,
          contentHash: share.contentHash,
          ...(share.reason ? { reason: share.reason } : {}),
          ...(share.externalId ? { externalId: share.externalId, url: share.url } : {}),
        },
      },
    ],
    dedupeKey: `share#${job.shareId}#${share.status}`,
  });
};

const takeShare = async (
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
  const mismatch = approvedContentMismatch(post, campaign.contentHash, deps.now());
  if (mismatch) return end('failed', `content not approved: ${mismatch}`);
  const variant = variantFor(post, job.network, job.shareId);
  if (!variant) return end('failed', `the post has no copy for ${job.network}`);

  // The final text, checked again under the policy in force: approval accepted its `review`
  // findings, but anything that now blocks (a disclaimer added since) stops this share.
  const target = { network: job.network, jurisdiction: employee.jurisdiction };
  const [policy, own] = await Promise.all([
    deps.policy(),
    deps.personalisations.get(job.employeeId, job.postId, job.network),
  ]);
  // The employee's own wording, if legal-clean and written from this very approved content.
  const personalised =
    own?.status === 'approved' && own.baseHash === campaign.contentHash ? own.text : undefined;
  const text = renderFinalText({
    copy: variant.text,
    link: post.link,
    values: { ...personValues(employee.name), company: policy.company },
    disclaimers: [
      ...disclaimersOn(post.compliance?.disclaimers ?? [], job.network),
      ...jurisdictionDisclaimers(policy, post, target),
    ],
    policy,
    personalised,
  });
  const blocking = checkText(text, post, target, policy).filter((f) => f.severity === 'block');
  if (blocking.length > 0) {
    return end(
      'failed',
      `the final text fails the compliance check: ${blocking.map((f) => f.message).join('; ')}`,
    );
  }

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
