import { z } from 'zod';
import { ComplianceFinding, ComplianceOutcome } from '#shared/compliance/finding';
import { KnownNetwork } from '#shared/networks/limits';
import { TEMPLATE_FIELDS } from '#shared/posts/template';

const Span = { start: z.number().int().nonnegative(), end: z.number().int().nonnegative() };

/**
 * One variant of a post as one network would receive it, with what a reader of the console needs
 * to make sense of it: which parts Chorus places (locked), where the reader's data was filled,
 * how long the network counts it, and every finding with its span in exactly this text.
 */
export const RenderedText = z.object({
  variant: z.number().int().nonnegative(),
  network: KnownNetwork,
  text: z.string(),
  /** `copy` is the author's (or the employee's) words; every other part is placed by Chorus. */
  parts: z.array(
    z.object({
      kind: z.enum(['disclaimer', 'copy', 'disclosure', 'link']),
      id: z.string().optional(),
      ...Span,
    }),
  ),
  /** Whose data fills the template fields: the employee's, or a sample person's (no reader yet). */
  reader: z.enum(['employee', 'sample']),
  fields: z.array(z.object({ field: z.enum(TEMPLATE_FIELDS), ...Span })),
  /**
   * The link part: `tracked` is the share's own tracked link; `stand-in` has the shape and length
   * of one (no share exists yet), so length limits apply as they will.
   */
  link: z.object({ destination: z.string(), posted: z.enum(['tracked', 'stand-in']) }).optional(),
  length: z.object({
    counted: z.number().int().nonnegative(),
    limit: z.number().int().positive(),
    unit: z.enum(['codePoints', 'graphemes']),
  }),
  outcome: ComplianceOutcome,
  /** Every finding on this text; a span is a [start, end) range of `text`. */
  findings: z.array(ComplianceFinding),
  policyVersion: z.number().int().positive(),
});
export type RenderedText = z.infer<typeof RenderedText>;
