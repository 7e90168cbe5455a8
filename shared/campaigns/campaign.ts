import { z } from 'zod';
import { NetworkName } from '#shared/networks/network';

export const CampaignRequest = z.strictObject({
  postId: z.string().min(1).max(100),
  scheduledAt: z.iso.datetime({ offset: true }),
  networks: z.array(NetworkName).min(1).max(5).default(['sandbox']),
});
export type CampaignRequest = z.infer<typeof CampaignRequest>;

export const CampaignStatus = z.enum(['scheduled', 'dispatched', 'cancelled']);

export const Campaign = z.object({
  campaignId: z.string(),
  postId: z.string(),
  postVersion: z.number().int().positive(),
  /** The approved content this campaign distributes; the worker refuses anything else. */
  contentHash: z.string(),
  segments: z.array(z.string()).min(1),
  networks: z.array(NetworkName),
  scheduledAt: z.iso.datetime(),
  status: CampaignStatus,
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  dispatchedAt: z.iso.datetime().optional(),
  jobCount: z.number().int().nonnegative().optional(),
});
export type Campaign = z.infer<typeof Campaign>;
