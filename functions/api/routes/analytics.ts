import { json, parsePathParameters } from '#functions/api/http';
import type { RouteHandler } from '#functions/api/router';
import { PostPath } from '#functions/api/routes/posts';
import { summarisePostShares } from '#shared/analytics/post-analytics';
import type { Share } from '#shared/shares/share';

export const getPostAnalytics: RouteHandler = async (request, _caller, deps) => {
  const { postId } = parsePathParameters(request, PostPath);
  await deps.posts.get(postId);
  const shares: Share[] = [];
  for await (const page of deps.shares.sharesOfPost(postId)) shares.push(...page);
  return json(200, { analytics: summarisePostShares(postId, shares) });
};
