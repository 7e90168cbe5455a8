import {
  type ComplianceFinding,
  type ComplianceResult,
  outcomeOf,
} from '#shared/compliance/finding';
import type { CompliancePolicy } from '#shared/compliance/policy';
import { findPhrases } from '#shared/compliance/text-matcher';
import { measuredLength } from '#shared/networks/limits';
import type { TextLimits } from '#shared/networks/network';
import { renderShareText } from '#shared/shares/render';

export interface ComplianceSubject {
  copy: string;
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

const lexiconFindings = (copy: string, policy: CompliancePolicy): ComplianceFinding[] =>
  findPhrases(copy, policy.lexicon).map(({ entry, start, end, text }) => ({
    ruleId: `lexicon.${entry.id}`,
    severity: entry.severity,
    message: entry.message.replaceAll('{match}', text),
    span: { start, end },
    ...(entry.suggestion ? { suggestion: entry.suggestion } : {}),
  }));

const lengthFindings = (text: string, networks: readonly NetworkTarget[]): ComplianceFinding[] =>
  networks.flatMap((network) => {
    const length = measuredLength(text, network.limits);
    const over = length - network.limits.maxLength;
    return over > 0
      ? [
          {
            ruleId: 'network.max-length',
            severity: 'block' as const,
            network: network.name,
            message: `With its required disclaimers the post is ${over} characters over ${network.label}'s limit of ${network.limits.maxLength}`,
            suggestion: `Shorten the copy by at least ${over} characters`,
          },
        ]
      : [];
  });

/**
 * Checks content against a policy, on the final text each network would receive: required
 * disclaimers are appended first, then the rendered text is measured and scanned.
 */
export const checkCompliance = (
  subject: ComplianceSubject,
  policy: CompliancePolicy,
  networks: readonly NetworkTarget[],
  now: Date,
): ComplianceResult => {
  const disclaimers = requiredDisclaimers(policy, subject.topics);
  const text = renderShareText({ copy: subject.copy, link: subject.link, disclaimers });
  const findings = [...lexiconFindings(subject.copy, policy), ...lengthFindings(text, networks)];
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
