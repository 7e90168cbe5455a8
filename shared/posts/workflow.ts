import type { Caller } from '#shared/auth/roles';
import type { ComplianceResult } from '#shared/compliance/finding';
import { ConflictError, ForbiddenError, ValidationError } from '#shared/errors';
import { allowedFrom } from '#shared/posts/allowed-actions';
import { contentHashOf } from '#shared/posts/content-hash';
import { isContributor, withContributor } from '#shared/posts/contributors';
import {
  type Approval,
  COMPLIANCE_CHECK_ACTOR,
  type Post,
  type PostContent,
  type PostStatus,
  type ReviewPlan,
  type ReviewStagePlan,
} from '#shared/posts/post';
import { contributorsAmong, noEligibleReviewer } from '#shared/posts/reviewers';

/**
 * The post state machine as one pure function: the post and what happened in, the next post out,
 * or a ConflictError (the state does not allow it) or ForbiddenError (not this person).
 *
 *   draft → submitted → compliance_checked → in_review (stage 1..n) → approved → scheduled
 *                                          ↘ changes_requested (blocked)   ↘ expired / withdrawn
 *   in_review → changes_requested → (edit) → draft … ; in_review → rejected
 */
export type PostAction =
  | { type: 'edit'; by: Caller; content: PostContent; plannedFor?: string | undefined }
  | { type: 'submit'; by: Caller }
  | { type: 'complianceChecked'; compliance: ComplianceResult }
  | { type: 'startReview'; plan: ReviewPlan }
  | { type: 'approve'; by: Caller; version: number; comment?: string | undefined }
  | { type: 'reject'; by: Caller; version: number; reason: string }
  | { type: 'requestChanges'; by: Caller; version: number; comment: string }
  | { type: 'schedule' }
  | { type: 'expire' }
  | { type: 'lapse' }
  | {
      type: 'nameReviewers';
      by: Caller;
      version: number;
      stageId: string;
      reviewers: readonly string[];
    }
  | { type: 'withdraw'; by: Caller; reason: string }
  | { type: 'delete'; by: Caller };

/** Where each action may start; typed here so that a new action without an entry fails to compile. */
const allowedFromStatus: Record<PostAction['type'], readonly PostStatus[]> = allowedFrom;

export { allowedFromStatus as allowedFrom };

const DAY_MS = 86_400_000;
const words = (status: PostStatus) => status.replaceAll('_', ' ');
const verb = (type: PostAction['type']) => type.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

/** Everything a version earned (check, review, approvals) is void once its content changes. */
const unreviewed = (post: Post): Post => {
  const {
    compliance: _c,
    review: _r,
    approvedAt: _a,
    approvalExpiresAt: _e,
    decision: _d,
    ...rest
  } = post;
  return { ...rest, approvals: [] };
};

const currentStage = (post: Post): ReviewStagePlan => {
  const stage = post.review?.stages[post.review.currentStage];
  if (!stage) throw new ConflictError(`Post ${post.postId} has no review stage open`);
  return stage;
};

/** Whoever wrote or edited any version of the post cannot review it. */
const isOwnPost = (post: Post, caller: Caller): boolean =>
  caller.userId === post.authorId ||
  caller.userId === post.editedBy ||
  isContributor(post.contributors, caller);

/**
 * Who may act on the open review stage: someone with its role, named in it if it names people,
 * who neither wrote this post nor already approved a stage of this version.
 */
export const authorizeReviewer = (post: Post, caller: Caller): ReviewStagePlan => {
  const stage = currentStage(post);
  if (!caller.roles.includes(stage.role)) {
    throw new ForbiddenError(`The ${stage.name} stage needs a ${stage.role} reviewer`);
  }
  if (isOwnPost(post, caller)) {
    throw new ForbiddenError('Nobody may review their own post');
  }
  if (stage.reviewers.length > 0 && !stage.reviewers.includes(caller.email ?? '')) {
    throw new ForbiddenError(`The ${stage.name} stage is for named reviewers only`);
  }
  if (post.approvals.some((a) => a.approverId === caller.userId)) {
    throw new ForbiddenError(
      'You already approved this version; another reviewer must take this stage',
    );
  }
  return stage;
};

const assertSameVersion = (post: Post, version: number) => {
  if (version !== post.version) {
    throw new ConflictError(
      `Post ${post.postId} is at version ${post.version}, not ${version}: it changed since you opened it`,
    );
  }
};

