import type { Rule } from '#shared/compliance/rules/rule';

/**
 * Shapes of personal data, fixed in code (never taken from a policy, so no pattern a user writes
 * can backtrack). More specific shapes first: a national id is not also reported as a phone.
 */
const SHAPES = [
  { kind: 'national-id', what: 'a US social security number', pattern: /\b\d{3}-\d{2}-\d{4}\b/g },
  {
    kind: 'national-id',
    what: 'a UK National Insurance number',
    pattern: /\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
  },
  { kind: 'medical-record', what: 'a medical record number', pattern: /\bMRN[:#]? ?\d{6,10}\b/gi },
  {
    kind: 'email',
    what: 'an email address',
    pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
  },
  {
    kind: 'phone',
    what: 'a phone number',
    pattern: /(?<![\w/])\+?\d(?:[ ().-]?\d){8,14}(?![\w/])/g,
  },
] as const;

export const personalDataRule: Rule = ({ text, policy }) => {
  if (!policy.policy.personalData) return [];
  const taken: { start: number; end: number }[] = [];
  const overlaps = (start: number, end: number) =>
    taken.some((t) => start < t.end && t.start < end);
  return SHAPES.flatMap(({ kind, what, pattern }) =>
    [...text.matchAll(pattern)].flatMap((match) => {
      const span = { start: match.index, end: match.index + match[0].length };
      if (overlaps(span.start, span.end)) return [];
      taken.push(span);
      return [
        {
          ruleId: `personal-data.${kind}`,
          severity: 'review' as const,
          message: `This looks like ${what}: personal data needs legal's review before it is posted`,
          span,
          suggestion: 'Remove it, or link to a page that carries it',
        },
      ];
    }),
  );
};
