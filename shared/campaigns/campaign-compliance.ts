import { z } from 'zod';
import { BlockedRendering } from '#shared/compliance/blocked-rendering';

// Schemas only (zod and pure schemas), so the console can import its type.

/**
 * Whether the compliance policy in force still passes a post for a campaign's recipients: the
 * share worker checks every final text against the current policy, so a policy changed since the
 * approval fails shares (`compliance_blocked`) that the approval let through.
 */
export const CampaignCompliance = z.object({
  /** The compliance policy's version this was checked against. */
  policyVersion: z.number().int().positive(),
  /**
   * `passes`: nothing blocked. `blocks_some`: some texts (variant, network, jurisdiction) are
   * blocked and those shares would fail. `blocks_all`: every share would fail.
   */
  verdict: z.enum(['passes', 'blocks_some', 'blocks_all']),
  /** The blocked texts, by network and jurisdiction, with the findings that block them. */
  renderings: z.array(BlockedRendering),
  /** More texts are blocked than are listed. */
  truncated: z.boolean(),
});
export type CampaignCompliance = z.infer<typeof CampaignCompliance>;
