import type { Campaign } from '#shared/campaigns/campaign';
import type { CompliancePolicy } from '#shared/compliance/policy';
import type { Connection, Employee } from '#shared/employees/employee';
import { localTime } from '#shared/employees/time';
import { engagementPollAfterPublish } from '#shared/engagement/cadence';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { destinationWithUtm, linkCodeFor } from '#shared/links/tracked-link';
import { logger } from '#shared/logger';
import { isNetworkError, NetworkError } from '#shared/networks/errors';
import type { Account, NetworkAdapter, PublishedPost } from '#shared/networks/network';
import type { NetworkRegistry } from '#shared/networks/registry';
import { contentHashOf } from '#shared/posts/content-hash';
import { type Post, variantsFor } from '#shared/posts/post';
import { isLiveAt } from '#shared/posts/workflow';
import {
  renderForNetwork,
  renderPersonalised,
  trackedLinkOf,
  variantForShare,
  variantSegments,
} from '#shared/shares/final-text';
import { createShareOutcomes } from '#shared/shares/outcome';
import { isTerminal, type Share, type ShareJob } from '#shared/shares/share';
import { EXCLUSION_REASONS, effectiveConsent, exclusionFor } from '#shared/sharing/eligibility';
import type { SharingPolicy } from '#shared/sharing/policy';
import { plannedDelivery } from '#shared/sharing/schedule';
import type { AuditStore } from '#shared/store/audit';
import type { CampaignStore } from '#shared/store/campaigns';
import type { CredentialStore } from '#shared/store/credentials';
import type { EmployeeStore } from '#shared/store/employees';
import type { LinkStore } from '#shared/store/links';
import type { PersonalisationStore } from '#shared/store/personalisations';
import type { PostStore } from '#shared/store/posts';
import type { SegmentStore } from '#shared/store/segments';
import type { ShareStore } from '#shared/store/shares';

export interface ShareWorkerDependencies {
  posts: PostStore;
  campaigns: CampaignStore;
  employees: EmployeeStore;
  shares: ShareStore;
  networks: NetworkRegistry;
  /** Opens a connection's sealed tokens for one publish, renewing them when they run out. */
  credentials: CredentialStore;
  links: LinkStore;
  /** Where tracked links point: `${linkBase}/l/{code}` (the API's address). */
  linkBase: string;
  now: () => Date;
  audit: AuditStore;
  personalisations: PersonalisationStore;
  /** The rules of the segments a post's copy is written for (read only for such a post). */
  segments: Pick<SegmentStore, 'rule'>;
  /** The compliance policy in force, for the last check of the final text. */
  policy: () => Promise<CompliancePolicy>;
  sharingPolicy: () => Promise<SharingPolicy>;
  /** How long a claim keeps other deliveries off a share: longer than one worker run. */
  leaseMs: number;
}

/** What became of one delivery of a job. */
export type ShareResult =
  | { kind: 'done'; share: Share }
  /**
   * Not now: come back at `at`. `failedAttempt`: this delivery failed (an unknown outcome to retry),
   * so the very message comes back and counts towards the queue's receive limit, after which it
   * is dead-lettered. Otherwise nothing failed — the network asked us to wait, another delivery
   * holds the share, the employee's hours have not begun — and the job is sent anew, so waiting
   * never uses up the receives that are there to park jobs that keep failing.
   */
  | { kind: 'later'; at: Date; reason: string; failedAttempt: boolean };

export interface Delivery {
  /** How many times SQS has handed out this message, this time included. */
  receiveCount: number;
}

const done = (share: Share): ShareResult => ({ kind: 'done', share });
const later = (at: Date, reason: string, failedAttempt = false): ShareResult => ({
  kind: 'later',
  at,
  reason,
  failedAttempt,
});

/** Attempts a share gets before a network that keeps answering 429 ends it as failed. */
const MAX_ATTEMPTS = 25;

/** Retries after an unknown outcome back off: 10 s, 20 s, 40 s ... at most 15 minutes. */
const backoffMs = (receiveCount: number) => Math.min(900_000, 10_000 * 2 ** (receiveCount - 1));

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

