import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import type { Invoke } from '#infra/local/lambda-runtime';
import type { StreamBatch, TableStreamReader } from '#infra/local/table-stream';

export interface LocalStreamConsumer {
  /** A batch is being handled, or the last read found records (more may follow). */
  busy(): boolean;
  /** Records failing right now, being retried: each is forgotten once done or parked. */
  failing(): number;
  stop(): Promise<void>;
}

type Record = StreamBatch['records'][number];
const sequenceOf = (record: Record | undefined) => record?.dynamodb?.SequenceNumber;

/**
 * The stream event source mapping, locally, as the infra declares it in AWS: polls the table's
 * stream and invokes the function with each shard's batch. A partial batch failure is honoured
 * (the first failed record and all after it are read again). A function that throws has its batch
 * split in two and each half retried (`bisectOnError`), down to the one record it throws on, so
 * the records around a poison one are not blamed for it; splitting does not count as a retry.
 * After `retryAttempts` failures the failed record is parked in the on-failure queue with its
 * reason and the stream moves past it, as the mapping's destination would.
 */
export const startStreamConsumer = (options: {
  reader: TableStreamReader;
  batchSize: number;
  retryAttempts: number;
  bisectOnError: boolean;
  invoke: Invoke;
  sqs: SQSClient;
  onFailureQueueUrl: string;
  log: (line: string) => void;
  pollMs?: number;
}): LocalStreamConsumer => {
  let running = true;
  let busy = false;
  /** Failed attempts of the record each shard is stuck on; cleared as the shard moves past it. */
  const failures = new Map<string, number>();

  /** The first record of `records` the function failed on, if any, and why. */
  const firstFailure = async (
    records: Record[],
  ): Promise<{ failedAt: string; reason: string } | undefined> => {
    try {
      const result = (await options.invoke({ Records: records })) as DynamoDBBatchResponse;
      const failedAt = result?.batchItemFailures?.[0]?.itemIdentifier;
      return failedAt ? { failedAt, reason: 'reported as a batch item failure' } : undefined;
    } catch (error) {
      if (options.bisectOnError && records.length > 1) {
        const half = Math.ceil(records.length / 2);
        return (
          (await firstFailure(records.slice(0, half))) ?? (await firstFailure(records.slice(half)))
        );
      }
      const failedAt = sequenceOf(records[0]);
      if (failedAt === undefined) throw error;
      return { failedAt, reason: error instanceof Error ? error.message : String(error) };
    }
  };

  /** Forgets the failures of every record of the batch before `failedAt` (all, without it). */
  const forgetDone = (batch: StreamBatch, failedAt?: string) => {
    for (const record of batch.records) {
      const sequence = sequenceOf(record);
      if (sequence === failedAt) return;
      if (sequence !== undefined) failures.delete(sequence);
    }
  };

  const handle = async (batch: StreamBatch) => {
    const failure = await firstFailure(batch.records);
    if (failure === undefined) {
      forgetDone(batch);
      await options.reader.checkpoint(batch, 'all');
      return;
    }
    const { failedAt, reason } = failure;
    forgetDone(batch, failedAt);
    const attempts = (failures.get(failedAt) ?? 0) + 1;
    failures.set(failedAt, attempts);
    if (attempts <= options.retryAttempts) {
      await options.reader.checkpoint(batch, { before: failedAt });
      await sleep(Math.min(2000, 50 * 2 ** attempts));
      return;
    }
    const record = batch.records.find((r) => sequenceOf(r) === failedAt);
    options.log(`stream record ${failedAt} failed ${attempts} times: ${reason}`);
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: options.onFailureQueueUrl,
        MessageBody: JSON.stringify({ record, reason, attempts }),
      }),
    );
    failures.delete(failedAt);
    await options.reader.checkpoint(batch, { after: failedAt });
  };

  const loop = (async () => {
    while (running) {
      busy = true;
      let found = false;
      try {
        const batches = await options.reader.read(options.batchSize);
        found = batches.length > 0;
        for (const batch of batches) await handle(batch);
      } catch (error) {
        if (running) options.log(`stream poll failed: ${(error as Error).message}`);
      }
      busy = found;
      if (!found) await sleep(options.pollMs ?? 100);
    }
  })();

  return {
    busy: () => busy,
    failing: () => failures.size,
    async stop() {
      running = false;
      await loop;
      options.reader.close();
    },
  };
};
