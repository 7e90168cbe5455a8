import {
  type ComplianceFinding,
  type ComplianceResult,
  outcomeOf,
} from '#shared/compliance/finding';
import type { CompliancePolicy } from '#shared/compliance/policy';
import { findPhrases } from '#shared/compliance/text-matcher';
import { measuredLength } from '#shared/networks/limits';
import type { NetworkName, TextLimits } from '#shared/networks/network';
import type { CopyVariant } from '#shared/posts/post';
import { renderShareText, sampleTemplateValues } from '#shared/shares/render';

export interface ComplianceSubject {
  variants: readonly CopyVariant[];
  link?: string | undefined;
  topics: readonly string[];
}

export interface NetworkTarget {
  name: string;
  label: string;
  limits: TextLimits;
}

const requiredDisclaimers = (policy: CompliancePolicy, topics: readonly string[]): string[] =>
  policy.disclaimers
    .filter((rule) => rule.topics.length === 0 || rule.topics.some((t) => topics.includes(t)))
    .map((rule) => rule.text);

const lexiconFindings = (
  copy: string,
  variant: number,
  policy: CompliancePolicy,
): ComplianceFinding[] =>
  findPhrases(copy, policy.lexicon).map(({ entry, start, end, text }) => ({
    ruleId: `lexicon.${entry.id}`,
    severity: entry.severity,
    message: entry.message.replaceAll('{match}', text),
    variant,
    span: { start, end },
    ...(entry.suggestion ? { suggestion: entry.suggestion } : {}),
  }));

const lengthFindings = (
  text: string,
  variant: number,
  networks: readonly NetworkTarget[],
): ComplianceFinding[] =>
  networks.flatMap((network) => {
    const length = measuredLength(text, network.limits);
    const over = length - network.limits.maxLength;
    return over > 0
      ? [
          {
            ruleId: 'network.max-length',
            severity: 'block' as const,
            network: network.name,
            variant,
            message: `With its required disclaimers the post is ${over} characters over ${network.label}'s limit of ${network.limits.maxLength}`,
            suggestion: `Shorten the copy by at least ${over} characters`,
          },
        ]
      : [];
  });

/**
 * Checks content against a policy, on the final text each network would receive: every copy
 * variant is rendered with its required disclaimers for each network it is written for, then
 * measured; the author's own words are scanned against the lexicon, with spans in the variant.
 */
export const checkCompliance = (
  subject: ComplianceSubject,
  policy: CompliancePolicy,
  networks: readonly NetworkTarget[],
  now: Date,
): ComplianceResult => {
  const disclaimers = requiredDisclaimers(policy, subject.topics);
  const values = sampleTemplateValues(policy.company);
  const findings = subject.variants.flatMap((variant, i) => {
    const text = renderShareText({ copy: variant.text, values, link: subject.link, disclaimers });
    const targets = variant.networks
      ? networks.filter((n) => variant.networks?.includes(n.name as NetworkName))
      : networks;
    return [...lexiconFindings(variant.text, i, policy), ...lengthFindings(text, i, targets)];
  });
  const outcome = outcomeOf(findings);
  const regulatedTopic = subject.topics.some((t) => policy.regulatedTopics.includes(t));
  return {
    outcome,
    regulated: outcome === 'review' || regulatedTopic,
    findings,
    disclaimers,
    policyVersion: policy.version,
    checkedAt: now.toISOString(),
  };
};
