import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event, type Publish } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { PostStore } from '#shared/store/posts';

export interface UncheckedPostDependencies {
  posts: PostStore;
  publish: Publish;
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
    // The event goes out before the post leaves the front of the index: a crash in between
    // announces it twice, never zero times.
    await deps.publish(
      stuck.map((post) =>
        event(DETAIL_TYPES.postSubmitted, {
          postId: post.postId,
          version: post.version,
          from: post.status,
          to: post.status,
          actor: 'system:dispatcher',
        }),
      ),
    );
    for (const post of stuck) {
      if (await deps.posts.markAnnounced(post, now)) announced += 1;
    }
    if (stuck.length < PAGE_SIZE) break;
  }
  if (announced > 0) logger.warn('Unchecked posts announced again', { announced });
  return announced;
};
