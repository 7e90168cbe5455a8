import { logger } from '#shared/logger';
import type { QueuedJob } from '#shared/queue/share-queue';
import { DEFERRED_SHARDS, type DeferredJobStore } from '#shared/store/deferred-jobs';

export interface ReleaseDependencies {
  deferred: DeferredJobStore;
  send: (jobs: readonly QueuedJob[]) => Promise<number>;
}

/** Jobs due within this horizon go to the queue now, delayed to their minute by SQS. */
const HORIZON_MS = 10 * 60_000;
const PAGE_SIZE = 500;
const MAX_PAGES = 10;

/**
 * Hands deferred share jobs to the queue shortly before they are due. A job is removed only after
 * it was sent, so a crash in between sends it twice (the worker makes that harmless), never zero
 * times.
 */
export const releaseDeferredJobs = async (
  now: Date,
  deps: ReleaseDependencies,
): Promise<number> => {
  const until = new Date(now.getTime() + HORIZON_MS);
  const released = await Promise.all(
    Array.from({ length: DEFERRED_SHARDS }, async (_, shard) => {
      let count = 0;
      for (let page = 0; page < MAX_PAGES; page++) {
        const due = await deps.deferred.due(shard, until, PAGE_SIZE);
        if (due.length === 0) break;
        await deps.send(
          due.map(({ job, dueAt }) => ({
            job,
            delaySeconds: Math.max(0, Math.ceil((dueAt.getTime() - now.getTime()) / 1000)),
          })),
        );
        await deps.deferred.remove(due.map(({ job }) => job.shareId));
        count += due.length;
        if (due.length < PAGE_SIZE) break;
      }
      return count;
    }),
  );
  const total = released.reduce((a, b) => a + b, 0);
  if (total > 0) logger.info('Released deferred share jobs', { released: total });
  return total;
};