interface Context {
  campaign: Campaign;
  post: Post;
  employee: Employee;
}

/** Why this share must not be made now, if anything: a terminal status with its reason. */
const refusalOf = (
  job: ShareJob,
  { campaign, post, employee }: Context,
  now: Date,
): { status: 'skipped' | 'failed'; reason: string; detail: string } | undefined => {
  if (campaign.status === 'cancelled') {
    return {
      status: 'skipped',
      reason: 'campaign_cancelled',
      detail: 'the campaign was cancelled',
    };
  }
  if (campaign.expiresAt && campaign.expiresAt <= now.toISOString()) {
    return { status: 'skipped', reason: 'campaign_expired', detail: 'the campaign has expired' };
  }
  const exclusion = exclusionFor(employee, job.network, post.topics, job.mode ?? 'auto');
  if (exclusion)
    return { status: 'skipped', reason: exclusion, detail: EXCLUSION_REASONS[exclusion] };
  const mismatch = approvedContentMismatch(post, campaign.contentHash, now);
  if (mismatch) return { status: 'failed', reason: 'content_not_approved', detail: mismatch };
  return undefined;
};

/** Why a share has no text: none for its network, or none for this employee's segments. */
type NoText = { reason: 'no_copy' | 'no_copy_for_segments'; detail: string };

/**
 * Which of the post's variants this employee gets on this network: the segments its copy is
 * written for are tested against them (each segment's rules read once per batch).
 */
const variantFor = async (
  job: ShareJob,
  { post, employee }: Context,
  deps: ShareWorkerDependencies,
): Promise<number | NoText> => {
  if (variantsFor(post, job.network).length === 0) {
    return { reason: 'no_copy', detail: `the post has no copy for ${job.network}` };
  }
  const ids = variantSegments(post);
  const rules = await Promise.all(ids.map((id) => deps.segments.rule(id)));
  const mine = new Set(ids.filter((_, i) => rules[i]?.(employee)));
  const variant = variantForShare(post, job.network, job.shareId, (id) => mine.has(id));
  return (
    variant ?? {
      reason: 'no_copy_for_segments',
      detail: `the post's copy for ${job.network} is written only for segments the employee is not in`,
    }
  );
};

/**
 * The final text for this share, rendered and checked exactly as the feed shows it, and anything
 * in it the compliance policy in force now blocks: approval accepted its `review` findings, but a
 * block (a banned phrase added since) stops this share.
 */
const finalText = async (
  job: ShareJob,
  context: Context,
  deps: ShareWorkerDependencies,
): Promise<{ text: string; blocking: string[] } | NoText> => {
  const { campaign, post, employee } = context;
  const variant = await variantFor(job, context, deps);
  if (typeof variant !== 'number') return variant;
  const [policy, own] = await Promise.all([
    deps.policy(),
    deps.personalisations.get(job.employeeId, job.postId, job.network),
  ]);
  const request = {
    post,
    variant,
    network: job.network,
    policy,
    reader: { name: employee.name, jurisdiction: employee.jurisdiction },
    postedLink: trackedLinkOf(deps.linkBase, job.shareId),
  };
  // The employee's own wording, if legal-clean and written from this very approved content.
  const usable = own?.status === 'approved' && own.baseHash === campaign.contentHash;
  const rendered = usable ? renderPersonalised(request, own) : renderForNetwork(request);
  const blocking = rendered.findings.filter((f) => f.severity === 'block').map((f) => f.message);
  return { text: rendered.text, blocking };
};

/** The share's tracked link, made before the text that carries it is posted. */
const ensureTrackedLink = async (job: ShareJob, post: Post, deps: ShareWorkerDependencies) => {
  if (!post.link) return;
  await deps.links.ensure({
    code: linkCodeFor(job.shareId),
    shareId: job.shareId,
    campaignId: job.campaignId,
    postId: job.postId,
    employeeId: job.employeeId,
    network: job.network,
    destination: destinationWithUtm(post.link, job),
    createdAt: deps.now().toISOString(),
  });
};

