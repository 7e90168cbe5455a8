import type { AuditRecord } from '#shared/audit/chain';
import { isTerminal, type Share } from '#shared/shares/share';
import { bucketOf } from '#shared/shares/tally';
import type { AuditedWrite, AuditStore } from '#shared/store/audit';
import type { ShareStore } from '#shared/store/shares';
import type { TransactItem } from '#shared/store/transact';

export interface ShareOutcomeDependencies {
  audit: AuditStore;
  /** The campaigns' tallies, moved in the transaction of each end and resolution. */
  shares: Pick<ShareStore, 'tally'>;
  now: () => Date;
}

/**
 * The end a share had before any resolution. A redelivered job can find a share a person has
 * resolved since; its end is the one it had then (the resolution is on the record already), and
 * recording it is a no-op unless the end itself was never recorded.
 */
const endBeforeResolution = (share: Share): Share => {
  if (!share.resolution) return share;
  const { resolution, url: _url, publishedAt: _at, detail: _detail, ...rest } = share;
  const was = resolution.was;
  return {
    ...rest,
    status: was.status as Share['status'],
    ...(was.reason ? { reason: was.reason } : {}),
  };
};

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
    stored: Share,
    actor: string,
    options: { writes?: readonly TransactItem[]; conflict?: string } = {},
  ): Promise<boolean> {
    const share = endBeforeResolution(stored);
    const bucket = bucketOf(share);
    if (!isTerminal(share.status) || !bucket) return false;
    // The campaign's count moves in the transaction the dedupe key guards: once per end.
    const write: AuditedWrite = {
      stream: streamOf(share),
      records: [outcomeRecord(share, actor, share.publishedAt ?? deps.now().toISOString())],
      dedupeKey: `share#${share.shareId}#${share.status}`,
      ...options,
      writes: [...(options.writes ?? []), deps.shares.tally.endWrite(share, bucket)],
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
    const from = bucketOf(before);
    const to = bucketOf(after);
    const move = from && to ? [deps.shares.tally.moveWrite(before, from, to)] : [];
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
      writes: [...writes, ...move],
      conflict: `Share ${before.shareId} is no longer ${before.status}: someone resolved it or it moved on`,
      dedupeKey: `share#${before.shareId}#resolved`,
    });
  },
});

export type ShareOutcomes = ReturnType<typeof createShareOutcomes>;
