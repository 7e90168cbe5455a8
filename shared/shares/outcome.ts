import type { AuditRecord } from '#shared/audit/chain';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event, type PendingEvent, type Publish } from '#shared/events/publisher';
import { isTerminal, type Share } from '#shared/shares/share';
import type { AuditedWrite, AuditStore } from '#shared/store/audit';
import type { TransactItem } from '#shared/store/transact';

export interface ShareOutcomeDependencies {
  audit: AuditStore;
  publish: Publish;
  now: () => Date;
}

/**
 * Sixteen chains per campaign, by the share id's last hex digit, so thousands of shares ending
 * together do not all queue behind one chain head.
 */
const streamOf = (share: Pick<Share, 'campaignId' | 'shareId'>) =>
  `shares#${share.campaignId}#${share.shareId.slice(-1)}`;

const subjectOf = (share: Share) => ({
  postId: share.postId,
  campaignId: share.campaignId,
  shareId: share.shareId,
});

/** What a share's end says on the record: the same entry whoever ended it. */
const outcomeRecord = (share: Share, actor: string, at: string): AuditRecord => ({
  at,
  actor,
  action: `share.${share.status}`,
  subject: subjectOf(share),
  before: null,
  after: {
    status: share.status,
    employeeId: share.employeeId,
    network: share.network,
    ...(share.contentHash ? { contentHash: share.contentHash } : {}),
    attempts: share.attempt,
    ...(share.via ? { via: share.via } : {}),
    ...(share.reason ? { reason: share.reason } : {}),
    ...(share.externalId ? { externalId: share.externalId, url: share.url } : {}),
  },
});

/** The event that tells the other stages how a share ended. */
export const outcomeEvent = (share: Share): PendingEvent => {
  const common = { shareId: share.shareId, campaignId: share.campaignId, network: share.network };
  const reason = share.detail ? `${share.reason}: ${share.detail}` : (share.reason ?? '');
  if (share.status === 'published') {
    return event(DETAIL_TYPES.sharePublished, {
      ...common,
      employeeId: share.employeeId,
      externalId: share.externalId ?? (share.via === 'intent' ? `intent:${share.shareId}` : ''),
    });
  }
  if (share.status === 'skipped') return event(DETAIL_TYPES.shareSkipped, { ...common, reason });
  if (share.status === 'unknown') {
    return event(DETAIL_TYPES.shareOutcomeUnknown, { ...common, reason });
  }
  return event(DETAIL_TYPES.shareFailed, { ...common, reason });
};

/**
 * The one place a share's end is put on the record and announced, whoever ended it: the share
 * worker, an employee confirming a share made in a network's own dialog, the dispatcher giving up
 * on a claim whose worker died, or a person resolving what nobody could know.
 */
export const createShareOutcomes = (deps: ShareOutcomeDependencies) => ({
  /**
   * The audit entry of a share's end, once: a second call for the same end (a redelivered job)
   * writes nothing. With `writes`, the share's own state change commits in the same transaction,
   * and a false condition in them throws a ConflictError with `conflict`.
   */
  async audit(
    share: Share,
    actor: string,
    options: { writes?: readonly TransactItem[]; conflict?: string } = {},
  ): Promise<boolean> {
    if (!isTerminal(share.status)) return false;
    const write: AuditedWrite = {
      stream: streamOf(share),
      records: [outcomeRecord(share, actor, share.publishedAt ?? deps.now().toISOString())],
      dedupeKey: `share#${share.shareId}#${share.status}`,
      ...options,
    };
    return (await deps.audit.commit(write)).length > 0;
  },

  async announce(share: Share): Promise<void> {
    await deps.publish([outcomeEvent(share)]);
  },

  /** Both: for a share this caller has just ended. */
  async ended(
    share: Share,
    actor: string,
    options: { writes?: readonly TransactItem[]; conflict?: string } = {},
  ): Promise<void> {
    const written = await this.audit(share, actor, options);
    if (written || !options.writes) await this.announce(share);
  },

  /**
   * A person's resolution of an `unknown` or `failed` share, with its audit entry in the same
   * transaction as `write` (conditional on the share being as the person saw it).
   */
  async resolved(before: Share, after: Share, actor: string, write: TransactItem): Promise<void> {
    await deps.audit.commit({
      stream: streamOf(before),
      records: [
        {
          at: after.resolution?.at ?? deps.now().toISOString(),
          actor,
          action: 'share.resolved',
          subject: subjectOf(before),
          before: { status: before.status, reason: before.reason ?? null },
          after: {
            status: after.status,
            outcome: after.resolution?.outcome ?? null,
            ...(after.url ? { url: after.url } : {}),
            ...(after.resolution?.note ? { note: after.resolution.note } : {}),
          },
        },
      ],
      writes: [write],
      conflict: `Share ${before.shareId} is no longer ${before.status}: someone resolved it or it moved on`,
      dedupeKey: `share#${before.shareId}#resolved`,
    });
    if (after.status === 'published') await this.announce(after);
  },
});

export type ShareOutcomes = ReturnType<typeof createShareOutcomes>;
