import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import type { Invoke } from '#infra/local/lambda-runtime';
import type { StreamBatch, TableStreamReader } from '#infra/local/table-stream';

export interface LocalStreamConsumer {
  /** A batch is being handled, or the last read found records (more may follow). */
  busy(): boolean;
  stop(): Promise<void>;
}

/**
 * The stream event source mapping, locally: polls the table's stream, invokes the function with
 * each shard's batch, honours its partial batch failures (the first failed record and all after
 * it are read again), and after `retryAttempts` failures parks the failed record in the
 * on-failure queue with its reason and moves past it, as the mapping's destination would.
 */
export const startStreamConsumer = (options: {
  reader: TableStreamReader;
  batchSize: number;
  retryAttempts: number;
  invoke: Invoke;
  sqs: SQSClient;
  onFailureQueueUrl: string;
  log: (line: string) => void;
  pollMs?: number;
}): LocalStreamConsumer => {
  let running = true;
  let busy = false;
  const failures = new Map<string, number>();

  const handle = async (batch: StreamBatch) => {
    let failedAt: string | undefined;
    let reason = '';
    try {
      const result = (await options.invoke({ Records: batch.records })) as DynamoDBBatchResponse;
      failedAt = result?.batchItemFailures?.[0]?.itemIdentifier;
      reason = 'reported as a batch item failure';
    } catch (error) {
      failedAt = batch.records[0]?.dynamodb?.SequenceNumber;
      reason = error instanceof Error ? error.message : String(error);
    }
    if (failedAt === undefined) {
      await options.reader.checkpoint(batch, 'all');
      return;
    }
    const attempts = (failures.get(failedAt) ?? 0) + 1;
    failures.set(failedAt, attempts);
    if (attempts <= options.retryAttempts) {
      await options.reader.checkpoint(batch, { before: failedAt });
      await sleep(Math.min(2000, 50 * 2 ** attempts));
      return;
    }
    failures.delete(failedAt);
    const record = batch.records.find((r) => r.dynamodb?.SequenceNumber === failedAt);
    options.log(`stream record ${failedAt} failed ${attempts} times: ${reason}`);
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: options.onFailureQueueUrl,
        MessageBody: JSON.stringify({ record, reason, attempts }),
      }),
    );
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
    async stop() {
      running = false;
      await loop;
      options.reader.close();
    },
  };
};
