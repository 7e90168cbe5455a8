import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { sqs } from '#shared/aws';
import type { ShareJob } from '#shared/shares/share';

const SQS_BATCH_MAX = 10;
const IN_FLIGHT_BATCHES = 8;
const MAX_ATTEMPTS = 4;

/** Sends one batch, re-sending only the entries SQS refused, with backoff; throws if some never go. */
const sendBatch = async (queueUrl: string, jobs: readonly ShareJob[]): Promise<void> => {
  let pending: SendMessageBatchRequestEntry[] = jobs.map((job, index) => ({
    Id: String(index),
    MessageBody: JSON.stringify(job),
  }));
  for (let attempt = 1; pending.length > 0; attempt++) {
    const result = await sqs().send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
    );
    const failed = new Set((result.Failed ?? []).map((f) => f.Id));
    pending = pending.filter((entry) => failed.has(entry.Id));
    if (pending.length > 0 && attempt >= MAX_ATTEMPTS) {
      const reasons = (result.Failed ?? []).map((f) => `${f.Code}: ${f.Message ?? ''}`).join('; ');
      throw new Error(
        `SQS refused ${pending.length} share job(s) after ${attempt} attempts: ${reasons}`,
      );
    }
    if (pending.length > 0) await sleep(50 * 2 ** attempt);
  }
};

/**
 * Sends share jobs ten to a call (the SQS maximum), several calls in flight at once. Returns how
 * many were sent.
 */
export const sendShareJobs = async (
  queueUrl: string,
  jobs: readonly ShareJob[],
): Promise<number> => {
  const batches: ShareJob[][] = [];
  for (let start = 0; start < jobs.length; start += SQS_BATCH_MAX) {
    batches.push(jobs.slice(start, start + SQS_BATCH_MAX));
  }
  for (let start = 0; start < batches.length; start += IN_FLIGHT_BATCHES) {
    await Promise.all(
      batches.slice(start, start + IN_FLIGHT_BATCHES).map((batch) => sendBatch(queueUrl, batch)),
    );
  }
  return jobs.length;
};
