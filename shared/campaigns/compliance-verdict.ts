import type { CampaignCompliance } from '#shared/campaigns/campaign-compliance';
import { blockedRenderings } from '#shared/compliance/impact';
import type { CompliancePolicy } from '#shared/compliance/policy';
import type { NetworkName } from '#shared/networks/network';
import type { RenderablePost } from '#shared/shares/final-text';

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
