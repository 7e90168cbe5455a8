import type { AuditRecord } from '#shared/audit/chain';
import { isTerminal, type Share } from '#shared/shares/share';
import type { AuditedWrite, AuditStore } from '#shared/store/audit';
import type { TransactItem } from '#shared/store/transact';

export interface ShareOutcomeDependencies {
  audit: AuditStore;
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

/**
 * The one place a share's end is put on the record, whoever ended it: the share worker, an
 * employee confirming a share made in a network's own dialog, the dispatcher giving up on a claim
 * whose worker died, or a person resolving what nobody could know. Its announcement is not made
 * here: the share store commits the event of an end (or a resolution) with the share's own write
 * (`announcedChange`), so no end is ever on the record without its event, or the other way round.
 */
export const createShareOutcomes = (deps: ShareOutcomeDependencies) => ({
  /**
   * The audit entry of a share's end, once: a second call for the same end (a redelivered job)
   * writes nothing. With `writes`, the share's own state change (and its event) commits in the
   * same transaction, and a false condition in them throws a ConflictError with `conflict`.
   */
  async ended(
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

  /**
   * A person's resolution of an `unknown` or `failed` share, with its audit entry in the same
   * transaction as `writes` (conditional on the share being as the person saw it, and carrying
   * the event of a published resolution).
   */
  async resolved(
    before: Share,
    after: Share,
    actor: string,
    writes: readonly TransactItem[],
  ): Promise<void> {
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
      writes,
      conflict: `Share ${before.shareId} is no longer ${before.status}: someone resolved it or it moved on`,
      dedupeKey: `share#${before.shareId}#resolved`,
    });
  },
});

export type ShareOutcomes = ReturnType<typeof createShareOutcomes>;
