import { z } from 'zod';
import { etag } from '#functions/api/http';
import type { AnswerHeader, Reply } from '#functions/api/route';
import type { Post } from '#shared/posts/post';
import { PostView, postView } from '#shared/posts/post-view';

/** Shapes the API shares between routes and documents once. */
export const PostPath = z.strictObject({ postId: z.string().min(1).max(100) });

// Defined in shared/ (no node modules) so the console can import its type.
export { PostView, postView };

export const PostAnswer = z.object({ post: PostView });

/** The ETag an answer carries: the version of what it shows, for a later If-Match. */
export const VersionETag: Readonly<Record<'ETag', AnswerHeader>> = {
  ETag: {
    description: 'The version shown, as an ETag (`"3"`): send it back in If-Match to change it',
    schema: z.string().regex(/^"[0-9]+"$/),
  },
};

/** The post and its version as the ETag a later update sends back in If-Match. */
export const postAnswer = (status: number, post: Post): Reply => ({
  status,
  body: { post: postView(post) },
  headers: { etag: etag(post.version) },
});

export const VersionField = z.number().int().positive();

export const Limit = z.coerce.number().int().min(1).max(100).default(20);
