import type { ComplianceFinding } from '#shared/compliance/finding';
import { PATTERNS } from '#shared/compliance/patterns';
import type { DisclaimerRule } from '#shared/compliance/policy';
import { quote, type Rule } from '#shared/compliance/rules/rule';

const normalise = (text: string) => text.replace(PATTERNS.whitespaceRun, ' ').trim().toLowerCase();
const words = (text: string) => normalise(text).match(PATTERNS.words) ?? [];

/** Share of the disclaimer's words still in the text: high means it was there, then edited. */
const wordsKept = (text: string, disclaimer: string): number => {
  const available = new Map<string, number>();
  for (const word of words(text)) available.set(word, (available.get(word) ?? 0) + 1);
  const wanted = words(disclaimer);
  let kept = 0;
  for (const word of wanted) {
    const left = available.get(word) ?? 0;
    if (left > 0) {
      kept += 1;
      available.set(word, left - 1);
    }
  }
  return wanted.length === 0 ? 1 : kept / wanted.length;
};

const EDITED_THRESHOLD = 0.6;

/** What stands before or after a disclaimer, once the other required disclaimers are removed. */
const besides = (part: string, others: readonly DisclaimerRule[]) =>
  others.reduce((rest, other) => rest.replace(normalise(other.text), ''), part).trim();

/**
 * Each required disclaimer must be in the final text: word for word unless the policy lets
 * employees edit it, and at its place (start or end) if it has one. A disclaimer that is mostly
 * there but changed is reported as edited, not missing, so the author knows what happened.
 */
export const disclaimerRule: Rule = ({ text, required }) => {
  const body = normalise(text);
  return required.flatMap((rule): ComplianceFinding[] => {
    const wanted = normalise(rule.text);
    const at = body.indexOf(wanted);
    if (at < 0) {
      const edited = wordsKept(text, rule.text) >= EDITED_THRESHOLD;
      if (edited && rule.editable) return [];
      return [
        {
          ruleId: edited ? 'disclaimer.edited' : 'disclaimer.missing',
          severity: 'block',
          message: edited
            ? `The required disclaimer ${quote(rule.text)} was changed; it must stay word for word`
            : `The required disclaimer ${quote(rule.text)} is missing`,
          suggestion: `Include it exactly: ${rule.text}`,
        },
      ];
    }
    const others = required.filter((r) => r !== rule);
    const misplaced =
      (rule.placement === 'start' && besides(body.slice(0, at), others) !== '') ||
      (rule.placement === 'end' && besides(body.slice(at + wanted.length), others) !== '');
    return misplaced
      ? [
          {
            ruleId: 'disclaimer.placement',
            severity: 'block',
            message: `The disclaimer ${quote(rule.text)} must be at the ${rule.placement} of the post`,
            suggestion: `Move it to the ${rule.placement}`,
          },
        ]
      : [];
  });
};
