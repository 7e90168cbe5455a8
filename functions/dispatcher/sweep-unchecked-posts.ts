import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { PostStore } from '#shared/store/posts';

export interface UncheckedPostDependencies {
  posts: PostStore;
}

/**
 * A check takes seconds, and Lambda's own retries of a failing one are over within minutes; a
 * post still unchecked after this long lost its event (or its check keeps failing, which the
 * dead-letter alarm reports).
 */
export const UNCHECKED_AFTER_MINUTES = 10;
const PAGE_SIZE = 25;
const MAX_PAGES = 4;

/**
 * Announces `PostSubmitted` again for submitted posts whose compliance check never ran, so the
 * check runs again. The check ignores an event for a post that moved on, so a duplicate is
 * harmless. Each post announced moves to the back of the index: announced at most once per
 * interval, and the next page holds the next posts.
 */
export const reannounceUncheckedPosts = async (
  now: Date,
  deps: UncheckedPostDependencies,
): Promise<number> => {
  const before = new Date(now.getTime() - UNCHECKED_AFTER_MINUTES * 60_000);
  let announced = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const stuck = await deps.posts.awaitingCheck(before, PAGE_SIZE);
    if (stuck.length === 0) break;
    // Each re-announcement is its own commit on the post's chain (with the post's move to the
    // back of the index), so its PostSubmitted gets a new id and a later sequence: it must not be
    // deduped away as the submission's own event, which is the one that never led to a check.
    // The check ignores an event for a post that moved on, so an extra one is harmless.
    for (const post of stuck) {
      const again = event(DETAIL_TYPES.postSubmitted, {
        postId: post.postId,
        version: post.version,
        from: post.status,
        to: post.status,
        actor: 'system:dispatcher',
      });
      if (await deps.posts.reannounce(post, before, now, 'system:dispatcher', [again]))
        announced += 1;
    }
    if (stuck.length < PAGE_SIZE) break;
  }
  if (announced > 0) logger.warn('Unchecked posts announced again', { announced });
  return announced;
};
