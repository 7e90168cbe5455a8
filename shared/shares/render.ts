import { type FilledField, fillTemplateFields, type TemplateValues } from '#shared/posts/template';

/** A disclaimer as rendering places it. */
export interface PlacedDisclaimer {
  /** The policy's id for it, when it came from one: named in the rendered text's parts. */
  id?: string | undefined;
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

/**
 * One piece of a rendered text and where it sits. Everything but `copy` is placed by Chorus, and
 * is what an employee's edit can neither drop nor change.
 */
export interface RenderedPart {
  kind: 'disclaimer' | 'copy' | 'disclosure' | 'link';
  /** The disclaimer's policy id, for a disclaimer that has one. */
  id?: string;
  start: number;
  end: number;
}

export interface RenderedShareText {
  text: string;
  parts: RenderedPart[];
  /** Where template fields were filled, in `text`. */
  fields: FilledField[];
}

const SEPARATOR = '\n\n';

/** The rendered text with where each part and each filled field sits in it. */
export const renderShareParts = (input: RenderInput): RenderedShareText => {
  if (input.personalised !== undefined) {
    const { text, fields } = fillTemplateFields(input.personalised.trim(), input.values);
    return { text, parts: [{ kind: 'copy', start: 0, end: text.length }], fields };
  }
  const at = (placement: PlacedDisclaimer['placement']) =>
    input.disclaimers
      .filter((d) => d.placement === placement)
      .map((d) => ({ kind: 'disclaimer' as const, id: d.id, text: d.text, fields: [] }));
  const copy = fillTemplateFields(input.copy.trim(), input.values);
  const pieces = [
    ...at('start'),
    { kind: 'copy' as const, id: undefined, ...copy },
    { kind: 'disclosure' as const, id: undefined, text: input.disclosure ?? '', fields: [] },
    { kind: 'link' as const, id: undefined, text: input.link ?? '', fields: [] },
    ...at('anywhere'),
    ...at('end'),
  ].filter((piece) => Boolean(piece.text));
  let text = '';
  const parts: RenderedPart[] = [];
  const fields: FilledField[] = [];
  for (const piece of pieces) {
    if (text) text += SEPARATOR;
    const start = text.length;
    text += piece.text;
    parts.push({
      kind: piece.kind,
      ...(piece.id ? { id: piece.id } : {}),
      start,
      end: text.length,
    });
    fields.push(...piece.fields.map((f) => ({ ...f, start: f.start + start, end: f.end + start })));
  }
  return { text, parts, fields };
};

export const renderShareText = (input: RenderInput): string => renderShareParts(input).text;

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
