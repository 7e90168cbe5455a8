import { z } from 'zod';

// Schemas only (zod and pure schemas), so the console can import its type.

const Count = z.number().int().nonnegative();

const OutcomeCounts = z.object({
  published: Count,
  failed: Count,
  skipped: Count,
  unknown: Count,
});

export const CampaignOutcomes = OutcomeCounts.extend({
  /** Shares the fan-out queued (or deferred to their time) that have not ended yet. */
  pending: Count.describe(
    'Shares the fan-out queued or deferred that have not ended yet (queued + deferred − ended automatic shares)',
  ),
  /** `unknown` and `failed` shares nobody has resolved yet: listed at `GET /shares?campaignId=`. */
  awaitingResolution: z.object({ unknown: Count, failed: Count }),
  /** What people said of the shares they resolved (counted in `published` and `failed`). */
  resolved: z.object({ published: Count, notPublished: Count }),
  byNetwork: z.record(z.string(), OutcomeCounts),
  /** Failed, skipped and unknown shares grouped by status and reason, largest first. */
  groups: z.array(
    z.object({
      status: z.enum(['failed', 'skipped', 'unknown']),
      reason: z.string(),
      count: Count,
      /** Of `count`, those still waiting for a person to resolve them. */
      awaitingResolution: Count,
      networks: z.array(z.string()),
      /** What a marketer can do about it, in words. */
      fix: z.string(),
    }),
  ),
});
export type CampaignOutcomes = z.infer<typeof CampaignOutcomes>;
