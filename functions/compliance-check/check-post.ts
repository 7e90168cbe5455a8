import { type ApprovalPolicy, planReview } from '#shared/approvals/policy';
import { checkCompliance } from '#shared/compliance/engine';
import type { CompliancePolicy } from '#shared/compliance/policy';
import { ConflictError } from '#shared/errors';
import type { EventDetail } from '#shared/events/catalogue';
import { logger } from '#shared/logger';
import { applyActions } from '#shared/posts/transitions';
import type { PostStore } from '#shared/store/posts';

export interface ComplianceCheckDependencies {
  posts: PostStore;
  policy: () => Promise<CompliancePolicy>;
  approvalPolicy: () => Promise<ApprovalPolicy>;
  now: () => Date;
}

const ACTOR = 'system:compliance-check';

/**
 * Checks the submitted version against the compliance policy for every network it could be
 * shared on, then opens its review as the approval policy in force asks (or approves it, when
 * the policy lets clean unregulated posts through, or sends it back when a finding blocks it).
 */
export const checkSubmittedPost = async (
  submitted: EventDetail<'PostSubmitted'>,
  deps: ComplianceCheckDependencies,
): Promise<void> => {
  const post = await deps.posts.get(submitted.postId);
  if (post.status !== 'submitted' || post.version !== submitted.version) {
    // A replayed or stale event: the post has moved on, and its current state stands.
    logger.info('Ignoring stale PostSubmitted', { postId: post.postId, status: post.status });
    return;
  }
  const [policy, approvalPolicy] = await Promise.all([deps.policy(), deps.approvalPolicy()]);
  const at = deps.now();
  const compliance = checkCompliance(post, policy, at);
  const plan = planReview(post, compliance, approvalPolicy);
  let next: Awaited<ReturnType<typeof applyActions>>;
  try {
    next = await applyActions(
      deps,
      post,
      [
        { type: 'complianceChecked', compliance },
        { type: 'startReview', plan },
      ],
      { actor: ACTOR, at },
    );
  } catch (error) {
    // A duplicate of this event (the dispatcher's re-announcement, a redelivery) ran at the same
    // time and checked the post first: its result stands, and this run has nothing left to do.
    if (!(error instanceof ConflictError)) throw error;
    const current = await deps.posts.get(submitted.postId);
    if (current.status === 'submitted' && current.version === submitted.version) throw error;
    logger.info('Post checked by a concurrent run', { postId: post.postId });
    return;
  }
  logger.info('Compliance checked', {
    postId: post.postId,
    outcome: compliance.outcome,
    regulated: plan.regulated,
    findings: compliance.findings.map((f) => f.ruleId),
    status: next.status,
  });
};
