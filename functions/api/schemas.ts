import { z } from 'zod';
import { etag } from '#functions/api/http';
import type { Reply } from '#functions/api/route';
import { Post } from '#shared/posts/post';

/** Shapes the API shares between routes and documents once. */
export const PostPath = z.strictObject({ postId: z.string().min(1).max(100) });

/** A post as the API shows it: without the internal revision counter. */
export const PostView = Post.omit({ revision: true });
export const postView = (post: Post) => {
  const { revision: _revision, ...view } = post;
  return view;
};

export const PostAnswer = z.object({ post: PostView });

/** The post and its version as the ETag a later update sends back in If-Match. */
export const postAnswer = (status: number, post: Post): Reply => ({
  status,
  body: { post: postView(post) },
  headers: { etag: etag(post.version) },
});

export const VersionField = z.number().int().positive();

export const Limit = z.coerce.number().int().min(1).max(100).default(20);
