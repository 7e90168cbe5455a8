import { fillTemplate, type TemplateValues } from '#shared/posts/template';

/**
 * The one function that turns approved content into the text a network receives. The compliance
 * check runs on its output, and the share worker publishes its output, so what was checked is
 * exactly what is posted.
 */
export interface RenderInput {
  /** One copy variant, template fields and all. */
  copy: string;
  values: TemplateValues;
  link?: string | undefined;
  disclaimers: readonly string[];
}

export const renderShareText = ({ copy, values, link, disclaimers }: RenderInput): string =>
  [fillTemplate(copy.trim(), values), link, ...disclaimers]
    .filter((part): part is string => Boolean(part))
    .join('\n\n');

/**
 * Values a check renders with before any employee is known: long enough that a real name rarely
 * makes the text longer than what was measured.
 */
export const sampleTemplateValues = (company: string): TemplateValues => ({
  'employee.firstName': 'Alexandrina',
  'employee.lastName': 'Featherstonehaugh',
  'employee.name': 'Alexandrina Featherstonehaugh',
  company,
});
