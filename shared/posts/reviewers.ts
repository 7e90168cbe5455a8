import { isContributor } from '#shared/posts/contributors';
import type { Approval, Post, ReviewStagePlan } from '#shared/posts/post';

/** The named reviewers a stage still waits for: in `all` mode, those who have not approved yet. */
const stillNeeded = (stage: ReviewStagePlan, approvals: readonly Approval[]): string[] =>
  stage.mode === 'any'
    ? stage.reviewers
    : stage.reviewers.filter(
        (email) => !approvals.some((a) => a.stageId === stage.id && a.approverEmail === email),
      );

/**
 * Why nobody can take the post's open review stage, or undefined when someone can. Only a stage
 * that names its reviewers can be known to be stuck: who holds a role lives in the identity
 * provider, so an open stage is assumed to have someone left.
 */
export const noEligibleReviewer = (post: Post): string | undefined => {
  const stage =
    post.status === 'in_review' ? post.review?.stages[post.review.currentStage] : undefined;
  if (!stage || stage.reviewers.length === 0) return undefined;
  const needed = stillNeeded(stage, post.approvals);
  const writers = needed.filter((email) => isContributor(post.contributors, { userId: '', email }));
  const stuck = stage.mode === 'any' ? writers.length === needed.length : writers.length > 0;
  if (!stuck) return undefined;
  const who =
    stage.mode === 'any'
      ? `every ${stage.role} reviewer named for the ${stage.name} stage`
      : `${writers.join(', ')}, who must approve the ${stage.name} stage,`;
  return `no eligible reviewer: ${who} wrote or edited this post; an admin can name others`;
};

/** Named reviewers who wrote or edited the post: naming them would leave the stage stuck. */
export const contributorsAmong = (post: Post, emails: readonly string[]): string[] =>
  emails.filter((email) => isContributor(post.contributors, { userId: '', email }));
