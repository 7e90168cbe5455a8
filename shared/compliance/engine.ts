import { compilePolicy } from '#shared/compliance/compiled-policy';
import {
  type ComplianceFinding,
  type ComplianceResult,
  outcomeOf,
  type RequiredDisclaimer,
} from '#shared/compliance/finding';
import type { CompliancePolicy, DisclaimerRule } from '#shared/compliance/policy';
import { disclaimerRule } from '#shared/compliance/rules/disclaimers';
import { disclosureRule } from '#shared/compliance/rules/disclosure';
import { lengthRule } from '#shared/compliance/rules/length';
import { fairBalanceRule, lexiconRule } from '#shared/compliance/rules/lexicon';
import { linkRule } from '#shared/compliance/rules/links';
import { personalDataRule } from '#shared/compliance/rules/personal-data';
import type { Rule } from '#shared/compliance/rules/rule';
import { foldText } from '#shared/compliance/text-matcher';
import { KnownNetwork } from '#shared/networks/limits';
import type { CopyVariant, PostContent } from '#shared/posts/post';
import type { TemplateValues } from '#shared/posts/template';
import {
  type PlacedDisclaimer,
  type RenderedShareText,
  renderShareParts,
  renderShareText,
  sampleTemplateValues,
} from '#shared/shares/render';

const RULES: readonly Rule[] = [
  disclaimerRule,
  disclosureRule,
  lexiconRule,
  fairBalanceRule,
  linkRule,
  personalDataRule,
  lengthRule,
];

/** What a post is about, for the rules that depend on it. */
export interface CheckSubject {
  topics: readonly string[];
  segments: readonly string[];
  flags: readonly string[];
}

/** Where a text goes: a network, and for a share the employee's jurisdiction. */
export interface CheckTarget {
  network: KnownNetwork;
  jurisdiction?: string | undefined;
}

const holds = (required: readonly string[], actual: readonly string[]) =>
  required.length === 0 || required.some((value) => actual.includes(value));

/**
 * The disclaimers a text must carry. Jurisdiction-bound ones apply only once a jurisdiction is
 * known, i.e. for a share; a post's own check covers the rest.
 */
export const disclaimersFor = (
  policy: CompliancePolicy,
  subject: CheckSubject,
  target: CheckTarget,
): DisclaimerRule[] =>
  policy.disclaimers.filter(
    ({ when }) =>
      holds(when.topics, subject.topics) &&
      holds(when.segments, subject.segments) &&
      holds(when.flags, subject.flags) &&
      holds(when.networks, [target.network]) &&
      (when.jurisdictions.length === 0 ||
        (target.jurisdiction !== undefined && when.jurisdictions.includes(target.jurisdiction))),
  );

/** Every rule, on one final text for one network. */
export const checkText = (
  text: string,
  subject: CheckSubject,
  target: CheckTarget,
  policy: CompliancePolicy,
): ComplianceFinding[] => {
  const input = {
    text,
    folded: foldText(text),
    network: target.network,
    topics: subject.topics,
    required: disclaimersFor(policy, subject, target),
    policy: compilePolicy(policy),
  };
  return RULES.flatMap((rule) => rule(input));
};

/**
 * The final text of one variant for one network, as the share worker renders it: the required
 * disclaimers placed, and the employment disclosure added unless the copy already carries one.
 * With where each part sits, for showing which parts are Chorus's and which the author's.
 */
export const renderFinalParts = (input: {
  copy: string;
  link?: string | undefined;
  values: TemplateValues;
  disclaimers: readonly PlacedDisclaimer[];
  policy: CompliancePolicy;
  personalised?: string | undefined;
}): RenderedShareText => {
  const copy = renderShareText({ copy: input.copy, values: input.values, disclaimers: [] });
  const discloses = compilePolicy(input.policy).disclosure.find(copy).length > 0;
  return renderShareParts({
    ...input,
    disclosure: discloses ? undefined : input.policy.disclosure.append,
  });
};

export const renderFinalText = (input: Parameters<typeof renderFinalParts>[0]): string =>
  renderFinalParts(input).text;

/**
 * Disclaimers that depend on where the employee is: not part of the post's approval (no
 * employee is known then), added when a share is rendered and checked like the rest.
 */
export const jurisdictionDisclaimers = (
  policy: CompliancePolicy,
  subject: CheckSubject,
  target: CheckTarget,
): DisclaimerRule[] =>
  target.jurisdiction === undefined
    ? []
    : disclaimersFor(policy, subject, target).filter((d) => d.when.jurisdictions.length > 0);

/** The approved disclaimers a post carries on one network. */
export const disclaimersOn = (
  disclaimers: readonly RequiredDisclaimer[],
  network: string,
): RequiredDisclaimer[] =>
  disclaimers.filter((d) => d.networks.length === 0 || d.networks.includes(network));

const targetsOf = (variant: CopyVariant, networks: readonly KnownNetwork[]) =>
  variant.networks ? networks.filter((n) => variant.networks?.includes(n)) : networks;

/**
 * Checks a post on the final text of every variant for every network it can go to. Findings
 * that do not depend on the network are reported once per variant; length and placement ones
 * name their network.
 */
export const checkCompliance = (
  post: Pick<PostContent, 'variants' | 'link'> & CheckSubject,
  policy: CompliancePolicy,
  now: Date,
  networks: readonly KnownNetwork[] = KnownNetwork.options,
): ComplianceResult => {
  const values = sampleTemplateValues(policy.company);
  const seen = new Set<string>();
  const findings = post.variants.flatMap((variant, index) =>
    targetsOf(variant, networks).flatMap((network) => {
      const text = renderFinalText({
        copy: variant.text,
        link: post.link,
        values,
        disclaimers: disclaimersFor(policy, post, { network }),
        policy,
      });
      return checkText(text, post, { network }, policy).flatMap((finding) => {
        const key = `${index}|${finding.ruleId}|${finding.network ?? ''}|${finding.message}`;
        if (seen.has(key)) return [];
        seen.add(key);
        return [{ ...finding, variant: index, ...(finding.span ? { network } : {}) }];
      });
    }),
  );
  const outcome = outcomeOf(findings);
  const disclaimers: RequiredDisclaimer[] = policy.disclaimers
    .filter((rule) => rule.when.jurisdictions.length === 0)
    .filter((rule) =>
      networks.some((network) => disclaimersFor(policy, post, { network }).includes(rule)),
    )
    .map(({ id, text, placement, when }) => ({ id, text, placement, networks: when.networks }));
  return {
    outcome,
    regulated: outcome === 'review' || post.topics.some((t) => policy.regulatedTopics.includes(t)),
    findings,
    disclaimers,
    policyVersion: policy.version,
    checkedAt: now.toISOString(),
  };
};
