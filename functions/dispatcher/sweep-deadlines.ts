import { ConflictError } from '#shared/errors';
import { logger } from '#shared/logger';
import { applyAction } from '#shared/posts/transitions';
import { deadlineAction } from '#shared/posts/workflow';
import type { PostStore } from '#shared/store/posts';

export interface DeadlineDependencies {
  posts: PostStore;
}

const PAGE_SIZE = 25;
const MAX_PAGES = 20;

/**
 * Takes live posts past their deadline out of circulation: expired ones end, ones whose approval
 * is older than the policy allows go back through the check and review. Each post leaves the
 * deadline index as it moves on, so the next page holds the next posts.
 */
export const sweepDeadlines = async (now: Date, deps: DeadlineDependencies): Promise<number> => {
  let moved = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const due = await deps.posts.pastDeadline(now, PAGE_SIZE);
    for (const post of due) {
      const type = deadlineAction(post, now);
      if (!type) continue;
      try {
        await applyAction(deps, post, { type }, { actor: 'system:dispatcher', at: now });
        moved += 1;
      } catch (error) {
        // Someone changed the post meanwhile; its new state has its own deadline, if any.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    if (due.length < PAGE_SIZE) break;
  }
  if (moved > 0) logger.info('Posts past their deadline moved on', { moved });
  return moved;
};
