import { z } from 'zod';
import { Severity } from '#shared/compliance/finding';
import { PATTERNS } from '#shared/compliance/patterns';
import { SegmentId } from '#shared/employees/segment';
import { KnownNetwork, NETWORK_LIMITS } from '#shared/networks/limits';
import { PostFlag, Topic } from '#shared/posts/post';

/**
 * Lexicon phrases, disclosure forms and link domains are literal text, never patterns: a policy
 * cannot carry a regular expression that backtracks, and an author of one learns so at once.
 */
const LiteralPhrase = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .refine((phrase) => !PATTERNS.regexSyntax.test(phrase), {
    message: 'phrases are literal text; regular expressions are not accepted',
  });
const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(PATTERNS.policyDomain, 'a domain such as acme.example');
const Jurisdiction = z
  .string()
  .regex(PATTERNS.jurisdiction, 'a two-letter country code such as GB');

export const DisclaimerRule = z.strictObject({
  id: z.string().regex(PATTERNS.ruleId, 'lowercase letters, digits and dashes'),
  text: z.string().trim().min(1).max(1000),
  /** Every condition given must hold; an empty list places no condition. */
  when: z
    .strictObject({
      topics: z.array(Topic).default([]),
      segments: z.array(SegmentId).default([]),
      flags: z.array(PostFlag).default([]),
      networks: z.array(KnownNetwork).default([]),
      jurisdictions: z.array(Jurisdiction).default([]),
    })
    .default({ topics: [], segments: [], flags: [], networks: [], jurisdictions: [] }),
  placement: z.enum(['anywhere', 'start', 'end']).default('end'),
  /** Normally false: the regulator's words, not the employee's. */
  editable: z.boolean().default(false),
});
export type DisclaimerRule = z.infer<typeof DisclaimerRule>;

export const LexiconEntry = z.strictObject({
  id: z.string().regex(PATTERNS.ruleId, 'lowercase letters, digits and dashes'),
  phrase: LiteralPhrase,
  severity: Severity,
  /** What to tell the author, in their terms; `{match}` stands for the words found. */
  message: z.string().trim().min(1).max(500),
  suggestion: z.string().trim().max(500).optional(),
  /** Only in posts on these topics; empty: in every post. */
  topics: z.array(Topic).default([]),
});
export type LexiconEntry = z.infer<typeof LexiconEntry>;

export const FairBalanceRule = z.strictObject({
  id: z.string().regex(PATTERNS.ruleId, 'lowercase letters, digits and dashes'),
  benefits: z.array(LiteralPhrase).min(1),
  risks: z.array(LiteralPhrase).min(1),
  message: z.string().trim().min(1).max(500),
  suggestion: z.string().trim().max(500).optional(),
  topics: z.array(Topic).default([]),
});
export type FairBalanceRule = z.infer<typeof FairBalanceRule>;

const policyFields = {
  /** The company name, as `{{company}}` and the disclosure use it. */
  company: z.string().trim().min(1).max(100),
  disclaimers: z.array(DisclaimerRule).max(100),
  /** The employment disclosure every employee share of company content carries. */
  disclosure: z.strictObject({
    accepted: z.array(LiteralPhrase).min(1),
    /** Forms people use that do not disclose clearly ("#ee", "#spon"). */
    rejected: z.array(LiteralPhrase).default([]),
    /** Appended when the copy carries no accepted form. */
    append: z.string().trim().min(1).max(200),
  }),
  lexicon: z.array(LexiconEntry).max(20_000),
  fairBalance: z.array(FairBalanceRule).max(200).default([]),
  links: z
    .strictObject({
      /** Empty: any https destination except shorteners. */
      allowedDomains: z.array(Domain).default([]),
      shorteners: z.array(Domain).default([]),
    })
    .default({ allowedDomains: [], shorteners: [] }),
  /** Email addresses, phone numbers, national-id and medical-record shapes go to legal. */
  personalData: z.boolean().default(true),
  /** Posts on these topics always go to legal. */
  regulatedTopics: z.array(Topic).default([]),
};

