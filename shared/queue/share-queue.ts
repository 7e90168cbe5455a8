import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { sqs } from '#shared/aws';
import type { ShareJob } from '#shared/shares/share';

const SQS_BATCH_MAX = 10;
const IN_FLIGHT_BATCHES = 8;
const MAX_ATTEMPTS = 4;
/** SQS delays a message by at most 15 minutes; later work waits in DynamoDB for the dispatcher. */
export const MAX_DELAY_SECONDS = 900;
/** A received message can be hidden for at most 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;

/** A job and how long SQS should hold it before a worker sees it. */
export interface QueuedJob {
  job: ShareJob;
  delaySeconds?: number;
}

/** Sends one batch, re-sending only the entries SQS refused, with backoff; throws if some never go. */
const sendBatch = async (queueUrl: string, jobs: readonly QueuedJob[]): Promise<void> => {
  let pending: SendMessageBatchRequestEntry[] = jobs.map(({ job, delaySeconds }, index) => ({
    Id: String(index),
    MessageBody: JSON.stringify(job),
    ...(delaySeconds ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, delaySeconds) } : {}),
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
  jobs: readonly QueuedJob[],
): Promise<number> => {
  const batches: QueuedJob[][] = [];
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

/** Hides a received message for a while: it comes back then, as the network asked. */
export const delayReceivedMessage = async (
  queueUrl: string,
  receiptHandle: string,
  seconds: number,
): Promise<void> => {
  await sqs().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(seconds))),
    }),
  );
};

/**
 * Parks a message that can never be processed in the dead-letter queue at once, with the reason,
 * instead of letting it fail receive after receive.
 */
export const sendToDeadLetter = async (
  deadLetterUrl: string,
  body: string,
  reason: string,
): Promise<void> => {
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: deadLetterUrl,
      MessageBody: body,
      MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 1000) } },
    }),
  );
};
