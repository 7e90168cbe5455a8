import { z } from 'zod';
import { CompliancePolicy, CompliancePolicyInput } from '#shared/compliance/policy';

/**
 * A compliance policy not saved yet, as legal drafts it: its rules, and the version in force it
 * would replace. Checked against texts (a dry run) and against everything approved (its impact)
 * before anyone saves it.
 */
export const CompliancePolicyDraft = z.strictObject({
  policy: CompliancePolicyInput,
  version: z.number().int().positive(),
});
export type CompliancePolicyDraft = z.infer<typeof CompliancePolicyDraft>;

/** A draft as the engine takes it: authored by the caller now, numbered as it would be saved. */
export const draftPolicy = (
  draft: CompliancePolicyDraft,
  caller: { userId: string },
  now: Date,
): CompliancePolicy =>
  CompliancePolicy.parse({
    ...draft.policy,
    version: draft.version + 1,
    updatedBy: caller.userId,
    updatedAt: now.toISOString(),
  });