/**
 * Takes one delivery of a share job as far as it can go. A share is claimed (conditional write,
 * with a lease) before the network is called; every later step is conditional on holding that
 * claim, so redelivered or concurrent copies of a job never publish twice, and a publish whose
 * outcome is unknown is only repeated where the network makes a repeat harmless.
 */
export const publishShare = async (
  job: ShareJob,
  deps: ShareWorkerDependencies,
  delivery: Delivery = { receiveCount: 1 },
): Promise<ShareResult> => {
  const result = await takeShare(job, deps, delivery);
  if (result.kind === 'done') await recordOutcome(result.share, deps);
  return result;
};

/**
 * Puts the share's end on the record through the one share-outcome recorder, once: a redelivered
 * job that finds the share ended records it again under the same dedupe key, which writes nothing,
 * so a crash between the share's write and this one loses nothing either.
 */
const recordOutcome = async (share: Share, deps: ShareWorkerDependencies): Promise<void> => {
  await createShareOutcomes(deps).ended(share, 'system:share-worker');
};

const takeShare = async (
  job: ShareJob,
  deps: ShareWorkerDependencies,
  delivery: Delivery,
): Promise<ShareResult> => {
  const known = await deps.shares.get(job.shareId);
  if (known && isTerminal(known.status)) return done(known);
  const now = deps.now();
  if (known?.status === 'publishing' && Date.parse(known.leaseUntil ?? '') > now.getTime()) {
    // Another delivery of this job is at work right now: look again when its lease ends.
    return later(new Date(known.leaseUntil ?? now), 'another delivery holds this share');
  }
  // A `publishing` share whose lease ran out: an earlier attempt died not knowing its outcome.
  const resuming = known?.status === 'publishing';

  const [campaign, post, employee, connection, sharing] = await Promise.all([
    deps.campaigns.get(job.campaignId),
    deps.posts.get(job.postId),
    deps.employees.get(job.employeeId),
    deps.employees.getConnection(job.employeeId, job.network),
    deps.sharingPolicy(),
  ]);
  const context: Context = { campaign, post, employee };
  const consent = effectiveConsent(employee, job.network, sharing);
  const base: Share = {
    ...job,
    status: 'publishing',
    contentHash: campaign.contentHash,
    audienceSize: connection?.audienceSize ?? 0,
    startedAt: now.toISOString(),
    attempt: 1,
    leaseUntil: new Date(now.getTime() + deps.leaseMs).toISOString(),
  };

  /** Ends a share that no attempt has published: nothing can be on the network. */
  const end = async (status: 'skipped' | 'failed', reason: string, detail: string) => {
    const ended: Share = { ...(known ?? base), status, reason, detail };
    const stored = known
      ? (await deps.shares.settleUnclaimed(known, status, reason, detail))
        ? ended
        : await deps.shares.get(job.shareId)
      : await deps.shares.recordFirst(ended).then(async (r) => (r.created ? ended : r.existing));
    // The share's write carried the event of its end (the share store commits them together).
    if (stored === ended) {
      logger.info('Share ended without publishing', { shareId: job.shareId, status, reason });
    }
    return stored ? done(stored) : later(now, 'the share changed meanwhile');
  };

  const network = deps.networks[job.network];
  if (!network) {
    return end('failed', 'network_unavailable', `${job.network} is not set up in this deployment`);
  }
  if (resuming && network.retryAfterUnknownOutcome === 'unsafe') {
    return settleHeld(
      known,
      'unknown',
      'outcome_unknown',
      'an earlier attempt may have posted; check the account before sharing again',
      deps,
    );
  }
  if (!resuming) {
    const refusal = refusalOf(job, context, now);
    if (refusal) return end(refusal.status, refusal.reason, refusal.detail);
    // An employee's own share goes when they press the button; a campaign's waits for their hours.
    const at =
      job.mode === 'own'
        ? now
        : plannedDelivery({
            shareId: job.shareId,
            scheduledAt: now,
            staggerMinutes: 0,
            hours: consent.hours,
            zone: consent.zone,
          });
    if (at > now) return later(at, 'outside the employee’s sharing hours');
  }
  const rendered = await finalText(job, context, deps);
  if ('reason' in rendered) {
    // No copy for the network is the post's fault; copy only for others' segments is by design.
    const status = rendered.reason === 'no_copy' ? 'failed' : 'skipped';
    return end(status, rendered.reason, rendered.detail);
  }
  if (!resuming && rendered.blocking.length > 0) {
    return end('failed', 'compliance_blocked', rendered.blocking.join('; '));
  }
  if (!connection) return end('skipped', 'not_connected', EXCLUSION_REASONS.not_connected);
  await ensureTrackedLink(job, post, deps);

  // Claim the share: the first time together with the employee's daily count.
  let claimed: Share;
  if (!known) {
    const claim = await deps.shares.claimFirst(base, {
      employeeId: job.employeeId,
      network: job.network,
      localDate: localTime(now, consent.zone).date,
      // The cap limits what Chorus shares on its own; what they share themselves is theirs.
      limit: job.mode === 'own' ? Number.MAX_SAFE_INTEGER : consent.dailyCap,
    });
    if (claim === 'exists') return later(now, 'another delivery recorded this share first');
    if (claim === 'capped') {
      return end(
        'skipped',
        'daily_cap_reached',
        `the employee allows ${consent.dailyCap} a day here`,
      );
    }
    claimed = base;
  } else {
    const leaseUntil = new Date(now.getTime() + deps.leaseMs);
    if (!(await deps.shares.reclaim(known, leaseUntil))) {
      return later(now, 'another delivery took this share first');
    }
    claimed = {
      ...known,
      status: 'publishing',
      attempt: known.attempt + 1,
      leaseUntil: leaseUntil.toISOString(),
    };
  }
  return attemptPublish(claimed, rendered.text, network, connection, deps, delivery);
};

