import { PATTERNS } from '#shared/compliance/patterns';
import type { Rule } from '#shared/compliance/rules/rule';

interface Span {
  start: number;
  end: number;
}

const matches = (pattern: RegExp) => (text: string) =>
  [...text.matchAll(pattern)].map((m) => ({ start: m.index, end: m.index + m[0].length }));

/**
 * Email addresses, found from their `@`: the domain by a pattern that cannot backtrack, the local
 * part read backwards (it ends at the previous `@`, so no character is read twice), and the
 * domain cut back to its last alphabetic label, as `name@host.tld`.
 */
const emails = (text: string): Span[] =>
  [...text.matchAll(PATTERNS.emailDomain)].flatMap((m) => {
    let start = m.index;
    while (start > 0 && PATTERNS.emailLocalChar.test(text[start - 1] as string)) start -= 1;
    if (start === m.index) return [];
    const labels = m[0].slice(1).split('.');
    while (labels.length > 1 && !PATTERNS.emailTld.test(labels.at(-1) as string)) labels.pop();
    if (labels.length < 2) return [];
    return [{ start, end: m.index + 1 + labels.join('.').length }];
  });

/**
 * Shapes of personal data, fixed in code (never taken from a policy, so no pattern a user writes
 * can backtrack). More specific shapes first: a national id is not also reported as a phone.
 */
const SHAPES = [
  { kind: 'national-id', what: 'a US social security number', find: matches(PATTERNS.ssn) },
  { kind: 'national-id', what: 'a UK National Insurance number', find: matches(PATTERNS.ukNino) },
  { kind: 'medical-record', what: 'a medical record number', find: matches(PATTERNS.mrn) },
  { kind: 'email', what: 'an email address', find: emails },
  { kind: 'phone', what: 'a phone number', find: matches(PATTERNS.phone) },
] as const;

export const personalDataRule: Rule = ({ text, policy }) => {
  if (!policy.policy.personalData) return [];
  const taken: Span[] = [];
  const overlaps = (start: number, end: number) =>
    taken.some((t) => start < t.end && t.start < end);
  return SHAPES.flatMap(({ kind, what, find }) =>
    find(text).flatMap((span) => {
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
