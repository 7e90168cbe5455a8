import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Invoke } from '#infra/local/lambda-runtime';

export interface QueueConsumer {
  /** Batches being processed right now. */
  busy(): number;
  stop(): Promise<void>;
}

const toRecord = (message: Message, queueArn: string): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp:
      message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: 'us-east-1',
});

/**
 * The SQS event source mapping: long-polls the queue, hands batches to the function, deletes the
 * records it did not report as failed. Failed records (or a whole batch whose invocation threw)
 * stay on the queue, reappear after the visibility timeout, and SQS's redrive policy moves them to
 * the dead-letter queue after maxReceiveCount receives.
 */
export const startQueueConsumer = (options: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  concurrency: number;
  invoke: Invoke;
  log: (line: string) => void;
}): QueueConsumer => {
  let running = true;
  let busy = 0;

  const processBatch = async (messages: Message[]) => {
    const event: SQSEvent = { Records: messages.map((m) => toRecord(m, options.queueArn)) };
    let failed: Set<string>;
    try {
      const result = (await options.invoke(event)) as SQSBatchResponse | undefined;
      failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      options.log(`share worker batch failed: ${(error as Error).message}`);
      return;
    }
    const done = messages.filter((m) => m.MessageId && !failed.has(m.MessageId));
    if (done.length > 0) {
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  };

  const poll = async () => {
    while (running) {
      try {
        const { Messages = [] } = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: Math.max(1, options.maxBatchingWindowSeconds),
            MessageSystemAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0) continue;
        busy += 1;
        try {
          await processBatch(Messages);
        } finally {
          busy -= 1;
        }
      } catch (error) {
        if (running) {
          options.log(`polling ${options.queueUrl} failed: ${(error as Error).message}`);
          await sleep(500);
        }
      }
    }
  };

  const pollers = Array.from({ length: options.concurrency }, () => poll());
  return {
    busy: () => busy,
    stop: async () => {
      running = false;
      await Promise.allSettled(pollers);
    },
  };
};
