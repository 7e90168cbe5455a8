import { rewardedNewClicks } from '#shared/links/click-counting';
import type { MetricsReading } from '#shared/networks/network';
import type { PointsAction, PointsEntry } from '#shared/recognition/points-entry';
import type { RecognitionPolicy } from '#shared/recognition/policy';
import type { Share } from '#shared/shares/share';

// The ledger's schemas live on their own (zod only), so the console can import their types.
export { PointsAction, PointsEntry } from '#shared/recognition/points-entry';

const entryOf = (
  base: Omit<PointsEntry, 'lines' | 'points'>,
  lines: { action: PointsAction; quantity: number }[],
  policy: RecognitionPolicy,
): PointsEntry | undefined => {
  const priced = lines
    .filter((l) => l.quantity > 0)
    .map((l) => ({ ...l, points: l.quantity * policy.points[l.action] }));
  const points = priced.reduce((t, l) => t + l.points, 0);
  return points > 0 ? { ...base, lines: priced, points } : undefined;
};

const interactions = (
  counts: { reactions: number; comments: number; reshares: number } | undefined,
) => (counts ? counts.reactions + counts.comments + counts.reshares : 0);

/**
 * What one reading of a share earned its sharer: the share itself on its first reading (and the
 * suggestion taken, when they shared it themselves), then every new click and interaction since
 * the reading before — clicks only up to the share's cap, so no one link can carry a leaderboard.
 * Networks sometimes lower counts (an unlike): no points are taken back.
 */
export const pointsForReading = (
  share: Share,
  reading: MetricsReading,
  clicks: number | undefined,
  at: Date,
  policy: RecognitionPolicy,
): PointsEntry | undefined => {
  const first = !share.lastPolledAt;
  const engaged =
    reading.kind === 'counts' ? interactions(reading.counts) - interactions(share.engagement) : 0;
  return entryOf(
    {
      employeeId: share.employeeId,
      entryId: `reading#${share.shareId}#${at.toISOString()}`,
      at: at.toISOString(),
      policyVersion: policy.version,
      shareId: share.shareId,
      network: share.network,
    },
    [
      { action: 'share', quantity: first ? 1 : 0 },
      { action: 'suggestionAccepted', quantity: first && share.mode === 'own' ? 1 : 0 },
      { action: 'clickReceived', quantity: rewardedNewClicks(clicks ?? 0, share.clicks ?? 0) },
      { action: 'engagementReceived', quantity: Math.max(0, engaged) },
    ],
    policy,
  );
};

/** The first connection of a network; reconnecting later earns nothing more. */
export const pointsForConnecting = (
  employeeId: string,
  network: string,
  at: Date,
  policy: RecognitionPolicy,
): PointsEntry | undefined =>
  entryOf(
    {
      employeeId,
      entryId: `connected#${network}`,
      at: at.toISOString(),
      policyVersion: policy.version,
      network,
    },
    [{ action: 'networkConnected', quantity: 1 }],
    policy,
  );

/** A share made in a network's own dialog (Facebook) and confirmed: it is never read back. */
export const pointsForConfirmedShare = (share: Share, at: Date, policy: RecognitionPolicy) =>
  entryOf(
    {
      employeeId: share.employeeId,
      entryId: `confirmed#${share.shareId}`,
      at: at.toISOString(),
      policyVersion: policy.version,
      shareId: share.shareId,
      network: share.network,
    },
    [
      { action: 'share', quantity: 1 },
      { action: 'suggestionAccepted', quantity: 1 },
    ],
    policy,
  );
