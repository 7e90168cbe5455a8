import type { ComplianceFinding } from '#shared/compliance/finding';
import { detectLinks } from '#shared/compliance/link-detection';
import type { Rule } from '#shared/compliance/rules/rule';

const within = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/**
 * No shorteners that hide where a link goes, only allow-listed domains, and https wherever a
 * scheme is written. A bare `host.tld` has no scheme to judge, but the networks link it all the
 * same, so its host meets the same allow-list and shortener rules.
 */
export const linkRule: Rule = ({ text, policy }) => {
  const { allowedDomains, shorteners } = policy.policy.links;
  return detectLinks(text).flatMap(
    ({ text: link, start, end, host, scheme }): ComplianceFinding[] => {
      const span = { start, end };
      if (shorteners.some((d) => within(host, d))) {
        return [
          {
            ruleId: 'link.shortener',
            severity: 'block',
            message: `${host} is a link shortener: readers cannot see where it goes`,
            span,
            suggestion: 'Use the full address of the page',
          },
        ];
      }
      const findings: ComplianceFinding[] = [];
      if (scheme !== undefined && scheme !== 'https') {
        findings.push({
          ruleId: 'link.not-https',
          severity: 'block',
          message: 'Links must use https://',
          span,
          suggestion: `Use https://${link.slice(scheme.length + 3)}`,
        });
      }
      if (allowedDomains.length > 0 && !allowedDomains.some((d) => within(host, d))) {
        findings.push({
          ruleId: 'link.domain',
          severity: 'block',
          message: `Links may only go to ${allowedDomains.join(', ')}; ${host} is not one of them`,
          span,
        });
      }
      return findings;
    },
  );
};