export const isStageSatisfied = (
  stage: ReviewStagePlan,
  approvals: readonly Approval[],
): boolean => {
  const ofStage = approvals.filter((a) => a.stageId === stage.id);
  return stage.mode === 'any'
    ? ofStage.length > 0
    : stage.reviewers.every((email) => ofStage.some((a) => a.approverEmail === email));
};

const approvedNow = (post: Post, at: Date): Post => {
  const days = post.review?.approvalValidDays ?? null;
  return {
    ...post,
    status: 'approved',
    approvedAt: at.toISOString(),
    lastApprovedVersion: post.version,
    ...(days === null
      ? {}
      : { approvalExpiresAt: new Date(at.getTime() + days * DAY_MS).toISOString() }),
  };
};

const approve = (post: Post, action: Extract<PostAction, { type: 'approve' }>, at: Date): Post => {
  assertSameVersion(post, action.version);
  const stage = authorizeReviewer(post, action.by);
  const review = post.review as ReviewPlan;
  const approval: Approval = {
    postId: post.postId,
    version: post.version,
    contentHash: contentHashOf(post),
    stageId: stage.id,
    role: stage.role,
    approverId: action.by.userId,
    ...(action.by.email ? { approverEmail: action.by.email } : {}),
    policyVersion: review.policyVersion,
    approvedAt: at.toISOString(),
    ...(action.comment ? { comment: action.comment } : {}),
  };
  return advanceIfSatisfied({ ...post, approvals: [...post.approvals, approval] }, at);
};

/** Moves past the open stage once its approvals suffice; approved after the last one. */
const advanceIfSatisfied = (post: Post, at: Date): Post => {
  const review = post.review as ReviewPlan;
  if (!isStageSatisfied(currentStage(post), post.approvals)) return post;
  const next = review.currentStage + 1;
  const advanced = { ...post, review: { ...review, currentStage: next } };
  return next >= review.stages.length ? approvedNow(advanced, at) : advanced;
};

/**
 * An admin names who reviews the open stage of this version in place of reviewers who wrote or
 * edited the post. Only then: a stage whose named reviewers can still act is not the admin's to
 * rewrite, and an `all` stage keeps as many approvals to collect as it had (each writer is
 * replaced by someone new, never dropped). A stage open to its whole role may be narrowed to
 * named people of that role; it still needs one approval. The named must not have written any
 * of the post either.
 */
const nameReviewers = (
  post: Post,
  action: Extract<PostAction, { type: 'nameReviewers' }>,
  at: Date,
): Post => {
  if (!action.by.roles.includes('admin')) {
    throw new ForbiddenError('Only an admin names the reviewers of a post');
  }
  assertSameVersion(post, action.version);
  const review = post.review as ReviewPlan;
  const index = review.stages.findIndex((s) => s.id === action.stageId);
  if (index === -1) {
    throw new ValidationError(`This review has no stage ${action.stageId}`, [
      { field: 'stageId', message: `one of ${review.stages.map((s) => s.id).join(', ')}` },
    ]);
  }
  const stage = review.stages[index] as ReviewStagePlan;
  if (index !== review.currentStage) {
    throw new ConflictError(
      `Only the open stage's reviewers can be named; the ${stage.name} stage is not open`,
    );
  }
  const writers = contributorsAmong(post, action.reviewers);
  if (writers.length > 0) {
    throw new ValidationError('Nobody who wrote or edited the post may review it', [
      { field: 'reviewers', message: `${writers.join(', ')} wrote or edited this post` },
    ]);
  }
  const reviewers = [...new Set(action.reviewers)];
  if (stage.reviewers.length > 0) {
    if (!noEligibleReviewer(post)) {
      throw new ConflictError(
        `The ${stage.name} stage still has eligible reviewers; an admin names others only when none is left`,
      );
    }
    if (stage.mode === 'all') {
      const replaced = contributorsAmong(post, stage.reviewers);
      const kept = stage.reviewers.filter((email) => !replaced.includes(email));
      const added = reviewers.filter((email) => !kept.includes(email));
      if (added.length < replaced.length) {
        throw new ValidationError(
          `Name ${replaced.length} new reviewer(s) in place of ${replaced.join(', ')}: every one of them must approve`,
          [{ field: 'reviewers', message: `at least ${replaced.length} not already in the stage` }],
        );
      }
      reviewers.splice(0, reviewers.length, ...kept, ...added);
    }
  }
  const stages = review.stages.map((s, i) =>
    i === index ? { ...s, reviewers, namedBy: action.by.userId } : s,
  );
  // An `all` stage some of whose kept reviewers approved already may be satisfied now.
  return advanceIfSatisfied({ ...post, review: { ...review, stages } }, at);
};

