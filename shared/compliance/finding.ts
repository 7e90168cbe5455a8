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
  span: z.object({ start: z.number().int(), end: z.number().int() }).optional(),
  suggestion: z.string().optional(),
});
export type ComplianceFinding = z.infer<typeof ComplianceFinding>;

export const ComplianceResult = z.object({
  outcome: ComplianceOutcome,
  regulated: z.boolean(),
  findings: z.array(ComplianceFinding),
  /** Disclaimer texts the policy requires, in the order they are appended. */
  disclaimers: z.array(z.string()),
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
