import type { Caller, Role } from '#shared/auth/roles';
import type { ComplianceOutcome } from '#shared/compliance/finding';
import { ConflictError, ForbiddenError } from '#shared/errors';
import type { Post, PostStatus } from '#shared/posts/post';

/**
 * The post state machine, as pure functions: each takes the post and what happened and returns
 * the next status, or throws ConflictError when the post's state does not allow it.
 */
export type PostAction =
  | { type: 'submit' }
  | { type: 'complianceChecked'; outcome: ComplianceOutcome }
  | { type: 'approve' }
  | { type: 'reject' };

const allowedFrom: Record<PostAction['type'], readonly PostStatus[]> = {
  submit: ['draft', 'changes_requested'],
  complianceChecked: ['submitted'],
  approve: ['in_review'],
  reject: ['in_review'],
};

export const nextStatus = (
  post: Pick<Post, 'status' | 'postId'>,
  action: PostAction,
): PostStatus => {
  if (!allowedFrom[action.type].includes(post.status)) {
    throw new ConflictError(
      `Cannot ${action.type} post ${post.postId} while it is ${post.status.replace('_', ' ')}`,
    );
  }
  switch (action.type) {
    case 'submit':
      return 'submitted';
    case 'complianceChecked':
      return action.outcome === 'blocked' ? 'changes_requested' : 'in_review';
    case 'approve':
      return 'approved';
    case 'reject':
      return 'rejected';
  }
};

/** Regulated posts need legal; the rest need marketing. Admins do not bypass four eyes. */
export const approverRoleFor = (post: Pick<Post, 'compliance'>): Role =>
  post.compliance?.regulated ? 'legal' : 'marketing';

/**
 * Who may decide on a post in review: someone with the required role who is not its author.
 * Returns the role the decision is taken in.
 */
export const authorizeReviewer = (post: Post, caller: Caller): Role => {
  const required = approverRoleFor(post);
  if (!caller.roles.includes(required)) {
    throw new ForbiddenError(`This post needs a ${required} reviewer`);
  }
  if (caller.userId === post.authorId) {
    throw new ForbiddenError('Nobody may approve or reject their own post');
  }
  return required;
};
