import { z } from 'zod';
import { Role } from '#shared/auth/roles';
import { COMPLIANCE_CHECK_ACTOR, Decision, type Post, PostStatus } from '#shared/posts/post';

/**
 * Whom a post waits on now: reviewers of a role at a stage, its author (a draft, changes asked
 * for), or the compliance check (submitted). Nothing for a post that waits on no one.
 */
export const WaitingOn = z.discriminatedUnion('on', [
  z.object({
    on: z.literal('review'),
    stage: z.string(),
    role: Role,
    /** Named reviewers; empty: anyone with the role. */
    reviewers: z.array(z.string()),
    /** Which stage of how many this version's review plan has (1-based). */
    stageNumber: z.number().int().positive(),
    stageCount: z.number().int().positive(),
  }),
  z.object({ on: z.literal('author'), authorId: z.string() }),
  z.object({ on: z.literal('compliance_check') }),
]);
export type WaitingOn = z.infer<typeof WaitingOn>;

/**
 * The last decision on the current version (changes asked for, rejected, withdrawn, expired),
 * with the review stage and role it was made at when a reviewer made it.
 */
export const DecisionSummary = Decision.extend({
  stage: z.string().optional(),
  role: Role.optional(),
});
export type DecisionSummary = z.infer<typeof DecisionSummary>;

/** A post as the marketing list shows it: enough to find it and see where it stands. */
export const PostSummary = z.object({
  postId: z.string(),
  title: z.string(),
  status: PostStatus,
  version: z.number().int().positive(),
  authorId: z.string(),
  authorEmail: z.string().optional(),
  segments: z.array(z.string()),
  topics: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  plannedFor: z.iso.datetime().optional(),
  submittedAt: z.iso.datetime().optional(),
  approvedAt: z.iso.datetime().optional(),
  expiresAt: z.iso.datetime().optional(),
  waitingOn: WaitingOn.optional(),
  decision: DecisionSummary.optional(),
});
export type PostSummary = z.infer<typeof PostSummary>;

const waitingOnOf = (post: Post): WaitingOn | undefined => {
  switch (post.status) {
    case 'in_review': {
      const stage = post.review?.stages[post.review.currentStage];
      return stage && post.review
        ? {
            on: 'review',
            stage: stage.name,
            role: stage.role,
            reviewers: stage.reviewers,
            stageNumber: post.review.currentStage + 1,
            stageCount: post.review.stages.length,
          }
        : undefined;
    }
    case 'draft':
    case 'changes_requested':
      return { on: 'author', authorId: post.authorId };
    case 'submitted':
      return { on: 'compliance_check' };
    default:
      return undefined;
  }
};

/** A reviewer decides at the plan's current stage (authorizeReviewer); the check at none. */
const REVIEWER_DECISIONS: readonly Decision['kind'][] = ['rejected', 'changes_requested'];

const decisionOf = (post: Post): DecisionSummary | undefined => {
  const { decision, review } = post;
  if (!decision) return undefined;
  const stage = review?.stages[review.currentStage];
  return REVIEWER_DECISIONS.includes(decision.kind) &&
    stage &&
    decision.by !== COMPLIANCE_CHECK_ACTOR
    ? { ...decision, stage: stage.name, role: stage.role }
    : decision;
};

export const summaryOf = (post: Post): PostSummary => {
  const optional = {
    authorEmail: post.authorEmail,
    plannedFor: post.plannedFor,
    submittedAt: post.submittedAt,
    approvedAt: post.approvedAt,
    expiresAt: post.expiresAt,
    waitingOn: waitingOnOf(post),
    decision: decisionOf(post),
  };
  return {
    postId: post.postId,
    title: post.title,
    status: post.status,
    version: post.version,
    authorId: post.authorId,
    segments: post.segments,
    topics: post.topics,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
};
