import { z } from 'zod';
import type { Share } from '#shared/shares/share';

/**
 * Every figure says where it comes from: `measured` (read from the network), `counted` (Chorus's
 * own records) or `estimated`; a network that gives no figure yields `null`, never a zero.
 */
export const Figure = z.object({
  value: z.number().nullable(),
  source: z.enum(['measured', 'counted', 'estimated']),
  note: z.string().optional(),
});
export type Figure = z.infer<typeof Figure>;

export const PostAnalytics = z.object({
  postId: z.string(),
  shares: z.object({ published: Figure, failed: Figure, skipped: Figure, pending: Figure }),
  potentialReach: Figure,
  engagement: z.object({
    impressions: Figure,
    reactions: Figure,
    comments: Figure,
    reshares: Figure,
  }),
  byNetwork: z.record(z.string(), z.object({ published: z.number(), potentialReach: z.number() })),
  sandbox: z.boolean(),
});
export type PostAnalytics = z.infer<typeof PostAnalytics>;

export const summarisePostShares = (postId: string, shares: readonly Share[]): PostAnalytics => {
  const published = shares.filter((s) => s.status === 'published');
  const polled = published.filter((s) => s.engagement);
  const count = (status: Share['status'] | 'pending') =>
    shares.filter((s) => (status === 'pending' ? s.status === 'publishing' : s.status === status))
      .length;
  const sum = (pick: (s: Share) => number | null | undefined): number | null => {
    const values = polled.map(pick).filter((v): v is number => typeof v === 'number');
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
  };
  const sandbox = published.some((s) => s.network === 'sandbox');
  const measured = (value: number | null): Figure => {
    const notes = [
      value === null ? 'not yet read from the networks' : undefined,
      sandbox ? 'sandbox network: modelled engagement, not a real audience' : undefined,
    ].filter(Boolean);
    return { value, source: 'measured', ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
  };
  const byNetwork: PostAnalytics['byNetwork'] = {};
  for (const share of published) {
    const entry = byNetwork[share.network] ?? { published: 0, potentialReach: 0 };
    byNetwork[share.network] = entry;
    entry.published += 1;
    entry.potentialReach += share.audienceSize;
  }
  return {
    postId,
    shares: {
      published: { value: published.length, source: 'counted' },
      failed: { value: count('failed'), source: 'counted' },
      skipped: { value: count('skipped'), source: 'counted' },
      pending: { value: count('pending'), source: 'counted' },
    },
    potentialReach: {
      value: published.reduce((total, s) => total + s.audienceSize, 0),
      source: 'counted',
      note: "sum of the sharers' audience sizes at the time of sharing",
    },
    engagement: {
      impressions: measured(sum((s) => s.engagement?.impressions)),
      reactions: measured(sum((s) => s.engagement?.reactions)),
      comments: measured(sum((s) => s.engagement?.comments)),
      reshares: measured(sum((s) => s.engagement?.reshares)),
    },
    byNetwork,
    sandbox,
  };
};
