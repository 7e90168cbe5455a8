import { z } from 'zod';
import { NetworkName } from '#shared/networks/network';

/** The SQS message: ids only. The worker reads everything else from DynamoDB. */
export const ShareJob = z.object({
  shareId: z.string().min(1),
  campaignId: z.string().min(1),
  postId: z.string().min(1),
  employeeId: z.string().min(1),
  network: NetworkName,
});
export type ShareJob = z.infer<typeof ShareJob>;

/**
 * `publishing` is the recorded intent before the network is called; every other status is
 * terminal. `unknown` means a network without idempotent publishing may or may not have posted,
 * and a person has to look: Chorus never re-posts blindly.
 */
export const TERMINAL_STATUSES = ['published', 'failed', 'skipped', 'unknown'] as const;
export const ShareStatus = z.enum(['publishing', ...TERMINAL_STATUSES]);
export type ShareStatus = z.infer<typeof ShareStatus>;

export const EngagementCountsSchema = z.object({
  impressions: z.number().int().nonnegative().nullable(),
  reactions: z.number().int().nonnegative(),
  comments: z.number().int().nonnegative(),
  reshares: z.number().int().nonnegative(),
});

export const Share = ShareJob.extend({
  status: ShareStatus,
  reason: z.string().optional(),
  contentHash: z.string().optional(),
  audienceSize: z.number().int().nonnegative(),
  startedAt: z.iso.datetime(),
  externalId: z.string().optional(),
  url: z.string().optional(),
  publishedAt: z.iso.datetime().optional(),
  engagement: EngagementCountsSchema.optional(),
  lastPolledAt: z.iso.datetime().optional(),
  deletedOnNetwork: z.boolean().optional(),
});
export type Share = z.infer<typeof Share>;

export const isTerminal = (status: ShareStatus): boolean =>
  (TERMINAL_STATUSES as readonly string[]).includes(status);
