import { z } from 'zod';
import { ComplianceResult } from '#shared/compliance/finding';
import { RenderedText } from '#shared/shares/rendered-text';

/*
 * What an author's dry run of a whole draft (POST /compliance/check with `post`) gets back.
 * Schemas only, so the console's compose screen types the call with this very shape.
 */
export const DraftCheckAnswer = z.object({
  result: ComplianceResult,
  /**
   * Each variant as each network it goes to would receive it: the required disclaimers and the
   * disclosure placed, a stand-in tracked link, the length as that network counts it, and the
   * findings spanned in exactly that text. Networks: the deployment's and those a variant names.
   */
  rendered: z.array(RenderedText),
});
export type DraftCheckAnswer = z.infer<typeof DraftCheckAnswer>;
