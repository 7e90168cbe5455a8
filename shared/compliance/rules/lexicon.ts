import { inScope, type Rule } from '#shared/compliance/rules/rule';

/** Words and phrases the policy blocks, sends to legal or warns about, in the post's scope. */
export const lexiconRule: Rule = ({ text, folded, topics, policy }) =>
  policy.lexicon
    .filter((group) => inScope(group.topics, topics))
    .flatMap((group) => group.matcher.find(text, folded))
    .sort((a, b) => a.start - b.start)
    .map(({ entry, start, end, text: match }) => ({
      ruleId: `lexicon.${entry.id}`,
      severity: entry.severity,
      message: entry.message.replaceAll('{match}', match),
      span: { start, end },
      ...(entry.suggestion ? { suggestion: entry.suggestion } : {}),
    }));

/** FDA fair balance and its financial twin: a benefit claim carries its risk in the same post. */
export const fairBalanceRule: Rule = ({ text, folded, topics, policy }) => {
  const risksFor = new Set(policy.risks.find(text, folded).map((m) => m.entry.rule.id));
  const reported = new Set<string>();
  return policy.benefits.find(text, folded).flatMap(({ entry, start, end, text: match }) => {
    const { rule } = entry;
    if (!inScope(rule.topics, topics) || risksFor.has(rule.id) || reported.has(rule.id)) return [];
    reported.add(rule.id);
    return [
      {
        ruleId: `fair-balance.${rule.id}`,
        severity: 'block' as const,
        message: rule.message.replaceAll('{match}', match),
        span: { start, end },
        ...(rule.suggestion ? { suggestion: rule.suggestion } : {}),
      },
    ];
  });
};