/** Ends (or hands back) an attempt this worker holds; if it lost the claim, reports what is stored. */
const settleHeld = async (
  share: Share,
  status: 'pending' | 'failed' | 'unknown',
  reason: string,
  detail: string,
  deps: ShareWorkerDependencies,
): Promise<ShareResult> => {
  if (await deps.shares.settle(share, status, reason, detail)) {
    return done({ ...share, status, reason, detail });
  }
  const stored = await deps.shares.get(share.shareId);
  return stored ? done(stored) : later(deps.now(), 'the share vanished', true);
};

/** The account as the adapter needs it; the sandbox has no tokens, so it costs no read. */
const accountFor = async (
  connection: Connection,
  network: NetworkAdapter,
  deps: ShareWorkerDependencies,
  at: Date,
  renew: boolean,
): Promise<Account | 'busy'> => {
  if (network.connect === 'none') {
    return { handle: connection.handle, audienceSize: connection.audienceSize };
  }
  const access = await deps.credentials.forCall(connection, network, at, renew);
  return access.kind === 'ready' ? access.account : 'busy';
};

const attemptPublish = async (
  share: Share,
  text: string,
  network: NetworkAdapter,
  connection: Connection,
  deps: ShareWorkerDependencies,
  delivery: Delivery,
): Promise<ShareResult> => {
  const publishedAt = deps.now();
  const publishAs = async (renew: boolean): Promise<PublishedPost | 'busy'> => {
    const account = await accountFor(connection, network, deps, publishedAt, renew);
    if (account === 'busy') return 'busy';
    return network.publish({
      account,
      text,
      idempotencyKey: share.shareId,
      intentAt: new Date(share.startedAt),
      at: publishedAt,
    });
  };
  let post: PublishedPost | 'busy';
  try {
    try {
      post = await publishAs(false);
    } catch (first) {
      // A refused token posted nothing: renew it (once, single-flight) and ask again.
      if (!isNetworkError(first) || first.kind !== 'auth_expired' || !network.refresh) throw first;
      post = await publishAs(true);
    }
  } catch (caught) {
    // Anything that is not the network's own answer (a reset socket, a timeout) is an unknown outcome.
    const error = isNetworkError(caught)
      ? caught
      : new NetworkError('outcome_unknown', (caught as Error).message ?? String(caught));
    return afterRefusal(share, error, network, deps, delivery);
  }
  if (post === 'busy') {
    // The network was not called: hand the share back until the renewed tokens are stored.
    const settled = await settleHeld(
      share,
      'pending',
      'tokens_renewing',
      'tokens are being renewed',
      deps,
    );
    if (settled.kind === 'done' && settled.share.status !== 'pending') return settled;
    return later(new Date(publishedAt.getTime() + 5_000), 'tokens are being renewed');
  }
  return recordPublished(share, post, publishedAt, deps);
};

