import { z } from 'zod';
import { RequiredDisclaimer } from '#shared/compliance/finding';
import { contentOf, type Post, PostContent } from '#shared/posts/post';

/**
 * What employees see of an approved post: its approved content and nothing of the review. One
 * entry per target segment, written when the post goes live and removed when it stops being live.
 */
export const LibraryEntry = PostContent.extend({
  postId: z.string(),
  version: z.number().int().positive(),
  approvedAt: z.iso.datetime(),
  disclaimers: z.array(RequiredDisclaimer),
});
export type LibraryEntry = z.infer<typeof LibraryEntry>;

export const libraryEntryOf = (post: Post, approvedAt: string): LibraryEntry => ({
  ...contentOf(post),
  postId: post.postId,
  version: post.version,
  approvedAt,
  disclaimers: post.compliance?.disclaimers ?? [],
});
