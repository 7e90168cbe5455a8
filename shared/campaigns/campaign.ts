import { z } from 'zod';
import { NetworkName } from '#shared/networks/network';

/**
 * `auto`: shares for those who turned auto-share on. `suggest`: no automatic shares; the post is
 * offered in everyone's feed. `both`: auto-share for those who opted in, a suggestion for the rest.
 */
export const CampaignMode = z.enum(['auto', 'suggest', 'both']);

export const CampaignRequest = z.strictObject({
  postId: z.string().min(1).max(100),
  scheduledAt: z.iso.datetime({ offset: true }),
  networks: z.array(NetworkName).min(1).max(5).default(['sandbox']),
  /** Shares are spread over this many minutes after the start, never all in the same minute. */
  staggerMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(60),
  mode: CampaignMode.default('both'),
  /** After this, shares not yet made are skipped. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type CampaignRequest = z.infer<typeof CampaignRequest>;

export const CampaignStatus = z.enum(['scheduled', 'dispatched', 'cancelled']);

/** What a campaign is expected to reach and cost, per network, as previewed when it was scheduled. */
export const NetworkEstimate = z.object({
  network: NetworkName,
  recipients: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type NetworkEstimate = z.infer<typeof NetworkEstimate>;

export const Campaign = z.object({
  campaignId: z.string(),
  postId: z.string(),
  postVersion: z.number().int().positive(),
  /** The approved content this campaign distributes; the worker refuses anything else. */
  contentHash: z.string(),
  segments: z.array(z.string()).min(1),
  networks: z.array(NetworkName),
  scheduledAt: z.iso.datetime(),
  staggerMinutes: z.number().int().nonnegative().default(0),
  mode: CampaignMode.default('auto'),
  expiresAt: z.iso.datetime().optional(),
  status: CampaignStatus,
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  dispatchedAt: z.iso.datetime().optional(),
  cancelledAt: z.iso.datetime().optional(),
  estimates: z.array(NetworkEstimate).default([]),
});
export type Campaign = z.infer<typeof Campaign>;

/**
 * A run's hold on the next page of a slice, taken before the page's jobs are sent: a duplicate
 * delivery of the slice's event finds it held and sends nothing. It lapses at `until`, so a run
 * that died holding it only delays the page. `sendable` is how many of the page's jobs fit the
 * monthly budget, reserved with the hold; a run taking over a lapsed hold keeps that reservation.
 */
export const PageClaim = z.object({
  run: z.string(),
  until: z.iso.datetime(),
  sendable: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type PageClaim = z.infer<typeof PageClaim>;

/** How far the fan-out of one directory shard got: the checkpoint a retried run resumes from. */
export const FanOutSlice = z.object({
  shard: z.number().int().nonnegative(),
  pages: z.number().int().nonnegative(),
  cursor: z.record(z.string(), z.unknown()).optional(),
  done: z.boolean(),
  queued: z.number().int().nonnegative(),
  deferred: z.number().int().nonnegative(),
  /** People in the campaign's segments, active and in the programme: offered a share or a suggestion. */
  invited: z.number().int().nonnegative().default(0),
  /** Per reason, the people who got no share; `over_budget` when the month's budget ran out. */
  excluded: z.record(z.string(), z.number().int().nonnegative()),
  /** Network API fees this slice's jobs committed to the month's spend. */
  costUsd: z.number().nonnegative().default(0),
  claim: PageClaim.optional(),
});
export type FanOutSlice = z.infer<typeof FanOutSlice>;