const decide = (post: Post, action: PostAction, at: Date): Post => {
  const now = at.toISOString();
  switch (action.type) {
    case 'edit':
      return {
        ...unreviewed(post),
        ...action.content,
        ...(action.plannedFor ? { plannedFor: action.plannedFor } : {}),
        status: 'draft',
        version: post.version + 1,
        editedBy: action.by.userId,
        contributors: withContributor(post.contributors, action.by),
      };
    case 'submit':
      return { ...post, status: 'submitted', submittedAt: now };
    case 'complianceChecked':
      return { ...post, status: 'compliance_checked', compliance: action.compliance };
    case 'startReview': {
      if (post.compliance?.outcome === 'blocked') {
        const blockers = post.compliance.findings.filter((f) => f.severity === 'block');
        return {
          ...post,
          status: 'changes_requested',
          review: action.plan,
          decision: {
            kind: 'changes_requested',
            by: COMPLIANCE_CHECK_ACTOR,
            at: now,
            reason: blockers.map((f) => f.message).join('; '),
          },
        };
      }
      const started = { ...post, status: 'in_review' as const, review: action.plan };
      return action.plan.autoApproved || action.plan.stages.length === 0
        ? approvedNow(started, at)
        : started;
    }
    case 'approve':
      return approve(post, action, at);
    case 'nameReviewers':
      return nameReviewers(post, action, at);
    case 'reject':
    case 'requestChanges': {
      assertSameVersion(post, action.version);
      authorizeReviewer(post, action.by);
      const rejecting = action.type === 'reject';
      return {
        ...post,
        status: rejecting ? 'rejected' : 'changes_requested',
        decision: {
          kind: rejecting ? 'rejected' : 'changes_requested',
          by: action.by.userId,
          at: now,
          reason: rejecting ? action.reason : action.comment,
        },
      };
    }
    case 'schedule':
      return { ...post, status: 'scheduled', everScheduled: true };
    case 'expire':
      return {
        ...post,
        status: 'expired',
        decision: { kind: 'expired', by: 'system', at: now, reason: 'its expiry date passed' },
      };
    case 'lapse':
      // Re-review starts from a fresh check under the policies in force now.
      return {
        ...unreviewed(post),
        status: 'submitted',
        submittedAt: now,
        decision: {
          kind: 'lapsed',
          by: 'system',
          at: now,
          reason: 'its approval is older than the policy allows',
        },
      };
    case 'withdraw':
      return {
        ...post,
        status: 'withdrawn',
        decision: { kind: 'withdrawn', by: action.by.userId, at: now, reason: action.reason },
      };
    case 'delete':
      if (post.everScheduled) {
        throw new ConflictError(
          `Post ${post.postId} was shared and stays on the record; withdraw it instead`,
        );
      }
      return {
        ...post,
        status: 'deleted',
        decision: { kind: 'deleted', by: action.by.userId, at: now, reason: 'deleted by its team' },
      };
  }
};

export const transition = (post: Post, action: PostAction, at: Date): Post => {
  if (!allowedFromStatus[action.type].includes(post.status)) {
    throw new ConflictError(
      `Cannot ${verb(action.type)} post ${post.postId} while it is ${words(post.status)}`,
    );
  }
  return { ...decide(post, action, at), updatedAt: at.toISOString(), revision: post.revision + 1 };
};

/** Live content whose expiry or approval lifetime has passed is not live any more. */
export const deadlineOf = (
  post: Pick<Post, 'expiresAt' | 'approvalExpiresAt'>,
): string | undefined =>
  [post.expiresAt, post.approvalExpiresAt].filter((d): d is string => Boolean(d)).sort()[0];

export const isLiveAt = (post: Post, at: Date): boolean => {
  if (post.status !== 'approved' && post.status !== 'scheduled') return false;
  const deadline = deadlineOf(post);
  return deadline === undefined || deadline > at.toISOString();
};

/** The action a deadline sweep applies: expiry wins over a lapsed approval. */
export const deadlineAction = (post: Post, at: Date): 'expire' | 'lapse' | undefined => {
  const now = at.toISOString();
  if (post.expiresAt && post.expiresAt <= now) return 'expire';
  if (post.approvalExpiresAt && post.approvalExpiresAt <= now) return 'lapse';
  return undefined;
};
