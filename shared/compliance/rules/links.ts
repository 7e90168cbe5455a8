import type { ComplianceFinding } from '#shared/compliance/finding';
import type { Rule } from '#shared/compliance/rules/rule';

/** A URL with a scheme, or a bare "host/path" (how shorteners are usually pasted). */
const LINK = /\bhttps?:\/\/[^\s]+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}\/[^\s]*/gi;

const hostOf = (link: string): string | undefined => {
  try {
    return new URL(/^https?:\/\//i.test(link) ? link : `https://${link}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
};

const within = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** https only, no shorteners that hide where a link goes, and only to allow-listed domains. */
export const linkRule: Rule = ({ text, policy }) => {
  const { allowedDomains, shorteners } = policy.policy.links;
  return [...text.matchAll(LINK)].flatMap((match): ComplianceFinding[] => {
    const link = match[0].replace(/[.,;:!?)\]]+$/, '');
    const span = { start: match.index, end: match.index + link.length };
    const host = hostOf(link);
    if (!host) return [];
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
    if (/^http:\/\//i.test(link)) {
      findings.push({
        ruleId: 'link.not-https',
        severity: 'block',
        message: 'Links must use https://',
        span,
        suggestion: `Use ${link.replace(/^http:/i, 'https:')}`,
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
  });
};
