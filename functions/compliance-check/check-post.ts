import { checkCompliance } from '#shared/compliance/engine';
import type { CompliancePolicy } from '#shared/compliance/policy';
import { DETAIL_TYPES, type EventDetail } from '#shared/events/catalogue';
import { event, type Publish } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { NetworkRegistry } from '#shared/networks/registry';
import { nextStatus } from '#shared/posts/workflow';
import type { PostStore } from '#shared/store/posts';

export interface ComplianceCheckDependencies {
  posts: PostStore;
  networks: NetworkRegistry;
  policy: () => Promise<CompliancePolicy>;
  publish: Publish;
  now: () => Date;
}

/** Checks the submitted version against the policy, for every network it could be shared on. */
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
  const policy = await deps.policy();
  const compliance = checkCompliance(post, policy, Object.values(deps.networks), deps.now());
  const checked = {
    ...post,
    compliance,
    status: nextStatus(post, { type: 'complianceChecked', outcome: compliance.outcome }),
    updatedAt: compliance.checkedAt,
  };
  await deps.posts.replace(checked, post);
  logger.info('Compliance checked', {
    postId: post.postId,
    outcome: compliance.outcome,
    regulated: compliance.regulated,
    findings: compliance.findings.map((f) => f.ruleId),
  });
  await deps.publish([
    event(DETAIL_TYPES.complianceChecked, {
      postId: post.postId,
      version: post.version,
      outcome: compliance.outcome,
      regulated: compliance.regulated,
      findingCount: compliance.findings.length,
      policyVersion: compliance.policyVersion,
    }),
  ]);
};
