import { diffWordsWithSpace } from 'diff';
import { canonicalJson } from '#shared/hash';
import type { FieldChange, TextChange } from '#shared/posts/field-change';
import { contentOf, type PostContent } from '#shared/posts/post';

const textChanges = (before: string, after: string): TextChange[] =>
  diffWordsWithSpace(before, after).map((part) => ({
    kind: part.added ? 'added' : part.removed ? 'removed' : 'same',
    text: part.value,
  }));

const flatten = (content: PostContent): Map<string, unknown> => {
  const fields = new Map<string, unknown>();
  for (const [key, value] of Object.entries(contentOf(content))) {
    if (key === 'variants') {
      content.variants.forEach((variant, i) => {
        fields.set(`variants.${i}.text`, variant.text);
        fields.set(`variants.${i}.networks`, variant.networks ?? null);
      });
    } else {
      fields.set(key, value);
    }
  }
  return fields;
};

/** The fields that differ between two versions, in a stable order; empty when they are equal. */
export const diffContent = (before: PostContent, after: PostContent): FieldChange[] => {
  const a = flatten(before);
  const b = flatten(after);
  const fields = [...new Set([...a.keys(), ...b.keys()])];
  return fields.flatMap((field) => {
    const was = a.get(field) ?? null;
    const now = b.get(field) ?? null;
    if (canonicalJson(was) === canonicalJson(now)) return [];
    const change: FieldChange = { field, before: was, after: now };
    if (typeof was === 'string' && typeof now === 'string') change.text = textChanges(was, now);
    return [change];
  });
};
