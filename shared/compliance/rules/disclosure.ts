import type { ComplianceFinding } from '#shared/compliance/finding';
import { PATTERNS } from '#shared/compliance/patterns';
import type { Rule } from '#shared/compliance/rules/rule';

/** Three hashtags in a row make a cluster a reader skims past (FTC: not a clear disclosure). */
const CLUSTER = 3;

const inHashtagCluster = (text: string, start: number, end: number): boolean => {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const newline = text.indexOf('\n', end);
  const line = text.slice(lineStart, newline < 0 ? text.length : newline);
  const tokens = [...line.matchAll(PATTERNS.nonSpaceRun)].map((m) => ({
    start: lineStart + m.index,
    end: lineStart + m.index + m[0].length,
    tag: m[0].startsWith('#'),
  }));
  const at = tokens.findIndex((t) => t.start <= start && end <= t.end);
  if (at < 0 || !tokens[at]?.tag) return false;
  let first = at;
  let last = at;
  while (tokens[first - 1]?.tag) first -= 1;
  while (tokens[last + 1]?.tag) last += 1;
  return last - first + 1 >= CLUSTER;
};

/**
 * An employee sharing company content says so, clearly (FTC Endorsement Guides): an accepted form
 * must be in the text, not lost in a run of hashtags; forms like "#ee" or "#spon" do not count.
 */
export const disclosureRule: Rule = ({ text, folded, policy }) => {
  const { disclosure } = policy.policy;
  const found = policy.disclosure.find(text, folded);
  const suggestion = `Add “${disclosure.append}” or say “${disclosure.accepted[1] ?? disclosure.accepted[0]}”`;
  if (found.some((m) => !inHashtagCluster(text, m.start, m.end))) return [];
  if (found.length > 0) {
    const first = found[0] as (typeof found)[number];
    return [
      {
        ruleId: 'disclosure.buried',
        severity: 'block',
        message: `'${first.text}' is lost among hashtags; the disclosure must stand where readers see it`,
        span: { start: first.start, end: first.end },
        suggestion: `Put '${first.text}' at the start or on its own line`,
      },
    ];
  }
  const rejected = policy.rejectedDisclosure.find(text, folded);
  const findings: ComplianceFinding[] = rejected.map((m) => ({
    ruleId: 'disclosure.not-accepted',
    severity: 'block',
    message: `'${m.text}' does not disclose that you work at ${policy.policy.company}`,
    span: { start: m.start, end: m.end },
    suggestion,
  }));
  return [
    ...findings,
    {
      ruleId: 'disclosure.missing',
      severity: 'block',
      message: `The post does not say that you work at ${policy.policy.company}`,
      suggestion,
    },
  ];
};
