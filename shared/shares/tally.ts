import type { Share } from '#shared/shares/share';

/**
 * A campaign's shares counted by how they ended, kept as they end rather than counted when asked:
 * a campaign can have 100,000 shares, and its page is read every few seconds while it runs.
 *
 * A bucket is one (status, reason, network, origin, resolved) the counts are kept under; its name
 * is the attribute the count is stored in. `origin` tells the shares the fan-out queued (`auto`)
 * from those an employee made themselves (`own`), which no fan-out count includes.
 */
export interface Bucket {
  status: 'published' | 'failed' | 'skipped' | 'unknown';
  reason: string;
  network: string;
  origin: 'auto' | 'own';
  /** A person said what became of it (an `unknown` or `failed` share, resolved). */
  resolved: boolean;
}

const PREFIX = 'n|';
const STATUSES: readonly Bucket['status'][] = ['published', 'failed', 'skipped', 'unknown'];

/** The stored attribute name of a bucket. Reason codes and network names hold no `|`. */
export const bucketName = (bucket: Bucket): string =>
  `${PREFIX}${bucket.status}|${bucket.reason}|${bucket.network}|${bucket.origin}|${bucket.resolved ? 'resolved' : ''}`;

/** The bucket a stored attribute name stands for; undefined for anything else on the item. */
export const parseBucket = (name: string): Bucket | undefined => {
  if (!name.startsWith(PREFIX)) return undefined;
  const [status, reason, network, origin, resolved] = name.slice(PREFIX.length).split('|');
  if (!STATUSES.includes(status as Bucket['status']) || network === undefined) return undefined;
  return {
    status: status as Bucket['status'],
    reason: reason ?? '',
    network,
    origin: origin === 'own' ? 'own' : 'auto',
    resolved: resolved === 'resolved',
  };
};

type Ended = Pick<Share, 'status' | 'reason' | 'network' | 'mode' | 'resolution'>;

/**
 * The bucket a share counts in as it stands now. A resolved share counts where the resolution put
 * it (published, or failed as `not_published`), marked resolved.
 */
export const bucketOf = (share: Ended): Bucket | undefined => {
  if (!STATUSES.includes(share.status as Bucket['status'])) return undefined;
  return {
    status: share.status as Bucket['status'],
    reason: share.status === 'published' ? '' : (share.reason ?? ''),
    network: share.network,
    origin: share.mode === 'own' ? 'own' : 'auto',
    resolved: share.resolution !== undefined,
  };
};

/** The 16 shards of a campaign's tally: the share id's last hex digit. */
export const TALLY_SHARDS = [...'0123456789abcdef'];
export const tallyShardOf = (shareId: string): string => shareId.slice(-1);

export type TallyCounts = ReadonlyMap<string, number>;
