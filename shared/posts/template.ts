/**
 * Template fields in post copy, filled per share: `{{employee.firstName}}`, `{{company}}`. The set
 * is closed so a typo is caught when the author saves, not when thousands of shares go out.
 */
export const TEMPLATE_FIELDS = [
  'employee.firstName',
  'employee.lastName',
  'employee.name',
  'company',
] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];
export type TemplateValues = Record<TemplateField, string>;

/**
 * A field between double braces. The name is trimmed in code: `\s*` around a lazy middle could
 * split a run of spaces in quadratically many ways before failing.
 */
export const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

const isTemplateField = (name: string): name is TemplateField =>
  (TEMPLATE_FIELDS as readonly string[]).includes(name);

/** What is wrong with the placeholders of a text, one sentence each; empty when all is well. */
export const templateProblems = (text: string): string[] => {
  const problems = [...text.matchAll(PLACEHOLDER)]
    .map((match) => (match[1] ?? '').trim())
    .filter((name) => !isTemplateField(name))
    .map(
      (name) =>
        `unknown template field {{${name}}}; known fields: ${TEMPLATE_FIELDS.map((f) => `{{${f}}}`).join(', ')}`,
    );
  const unclosed = text.replace(PLACEHOLDER, '');
  if (unclosed.includes('{{') || unclosed.includes('}}')) {
    problems.push('a template field is not closed: write fields as {{name}}');
  }
  return problems;
};

/** Where a field's value landed in a filled text. */
export interface FilledField {
  field: TemplateField;
  start: number;
  end: number;
}

/** Fills the known fields and says where each value landed, so a reader can see what was filled. */
export const fillTemplateFields = (
  text: string,
  values: TemplateValues,
): { text: string; fields: FilledField[] } => {
  const fields: FilledField[] = [];
  let filled = '';
  let from = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = (match[1] ?? '').trim();
    if (!isTemplateField(name)) continue;
    filled += text.slice(from, match.index);
    fields.push({ field: name, start: filled.length, end: filled.length + values[name].length });
    filled += values[name];
    from = match.index + match[0].length;
  }
  return { text: filled + text.slice(from), fields };
};

export const fillTemplate = (text: string, values: TemplateValues): string =>
  fillTemplateFields(text, values).text;

/** A person's name split the way templates use it; one-word names have no last name. */
export const personValues = (fullName: string): Omit<TemplateValues, 'company'> => {
  const parts = fullName.trim().split(/\s+/);
  return {
    'employee.firstName': parts[0] ?? '',
    'employee.lastName': parts.slice(1).join(' '),
    'employee.name': fullName.trim(),
  };
};
