import { hashOf } from '#shared/hash';
import { contentOf, type PostContent } from '#shared/posts/post';

/**
 * The hash an approval binds to: every field of the version (copy variants, link, media, targets,
 * expiry, flags) and the disclaimers the compliance check required. Any edit changes it, which
 * voids earlier approvals; the share worker recomputes it before publishing.
 */
export const contentHashOf = (
  post: PostContent & { compliance?: { disclaimers: readonly unknown[] } | undefined },
): string => hashOf({ content: contentOf(post), disclaimers: post.compliance?.disclaimers ?? [] });
