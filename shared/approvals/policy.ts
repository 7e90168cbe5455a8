import { z } from 'zod';
import type { ComplianceResult } from '#shared/compliance/finding';
import { SegmentId } from '#shared/employees/segment';
import { type PostContent, PostFlag, type ReviewPlan, Topic } from '#shared/posts/post';

const StageId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, starting with a letter');

export const ReviewStage = z
  .strictObject({
    id: StageId,
    name: z.string().trim().min(1).max(100),
    role: z.enum(['marketing', 'legal']),
    /** `any`: one eligible reviewer suffices. `all`: every named reviewer must approve. */
    mode: z.enum(['any', 'all']).default('any'),
    /** Named reviewers by email; empty means anyone with the role (except the author). */
    reviewers: z.array(z.email().toLowerCase()).max(20).default([]),
    appliesTo: z.enum(['all', 'regulated', 'unregulated']).default('all'),
  })
  .refine((stage) => stage.mode === 'any' || stage.reviewers.length > 0, {
    message: 'a stage that needs all of its reviewers must name them',
    path: ['reviewers'],
  });
export type ReviewStage = z.infer<typeof ReviewStage>;

const coversRegulated = (stage: ReviewStage) => stage.appliesTo !== 'unregulated';
const coversUnregulated = (stage: ReviewStage) => stage.appliesTo !== 'regulated';

const policyFields = {
  stages: z.array(ReviewStage).min(1).max(5),
  /** A post with no findings at all that is not regulated needs no human review. */
  autoApproveClean: z.boolean().default(false),
  /** After this many days an approved post goes back to review; null: approvals never lapse. */
  approvalValidDays: z.number().int().min(1).max(730).nullable().default(90),
  /** Posts matching any of these are regulated, on top of what the compliance check decides. */
  regulated: z
    .strictObject({
      topics: z.array(Topic).max(50).default([]),
      flags: z.array(PostFlag).default([]),
      segments: z.array(SegmentId).max(50).default([]),
      findingRuleIds: z.array(z.string().min(1).max(100)).max(100).default([]),
    })
    .default({ topics: [], flags: [], segments: [], findingRuleIds: [] }),
};

/** What an admin sends; the server adds version and authorship. */
export const ApprovalPolicyInput = z.strictObject(policyFields).superRefine((policy, ctx) => {
  const ids = policy.stages.map((s) => s.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) {
    ctx.addIssue({
      code: 'custom',
      path: ['stages'],
      message: `stage id ${duplicate} is used twice`,
    });
  }
  if (!policy.stages.some((s) => s.role === 'legal' && coversRegulated(s))) {
    ctx.addIssue({
      code: 'custom',
      path: ['stages'],
      message:
        'regulated posts always need a legal approval: add a legal stage that applies to them',
    });
  }
  if (!policy.stages.some(coversUnregulated)) {
    ctx.addIssue({
      code: 'custom',
      path: ['stages'],
      message: 'unregulated posts need at least one stage that applies to them',
    });
  }
});
export type ApprovalPolicyInput = z.infer<typeof ApprovalPolicyInput>;

export const ApprovalPolicy = z.object({
  ...policyFields,
  version: z.number().int().positive(),
  updatedBy: z.string(),
  updatedAt: z.iso.datetime(),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/**
 * What a new installation starts with: marketing reviews ordinary posts, legal reviews regulated
 * ones, nothing is approved without a person, approvals last 90 days.
 */
export const defaultApprovalPolicy: ApprovalPolicy = {
  version: 1,
  updatedBy: 'system',
  updatedAt: '2026-01-01T00:00:00.000Z',
  stages: [
    {
      id: 'marketing',
      name: 'Marketing review',
      role: 'marketing',
      mode: 'any',
      reviewers: [],
      appliesTo: 'unregulated',
    },
    {
      id: 'legal',
      name: 'Legal review',
      role: 'legal',
      mode: 'any',
      reviewers: [],
      appliesTo: 'regulated',
    },
  ],
  autoApproveClean: false,
  approvalValidDays: 90,
  regulated: { topics: [], flags: ['rxPromotional'], segments: [], findingRuleIds: [] },
};

/** Why a version is regulated, one reason a lawyer can read per rule that matched. */
export const regulationReasons = (
  content: Pick<PostContent, 'topics' | 'flags' | 'segments'>,
  compliance: ComplianceResult,
  policy: ApprovalPolicy,
): string[] => {
  const hits = (label: string, values: readonly string[], listed: readonly string[]) =>
    values.filter((v) => listed.includes(v)).map((v) => `${label} ${v}`);
  const findings = compliance.findings
    .filter((f) => policy.regulated.findingRuleIds.includes(f.ruleId))
    .map((f) => `finding ${f.ruleId}`);
  return [
    ...(compliance.regulated ? ['the compliance check marked it regulated'] : []),
    ...hits('topic', content.topics, policy.regulated.topics),
    ...hits('flag', content.flags, policy.regulated.flags),
    ...hits('segment', content.segments, policy.regulated.segments),
    ...new Set(findings),
  ];
};

/** The review a checked version needs under a policy: which stages, in order, or none at all. */
export const planReview = (
  content: Pick<PostContent, 'topics' | 'flags' | 'segments'>,
  compliance: ComplianceResult,
  policy: ApprovalPolicy,
): ReviewPlan => {
  const reasons = regulationReasons(content, compliance, policy);
  const regulated = reasons.length > 0;
  const stages = policy.stages
    .filter(regulated ? coversRegulated : coversUnregulated)
    .map(({ id, name, role, mode, reviewers }) => ({ id, name, role, mode, reviewers }));
  const clean = compliance.outcome === 'pass' && compliance.findings.length === 0;
  return {
    policyVersion: policy.version,
    regulated,
    reasons,
    stages,
    currentStage: 0,
    autoApproved: policy.autoApproveClean && clean && !regulated,
    approvalValidDays: policy.approvalValidDays,
  };
};
