import { z } from 'zod';
import { ComplianceFinding } from '#shared/compliance/finding';

// Schemas only (zod and pure schemas), so the console can import its type.

/** One variant on one network as a policy would block it, for the readers in `jurisdictions`. */
export const BlockedRendering = z.object({
  variant: z.number().int().nonnegative(),
  network: z.string(),
  /** The recipients' jurisdictions this text goes to; `null` stands for people with none. */
  jurisdictions: z.array(z.string().nullable()),
  /** The text as the share worker would post it (a stand-in for the tracked link). */
  text: z.string(),
  /** Only the findings that block, spanned in `text`. */
  findings: z.array(ComplianceFinding),
});
export type BlockedRendering = z.infer<typeof BlockedRendering>;
