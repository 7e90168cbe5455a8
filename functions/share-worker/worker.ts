import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  type Delivery,
  publishShare,
  type ShareWorkerDependencies,
} from '#functions/share-worker/publish-share';
import { logger } from '#shared/logger';
import type { JobScheduler } from '#shared/queue/job-scheduler';
import { ShareJob } from '#shared/shares/share';

export interface ShareQueueAccess {
  /** Hides a received message until it should be tried again. */
  delay(receiptHandle: string, seconds: number): Promise<void>;
  /** Parks a message that can never be processed, with the reason. */
  deadLetter(body: string, reason: string): Promise<void>;
  schedule: JobScheduler;
}

/** Thrown for a record that must stay on the queue: the batch reports it as failed. */
class KeepOnQueue extends Error {
  override name = 'KeepOnQueue';
}

/** Reads each id once; a failed read is forgotten so the next job tries again. */
const readOnce = <T>(read: (id: string) => Promise<T>) => {
  const reads = new Map<string, Promise<T>>();
  return (id: string): Promise<T> => {
    let pending = reads.get(id);
    if (!pending) {
      pending = read(id);
      pending.catch(() => reads.delete(id));
      reads.set(id, pending);
    }
    return pending;
  };
};

/**
 * The jobs of a batch nearly always share one campaign and post: read those (and the segments
 * the post's copy is written for) once per batch, not once per job. Never across batches, so a withdrawn or edited post is seen by the next batch.
 */
const batchDependencies = (deps: ShareWorkerDependencies): ShareWorkerDependencies => ({
  ...deps,
  campaigns: { ...deps.campaigns, get: readOnce((id) => deps.campaigns.get(id)) },
  posts: { ...deps.posts, get: readOnce((id) => deps.posts.get(id)) },
  // A post's copy for segments: each segment's rules read and compiled once per batch.
  segments: { rule: readOnce((id) => deps.segments.rule(id)) },
});

const parseJob = (body: string): ShareJob | string => {
  try {
    const parsed = ShareJob.safeParse(JSON.parse(body));
    if (parsed.success) return parsed.data;
    return `not a share job: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
  } catch {
    return 'not a share job: the body is not JSON';
  }
};

/**
 * The share worker over an SQS batch: each record is one delivery of a job. A record that can
 * never be processed goes to the dead-letter queue at once with its reason; one whose attempt failed
 * stays on the queue, hidden until its retry, so the queue's receive limit parks a job that keeps
 * failing; one that must only wait is sent anew for its time; everything else is acknowledged.
 */
export const createShareWorker = (deps: ShareWorkerDependencies, queue: ShareQueueAccess) => {
  const processJob = async (
    job: ShareJob,
    record: SQSRecord,
    batchDeps: ShareWorkerDependencies,
    delivery: Delivery,
  ) => {
    const result = await publishShare(job, batchDeps, delivery);
    if (result.kind === 'done') {
      logger.info('Share job done', {
        shareId: job.shareId,
        network: job.network,
        status: result.share.status,
        reason: result.share.reason,
      });
      return;
    }
    const now = batchDeps.now();
    const seconds = Math.max(1, (result.at.getTime() - now.getTime()) / 1000);
    logger.info('Share job comes back later', {
      shareId: job.shareId,
      reason: result.reason,
      seconds,
    });
    if (result.failedAttempt) {
      await queue.delay(record.receiptHandle, seconds);
      throw new KeepOnQueue(result.reason);
    }
    // Sent anew before this message is acknowledged: a crash in between leaves two copies, which
    // the share's claim makes harmless, never none.
    await queue.schedule([{ job, at: result.at }], now);
  };

  const processRecord = async (record: SQSRecord, batchDeps: ShareWorkerDependencies) => {
    const job = parseJob(record.body);
    if (typeof job === 'string') {
      logger.error('Share job cannot be processed; parked in the dead-letter queue', {
        messageId: record.messageId,
        reason: job,
      });
      await queue.deadLetter(record.body, job);
      return;
    }
    const delivery: Delivery = {
      receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    };
    try {
      await processJob(job, record, batchDeps, delivery);
    } catch (error) {
      if (!(error instanceof KeepOnQueue)) {
        // The record stays on the queue and comes back; say why, or the retries are silent.
        logger.warn('Share job failed; it stays on the queue', {
          shareId: job.shareId,
          receiveCount: delivery.receiveCount,
          error,
        });
      }
      throw error;
    }
  };

  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const batchDeps = batchDependencies(deps);
    // One processor per invocation: outside Lambda's own runtime the processor keeps its batch in
    // instance fields, and the local runtime runs batches concurrently in one process — a shared
    // processor reported one batch's failures for another, and deleted jobs that had failed.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(
      event,
      (record: SQSRecord) => processRecord(record, batchDeps),
      processor,
      { context, throwOnFullBatchFailure: false },
    );
  };
};
