import { z } from 'zod';
import { Post } from '#shared/posts/post';

/** Shapes the API shares between routes and documents once. */
export const PostPath = z.strictObject({ postId: z.string().min(1).max(100) });

/** A post as the API shows it: without the internal revision counter. */
export const PostView = Post.omit({ revision: true });
export const postView = (post: Post) => {
  const { revision: _revision, ...view } = post;
  return view;
};

export const VersionField = z.number().int().positive();

export const Limit = z.coerce.number().int().min(1).max(100).default(20);
