import type { z } from 'zod';
import { Post } from '#shared/posts/post';

/** A post as the API shows it: without the internal revision counter. */
export const PostView = Post.omit({ revision: true });
export type PostView = z.infer<typeof PostView>;
export const postView = (post: Post): PostView => {
  const { revision: _revision, ...view } = post;
  return view;
};
