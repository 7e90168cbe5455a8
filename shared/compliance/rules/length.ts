import type { Rule } from '#shared/compliance/rules/rule';
import { measuredLength, NETWORK_LIMITS } from '#shared/networks/limits';

/** Required text is never cut to fit: a variant that is too long is blocked, by how much said. */
export const lengthRule: Rule = ({ text, network }) => {
  const limits = NETWORK_LIMITS[network];
  const over = measuredLength(text, limits) - limits.maxLength;
  return over > 0
    ? [
        {
          ruleId: 'network.max-length',
          severity: 'block',
          network,
          message: `With its required texts the post is ${over} ${limits.unit === 'graphemes' ? 'characters (graphemes)' : 'characters'} over ${limits.label}'s limit of ${limits.maxLength}`,
          suggestion: `Shorten the copy by at least ${over} characters`,
        },
      ]
    : [];
};
