import type { CampaignOutcomes } from '#shared/campaigns/campaign-outcomes';
import { fixForGroup } from '#shared/shares/fix';
import { type Bucket, parseBucket, type TallyCounts } from '#shared/shares/tally';

const emptyCounts = () => ({ published: 0, failed: 0, skipped: 0, unknown: 0 });

/**
 * A campaign's outcomes from its tally and its fan-out's counts: how many shares ended how, why,
 * what to do about it, and how many are still to come.
 */
export const campaignOutcomes = (
  counts: TallyCounts,
  fanOut: { queued: number; deferred: number },
): CampaignOutcomes => {
  const totals = emptyCounts();
  const byNetwork: Record<string, ReturnType<typeof emptyCounts>> = {};
  const awaitingResolution = { unknown: 0, failed: 0 };
  const resolved = { published: 0, notPublished: 0 };
  const groups = new Map<string, CampaignOutcomes['groups'][number]>();
  let autoEnded = 0;
  for (const [name, count] of counts) {
    const bucket = parseBucket(name);
    if (!bucket || count <= 0) continue;
    totals[bucket.status] += count;
    byNetwork[bucket.network] ??= emptyCounts();
    (byNetwork[bucket.network] as ReturnType<typeof emptyCounts>)[bucket.status] += count;
    if (bucket.origin === 'auto') autoEnded += count;
    if (bucket.resolved) {
      if (bucket.status === 'published') resolved.published += count;
      else resolved.notPublished += count;
    } else if (bucket.status === 'unknown' || bucket.status === 'failed') {
      awaitingResolution[bucket.status] += count;
    }
    if (bucket.status !== 'published') addToGroup(groups, bucket as GroupBucket, count);
  }
  for (const group of groups.values()) {
    group.fix = fixForGroup({
      status: group.status,
      reason: group.reason,
      networks: group.networks,
      resolved: group.awaitingResolution === 0 && group.status !== 'skipped' && group.count > 0,
    });
  }
  return {
    ...totals,
    pending: Math.max(0, fanOut.queued + fanOut.deferred - autoEnded),
    awaitingResolution,
    resolved,
    byNetwork,
    groups: [...groups.values()].sort(
      (a, b) => b.count - a.count || a.reason.localeCompare(b.reason),
    ),
  };
};

type GroupBucket = Bucket & { status: 'failed' | 'skipped' | 'unknown' };

const addToGroup = (
  groups: Map<string, CampaignOutcomes['groups'][number]>,
  bucket: GroupBucket,
  count: number,
) => {
  const key = `${bucket.status}|${bucket.reason}`;
  const group = groups.get(key) ?? {
    status: bucket.status,
    reason: bucket.reason,
    count: 0,
    awaitingResolution: 0,
    networks: [],
    fix: '',
  };
  group.count += count;
  if (!bucket.resolved && bucket.status !== 'skipped') group.awaitingResolution += count;
  if (!group.networks.includes(bucket.network)) group.networks.push(bucket.network);
  groups.set(key, group);
};
