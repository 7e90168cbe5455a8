import { z } from 'zod';
import { Severity } from '#shared/compliance/finding';

export const LexiconEntry = z.object({
  id: z.string(),
  phrase: z.string().min(1),
  severity: Severity,
  /** What to tell the author, in their terms. */
  message: z.string(),
  suggestion: z.string().optional(),
});
export type LexiconEntry = z.infer<typeof LexiconEntry>;

export const DisclaimerRule = z.object({
  id: z.string(),
  text: z.string().min(1),
  /** Empty: required on every post. Otherwise: on posts with any of these topics. */
  topics: z.array(z.string()),
});
export type DisclaimerRule = z.infer<typeof DisclaimerRule>;

export const CompliancePolicy = z.object({
  version: z.number().int().positive(),
  /** The company name, as template fields (`{{company}}`) and disclosures use it. */
  company: z.string().min(1),
  disclaimers: z.array(DisclaimerRule),
  lexicon: z.array(LexiconEntry),
  /** Posts on these topics always go to legal. */
  regulatedTopics: z.array(z.string()),
});
export type CompliancePolicy = z.infer<typeof CompliancePolicy>;

/**
 * The policy a new installation starts with, for a fictional company "Acme". Legal replaces it
 * through the API once policy management exists; until then every check records version 1.
 */
export const defaultPolicy: CompliancePolicy = {
  version: 1,
  company: 'Acme',
  disclaimers: [
    { id: 'employment-disclosure', text: '#AcmeEmployee — views my own.', topics: [] },
    {
      id: 'capital-at-risk',
      text: 'Capital at risk. Past performance does not predict future returns.',
      topics: ['funds', 'investing'],
    },
  ],
  lexicon: [
    {
      id: 'guaranteed-returns',
      phrase: 'guaranteed returns',
      severity: 'block',
      message: "'guaranteed returns' is not allowed: no return can be promised",
      suggestion: 'Describe the objective instead, e.g. "aims to grow over the long term"',
    },
    {
      id: 'guarantee',
      phrase: 'guarantee',
      severity: 'review',
      message: "'{match}' promises an outcome: legal must review it",
      suggestion: 'Say what the product does rather than what it guarantees',
    },
    {
      id: 'risk-free',
      phrase: 'risk free',
      severity: 'review',
      message: "'{match}' claims there is no risk: legal must review it",
    },
    {
      id: 'best-in-class',
      phrase: 'best in class',
      severity: 'warn',
      message: "'{match}' is a superlative that needs evidence",
    },
  ],
  regulatedTopics: ['funds', 'investing', 'health'],
};
