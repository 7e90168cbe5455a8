import { fillTemplate, type TemplateValues } from '#shared/posts/template';

/** A disclaimer as rendering places it. */
export interface PlacedDisclaimer {
  text: string;
  placement: 'anywhere' | 'start' | 'end';
}

/**
 * The one function that turns approved content into the text a network receives. The compliance
 * check runs on its output, and the share worker publishes its output, so what was checked is
 * exactly what is posted.
 *
 * Order: start disclaimers, the copy (template fields filled), the employment disclosure when the
 * copy does not already carry one, the link, then the other disclaimers. An employee's
 * personalised text is already whole (they edit the rendered text); only its fields are filled.
 */
export interface RenderInput {
  /** One copy variant, template fields and all. */
  copy: string;
  values: TemplateValues;
  link?: string | undefined;
  disclaimers: readonly PlacedDisclaimer[];
  /** The disclosure to add, or undefined when the copy already discloses. */
  disclosure?: string | undefined;
  /** The employee's own version of the whole text, when they personalised it. */
  personalised?: string | undefined;
}

export const renderShareText = (input: RenderInput): string => {
  if (input.personalised !== undefined)
    return fillTemplate(input.personalised.trim(), input.values);
  const at = (placement: PlacedDisclaimer['placement']) =>
    input.disclaimers.filter((d) => d.placement === placement).map((d) => d.text);
  return [
    ...at('start'),
    fillTemplate(input.copy.trim(), input.values),
    input.disclosure,
    input.link,
    ...at('anywhere'),
    ...at('end'),
  ]
    .filter((part): part is string => Boolean(part))
    .join('\n\n');
};

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
