import { z } from 'zod';
import { BlockedRendering } from '#shared/compliance/blocked-rendering';
import { blockedRenderings } from '#shared/compliance/impact';
import type { CompliancePolicy } from '#shared/compliance/policy';
import type { NetworkName } from '#shared/networks/network';
import type { RenderablePost } from '#shared/shares/final-text';

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

/**
 * Checks every text a campaign would send — each variant on each network, for a reader in each
 * of `jurisdictions` (`null`: people with none) — against `policy`, as the share worker will.
 */
export const campaignCompliance = (
  subject: {
    post: RenderablePost;
    networks: readonly NetworkName[];
    jurisdictions: readonly (string | null)[];
    linkBase: string;
  },
  policy: CompliancePolicy,
): CampaignCompliance => {
  const found = blockedRenderings(subject, policy);
  const verdict =
    found.blocked === 0 ? 'passes' : found.blocked === found.checked ? 'blocks_all' : 'blocks_some';
  return {
    policyVersion: policy.version,
    verdict,
    renderings: found.renderings,
    truncated: found.truncated,
  };
};

/**
 * Every kind of reader the policy tells apart: people with no jurisdiction, and each
 * jurisdiction a disclaimer is bound to (anyone elsewhere reads what the first do). A text
 * blocked for all of them is blocked for whoever receives it.
 */
export const readerKindsOf = (policy: CompliancePolicy): (string | null)[] => [
  null,
  ...new Set(policy.disclaimers.flatMap((rule) => rule.when.jurisdictions)),
];

/** Why a campaign is refused: the blocking findings, said once each. */
export const blockedBecause = (compliance: CampaignCompliance): string => {
  const reasons = [
    ...new Set(
      compliance.renderings.flatMap((r) => r.findings.map((f) => `${r.network}: ${f.message}`)),
    ),
  ];
  return reasons.slice(0, 5).join('; ');
};
