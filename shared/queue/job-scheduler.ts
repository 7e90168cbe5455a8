import type { QueuedJob } from '#shared/queue/share-queue';
import { MAX_DELAY_SECONDS } from '#shared/queue/share-queue';
import type { ShareJob } from '#shared/shares/share';
import type { DeferredJob, DeferredJobStore } from '#shared/store/deferred-jobs';

export interface TimedJob {
  job: ShareJob;
  at: Date;
}

export type JobScheduler = (
  jobs: readonly TimedJob[],
  now: Date,
) => Promise<{ queued: number; deferred: number }>;

/**
 * Puts each job where it will surface at its time: on the queue with a delay when that is within
 * SQS's 15 minutes, otherwise in DynamoDB for the dispatcher to hand over shortly before.
 */
export const createJobScheduler =
  (
    send: (jobs: readonly QueuedJob[]) => Promise<number>,
    deferred: DeferredJobStore,
  ): JobScheduler =>
  async (jobs, now) => {
    const queued: QueuedJob[] = [];
    const later: DeferredJob[] = [];
    for (const { job, at } of jobs) {
      const delaySeconds = Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000));
      if (delaySeconds <= MAX_DELAY_SECONDS) queued.push({ job, delaySeconds });
      else later.push({ job, dueAt: at });
    }
    await Promise.all([
      queued.length > 0 ? send(queued) : 0,
      later.length > 0 ? deferred.put(later) : 0,
    ]);
    return { queued: queued.length, deferred: later.length };
  };
