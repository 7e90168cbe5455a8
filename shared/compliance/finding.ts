import { z } from 'zod';

export const Severity = z.enum(['block', 'review', 'warn']);
export type Severity = z.infer<typeof Severity>;

export const ComplianceOutcome = z.enum(['pass', 'review', 'blocked']);
export type ComplianceOutcome = z.infer<typeof ComplianceOutcome>;

/** One thing the engine noticed, explained so a marketer knows what to change. */
export const ComplianceFinding = z.object({
  ruleId: z.string(),
  severity: Severity,
  message: z.string(),
  network: z.string().optional(),
  /** Which copy variant (index) the finding is about. */
  variant: z.number().int().nonnegative().optional(),
  /** Offsets in the final text of that variant for that network. */
  span: z.object({ start: z.number().int(), end: z.number().int() }).optional(),
  suggestion: z.string().optional(),
});
export type ComplianceFinding = z.infer<typeof ComplianceFinding>;

/** A disclaimer the check found the post must carry, as rendering places it. */
export const RequiredDisclaimer = z.object({
  id: z.string(),
  text: z.string(),
  placement: z.enum(['anywhere', 'start', 'end']),
  /** Empty: on every network. */
  networks: z.array(z.string()),
});
export type RequiredDisclaimer = z.infer<typeof RequiredDisclaimer>;

export const ComplianceResult = z.object({
  outcome: ComplianceOutcome,
  regulated: z.boolean(),
  findings: z.array(ComplianceFinding),
  /** Disclaimers the policy requires of this post; part of what an approval binds to. */
  disclaimers: z.array(RequiredDisclaimer),
  policyVersion: z.number().int().positive(),
  checkedAt: z.iso.datetime(),
});
export type ComplianceResult = z.infer<typeof ComplianceResult>;

export const outcomeOf = (findings: readonly ComplianceFinding[]): ComplianceOutcome =>
  findings.some((f) => f.severity === 'block')
    ? 'blocked'
    : findings.some((f) => f.severity === 'review')
      ? 'review'
      : 'pass';