const recordPublished = async (
  share: Share,
  post: PublishedPost,
  publishedAt: Date,
  deps: ShareWorkerDependencies,
): Promise<ShareResult> => {
  const recorded = await deps.shares.markPublished(share, {
    ...post,
    publishedAt,
    firstPollAt: engagementPollAfterPublish(publishedAt),
  });
  const published: Share = {
    ...share,
    status: 'published',
    externalId: post.externalId,
    url: post.url,
    publishedAt: publishedAt.toISOString(),
  };
  if (!recorded) {
    const stored = await deps.shares.get(share.shareId);
    return stored ? done(stored) : later(deps.now(), 'the share vanished', true);
  }
  return done(published);
};

const afterRefusal = async (
  share: Share,
  error: NetworkError,
  network: NetworkAdapter,
  deps: ShareWorkerDependencies,
  delivery: Delivery,
): Promise<ShareResult> => {
  const now = deps.now();
  logger.info('The network did not publish', {
    shareId: share.shareId,
    network: share.network,
    kind: error.kind,
    status: error.details.status,
  });
  switch (error.kind) {
    case 'rate_limited': {
      // Nothing was posted. A network that keeps refusing ends the share rather than cycling it
      // for ever; otherwise hand it back, and come back when the network said.
      if (share.attempt >= MAX_ATTEMPTS) {
        return settleHeld(
          share,
          'failed',
          'rate_limited',
          `still rate limited after ${share.attempt} attempts: ${error.message}`,
          deps,
        );
      }
      const seconds = error.details.retryAfterSeconds ?? 60;
      const settled = await settleHeld(share, 'pending', 'rate_limited', error.message, deps);
      if (settled.kind === 'done' && settled.share.status !== 'pending') return settled;
      return later(new Date(now.getTime() + seconds * 1000), 'rate limited by the network');
    }
    case 'auth_expired': {
      // Announced with the connection's change, once, whichever of the person's shares found it.
      await deps.employees.markConnection(
        share.employeeId,
        network.name,
        'expired',
        error.message,
        now,
        'system:share-worker',
        [
          event(DETAIL_TYPES.connectionExpired, {
            employeeId: share.employeeId,
            network: network.name,
          }),
        ],
      );
      return settleHeld(share, 'failed', 'reconnect_needed', error.message, deps);
    }
    case 'rejected':
      return settleHeld(share, 'failed', 'rejected_by_network', error.message, deps);
    case 'duplicate':
      if (error.details.existing) {
        // The network names the post it already has (LinkedIn): that post is this share.
        return recordPublished(share, error.details.existing, now, deps);
      }
      return settleHeld(share, 'unknown', 'duplicate_reported', error.message, deps);
    case 'outcome_unknown':
      if (network.retryAfterUnknownOutcome === 'unsafe') {
        return settleHeld(share, 'unknown', 'outcome_unknown', error.message, deps);
      }
      // Safe to ask again with the same key: free the claim and retry after a backoff.
      await deps.shares.release(share, now);
      return later(
        new Date(now.getTime() + backoffMs(delivery.receiveCount)),
        `outcome unknown (${error.message}); retrying with the same key`,
        true,
      );
  }
};
