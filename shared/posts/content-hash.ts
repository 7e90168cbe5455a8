import { hashOf } from '#shared/hash';
import type { Post } from '#shared/posts/post';

/**
 * The hash an approval binds to: everything that reaches the public or decides who sees it.
 * Any edit to copy, link, disclaimers or targets changes it, which voids the approval.
 */
export const contentHashOf = (
  post: Pick<Post, 'copy' | 'link' | 'topics' | 'segment' | 'compliance'>,
): string =>
  hashOf({
    copy: post.copy,
    link: post.link ?? null,
    disclaimers: post.compliance?.disclaimers ?? [],
    topics: post.topics,
    segment: post.segment,
  });
