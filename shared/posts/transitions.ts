import type { AuditRecord } from '#shared/audit/chain';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event, type PendingEvent } from '#shared/events/publisher';
import type { Comment } from '#shared/posts/comment';
import { contentHashOf } from '#shared/posts/content-hash';
import { diffContent } from '#shared/posts/diff';
import type { Post } from '#shared/posts/post';
import { type PostAction, transition } from '#shared/posts/workflow';
import type { PostStore } from '#shared/store/posts';
import type { TransactItem } from '#shared/store/transact';

/** How the record shows a post at one moment: enough to follow it, small enough to read. */
const snapshot = (post: Post) => ({
  status: post.status,
  version: post.version,
  contentHash: contentHashOf(post),
  ...(post.review && post.status === 'in_review'
    ? { stage: post.review.stages[post.review.currentStage]?.id }
    : {}),
});

/** What an action adds to the record beyond the status change. */
const detailsOf = (
  before: Post | undefined,
  after: Post,
  action: PostAction | { type: 'create' },
) => {
  switch (action.type) {
    case 'edit':
      // The versions themselves are kept; the record says which fields the edit touched.
      return { changed: before ? diffContent(before, after).map((c) => c.field) : [] };
    case 'approve':
      return { approval: after.approvals.at(-1) };
    case 'nameReviewers':
      return {
        stageId: action.stageId,
        reviewers: action.reviewers,
        replaced: before?.review?.stages.find((s) => s.id === action.stageId)?.reviewers ?? [],
      };
    case 'complianceChecked':
      return {
        outcome: action.compliance.outcome,
        regulated: action.compliance.regulated,
        findings: action.compliance.findings.map((f) => `${f.severity}:${f.ruleId}`),
        policyVersion: action.compliance.policyVersion,
      };
    case 'startReview':
      return {
        regulated: action.plan.regulated,
        reasons: action.plan.reasons,
        stages: action.plan.stages.map((s) => s.id),
        policyVersion: action.plan.policyVersion,
        autoApproved: action.plan.autoApproved,
      };
    default:
      return after.decision && after.decision.at === after.updatedAt
        ? { decision: after.decision }
        : {};
  }
};

export const auditRecordOf = (
  before: Post | undefined,
  after: Post,
  action: PostAction | { type: 'create' },
  actor: string,
): AuditRecord => ({
  at: after.updatedAt,
  actor,
  action: `post.${action.type}`,
  subject: { postId: after.postId, version: after.version },
  before: before ? snapshot(before) : null,
  after: { ...snapshot(after), ...detailsOf(before, after, action) },
});

/** The events a transition puts on the bus: one per state reached, plus what follows from it. */
export const eventsOf = (
  before: Post | undefined,
  after: Post,
  action: PostAction | { type: 'create' },
  actor: string,
): PendingEvent[] => {
  const base = {
    postId: after.postId,
    version: after.version,
    from: before?.status ?? null,
    to: after.status,
    actor,
  };
  const approved = () =>
    event(DETAIL_TYPES.postApproved, { ...base, contentHash: contentHashOf(after) });
  switch (action.type) {
    case 'create':
      return [event(DETAIL_TYPES.postCreated, base)];
    case 'edit':
      return [event(DETAIL_TYPES.postEdited, base)];
    case 'submit':
      return [event(DETAIL_TYPES.postSubmitted, base)];
    case 'complianceChecked':
      return [
        event(DETAIL_TYPES.complianceChecked, {
          ...base,
          outcome: action.compliance.outcome,
          regulated: action.compliance.regulated,
          findingCount: action.compliance.findings.length,
          policyVersion: action.compliance.policyVersion,
        }),
      ];
    case 'startReview':
      if (after.status === 'changes_requested') {
        return [event(DETAIL_TYPES.changesRequested, base)];
      }
      return [
        event(DETAIL_TYPES.reviewStarted, {
          ...base,
          stages: action.plan.stages.map((s) => s.id),
          regulated: action.plan.regulated,
          policyVersion: action.plan.policyVersion,
        }),
        ...(after.status === 'approved' ? [approved()] : []),
      ];
    case 'approve': {
      const approval = after.approvals.at(-1);
      return [
        event(DETAIL_TYPES.approvalRecorded, {
          ...base,
          stageId: approval?.stageId ?? '',
          contentHash: contentHashOf(after),
        }),
        ...(after.status === 'approved' ? [approved()] : []),
      ];
    }
    case 'nameReviewers':
      // Naming reviewers is on the record; it is news on the bus only if it completed the review.
      return after.status === 'approved' ? [approved()] : [];
    case 'reject':
      return [event(DETAIL_TYPES.postRejected, base)];
    case 'requestChanges':
      return [event(DETAIL_TYPES.changesRequested, base)];
    case 'schedule':
      return [event(DETAIL_TYPES.postScheduled, base)];
    case 'expire':
      return [event(DETAIL_TYPES.postExpired, base)];
    case 'lapse':
      // The re-review starts like any submission: with a compliance check.
      return [event(DETAIL_TYPES.approvalLapsed, base), event(DETAIL_TYPES.postSubmitted, base)];
    case 'withdraw':
      return [event(DETAIL_TYPES.postWithdrawn, base)];
    case 'delete':
      return [event(DETAIL_TYPES.postDeleted, base)];
  }
};

export interface TransitionDependencies {
  posts: PostStore;
}

/**
 * Applies one or more actions in a row, then stores the result with one audit entry per action
 * and the events announcing each transition, all in one transaction (the events as outbox items
 * the relay delivers). Returns the final post.
 */
export interface TransitionContext {
  actor: string;
  at: Date;
  comment?: Comment;
  /** Writes that belong to the same change, such as the campaign that schedules the post. */
  writes?: readonly TransactItem[];
  /** Facts the audit record should carry beyond the transition itself. */
  details?: Record<string, unknown>;
  /** Events beyond the transitions' own, such as the campaign that schedules the post. */
  events?: readonly PendingEvent[];
}

export const applyActions = async (
  deps: TransitionDependencies,
  post: Post,
  actions: readonly PostAction[],
  context: TransitionContext,
): Promise<Post> => {
  let current = post;
  const records: AuditRecord[] = [];
  const events: PendingEvent[] = [];
  for (const action of actions) {
    const next = transition(current, action, context.at);
    const record = auditRecordOf(current, next, action, context.actor);
    records.push(
      context.details
        ? { ...record, after: { ...(record.after as object), ...context.details } }
        : record,
    );
    events.push(...eventsOf(current, next, action, context.actor));
    current = next;
  }
  await deps.posts.save(current, post, {
    records,
    comment: context.comment,
    writes: context.writes,
    events: [...events, ...(context.events ?? [])],
  });
  return current;
};

export const applyAction = (
  deps: TransitionDependencies,
  post: Post,
  action: PostAction,
  context: TransitionContext,
): Promise<Post> => applyActions(deps, post, [action], context);
