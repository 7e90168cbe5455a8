import { z } from 'zod';
import { defineRoute } from '#functions/api/route';
import { PostPath } from '#functions/api/schemas';
import { PostAnalytics, summarisePostShares } from '#shared/analytics/post-analytics';
import type { Share } from '#shared/shares/share';

export const getPostAnalytics = defineRoute({
  summary: "A post's shares, reach and engagement; every figure says where it comes from",
  tag: 'analytics',
  roles: ['marketing', 'admin'],
  params: PostPath,
  response: {
    status: 200,
    description: 'Figures are measured, counted or estimated; unknown is null, never zero',
    schema: z.object({ analytics: PostAnalytics }),
  },
  errors: [404],
  async handle({ params, deps }) {
    await deps.posts.get(params.postId);
    const shares: Share[] = [];
    for await (const page of deps.shares.sharesOfPost(params.postId)) shares.push(...page);
    return { status: 200, body: { analytics: summarisePostShares(params.postId, shares) } };
  },
});
