import { z } from 'zod';
import { ComplianceFinding, ComplianceOutcome } from '#shared/compliance/finding';
import { Personalisation } from '#shared/personalisations/personalisation';
import { RenderedText } from '#shared/shares/rendered-text';

/*
 * What an employee's own words get back: from PUT /me/personalisations/{postId}/{network} and
 * from the dry run of POST /compliance/check with `share`. Schemas only, so the console types
 * its calls with these very shapes through type-only imports.
 */

export const PersonalisationAnswer = z.object({ personalisation: Personalisation });

export const PersonaliseAnswer = PersonalisationAnswer.extend({
  /** The text as the network would receive it, the locked parts in place, findings in it. */
  rendered: RenderedText,
});
export type PersonaliseAnswer = z.infer<typeof PersonaliseAnswer>;

export const ShareCheckAnswer = z.object({
  outcome: ComplianceOutcome,
  findings: z.array(ComplianceFinding),
  /** The whole text as the network would receive it; the findings' spans are in it. */
  rendered: RenderedText,
});
export type ShareCheckAnswer = z.infer<typeof ShareCheckAnswer>;
