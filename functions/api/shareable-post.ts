import type { ApiDependencies } from '#functions/api/dependencies';
import type { CheckTarget } from '#shared/compliance/engine';
import type { Employee } from '#shared/employees/employee';
import { segmentsOf } from '#shared/employees/segment';
import { NotFoundError, ValidationError } from '#shared/errors';
import type { KnownNetwork } from '#shared/networks/limits';
import { type Post, variantsFor } from '#shared/posts/post';
import { isLiveAt } from '#shared/posts/workflow';

/**
 * A post an employee may share on a network: live, for one of their segments (otherwise it is
 * not in their library, and answers as if it did not exist), with copy for that network. Comes
 * with where the text would go, for checking it.
 */
export const shareablePost = async (
  deps: ApiDependencies,
  employee: Employee,
  request: { postId: string; network: KnownNetwork; networkField: string },
): Promise<{ post: Post; target: CheckTarget }> => {
  const [post, segments] = await Promise.all([deps.posts.get(request.postId), deps.segments.all()]);
  const mine = segmentsOf(employee, segments);
  if (!isLiveAt(post, deps.now()) || !post.segments.some((s) => mine.includes(s))) {
    throw new NotFoundError('Post', request.postId);
  }
  if (variantsFor(post, request.network).length === 0) {
    throw new ValidationError('This post is not written for that network', [
      { field: request.networkField, message: `no variant of the post is for ${request.network}` },
    ]);
  }
  return { post, target: { network: request.network, jurisdiction: employee.jurisdiction } };
};