/** What legal sends; the server adds version and authorship. */
export const CompliancePolicyInput = z.strictObject(policyFields).superRefine((policy, ctx) => {
  const unique = (what: string, ids: string[], path: string) => {
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate)
      ctx.addIssue({
        code: 'custom',
        path: [path],
        message: `${what} id ${duplicate} is used twice`,
      });
  };
  unique(
    'disclaimer',
    policy.disclaimers.map((d) => d.id),
    'disclaimers',
  );
  unique(
    'lexicon',
    policy.lexicon.map((e) => e.id),
    'lexicon',
  );
  policy.disclaimers.forEach((rule, i) => {
    const networks = rule.when.networks.length > 0 ? rule.when.networks : KnownNetwork.options;
    for (const network of networks) {
      const { maxLength } = NETWORK_LIMITS[network];
      if ([...rule.text].length > maxLength) {
        ctx.addIssue({
          code: 'custom',
          path: ['disclaimers', i, 'text'],
          message: `is ${[...rule.text].length} characters, longer than ${network}'s limit of ${maxLength}: no post could carry it`,
        });
      }
    }
  });
});
export type CompliancePolicyInput = z.infer<typeof CompliancePolicyInput>;

export const CompliancePolicy = z.object({
  ...policyFields,
  version: z.number().int().positive(),
  updatedBy: z.string(),
  updatedAt: z.iso.datetime(),
});
export type CompliancePolicy = z.infer<typeof CompliancePolicy>;

/**
 * The policy a new installation starts with, for a fictional company "Acme" in finance and
 * health. Legal replaces it over the API (`PUT /policies/compliance`).
 */
export const defaultPolicy: CompliancePolicy = CompliancePolicy.parse({
  version: 1,
  updatedBy: 'system',
  updatedAt: '2026-01-01T00:00:00.000Z',
  company: 'Acme',
  disclaimers: [
    {
      id: 'capital-at-risk',
      text: 'Capital at risk. Past performance does not predict future returns.',
      when: { topics: ['funds', 'investing'] },
    },
    {
      id: 'fca-risk-warning',
      text: 'UK investors: the value of investments can fall as well as rise.',
      when: { topics: ['funds', 'investing'], jurisdictions: ['GB'] },
    },
    {
      id: 'medical-advice',
      text: 'Not medical advice. Talk to your doctor about risks and side effects.',
      when: { topics: ['health'] },
    },
    {
      id: 'testimonial',
      text: 'Testimonial from a client; results vary and were not paid for.',
      when: { flags: ['containsTestimonial'] },
      placement: 'anywhere',
    },
  ],
  disclosure: {
    accepted: ['#AcmeEmployee', 'I work at Acme', 'I work for Acme', 'Acme employee'],
    rejected: ['#ee', '#emp', '#spon', '#sp', '#ad'],
    append: '#AcmeEmployee — views my own.',
  },
  lexicon: [
    {
      id: 'guaranteed-returns',
      phrase: 'guaranteed returns',
      severity: 'block',
      message: "'{match}' is not allowed in posts about funds — remove it or rephrase",
      suggestion: 'Describe the objective instead, e.g. "aims to grow over the long term"',
      topics: ['funds', 'investing'],
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
      id: 'cannot-lose',
      phrase: "can't lose",
      severity: 'block',
      message: "'{match}' is not allowed: every investment can lose value",
      topics: ['funds', 'investing'],
    },
    {
      id: 'double-your-money',
      phrase: 'double your money',
      severity: 'block',
      message: "'{match}' is not allowed in posts about money",
    },
    {
      id: 'no-side-effects',
      phrase: 'no side effects',
      severity: 'block',
      message: "'{match}' is not allowed: every treatment can have side effects",
      topics: ['health'],
    },
    {
      id: 'cure',
      phrase: 'cure',
      severity: 'review',
      message: "'{match}' is a medical claim: legal must review it",
      topics: ['health'],
    },
    {
      id: 'best-in-class',
      phrase: 'best in class',
      severity: 'warn',
      message: "'{match}' is a superlative that needs evidence",
    },
  ],
  fairBalance: [
    {
      id: 'health-benefit-risk',
      benefits: ['lowers cholesterol', 'relieves pain', 'reduces symptoms', 'clinically proven'],
      risks: ['side effect', 'may cause', 'risks include', 'talk to your doctor'],
      message: "'{match}' states a benefit without its most serious risk in the same post",
      suggestion: 'Add the main risk, e.g. "May cause dizziness; talk to your doctor."',
      topics: ['health'],
    },
    {
      id: 'investment-benefit-risk',
      benefits: ['high returns', 'outperform', 'grow your savings', 'beat the market'],
      risks: ['capital at risk', 'may lose', 'can fall', 'past performance'],
      message: "'{match}' states a benefit without the risk that goes with it",
      suggestion: 'Add "Capital at risk." next to it',
      topics: ['funds', 'investing'],
    },
  ],
  links: {
    allowedDomains: ['acme.example', 'careers.acme.example', 'www.acme.example'],
    shorteners: ['bit.ly', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'buff.ly', 'is.gd', 'lnkd.in'],
  },
  personalData: true,
  regulatedTopics: ['funds', 'investing', 'health'],
});
