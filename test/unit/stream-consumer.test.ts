import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { functions } from '#infra/declaration';
import { startStreamConsumer } from '#infra/local/stream-consumer';
import type { StreamBatch, TableStreamReader } from '#infra/local/table-stream';

/**
 * The local stream consumer does what the relay's event source mapping does in AWS: a function
 * that throws has its batch bisected down to the record it throws on, so only that record is
 * parked; what it remembers of failures goes once the stream moves past them.
 */
const trigger = functions.outboxRelay.trigger;
if (trigger.kind !== 'stream') throw new Error('the outbox relay is stream-triggered');

const sequence = (i: number) => String(i).padStart(6, '0');

/** One shard of `count` records, read and checkpointed as the table stream reader does. */
const shard = (count: number) => {
  const records: DynamoDBRecord[] = Array.from({ length: count }, (_, i) => ({
    eventID: `e${i}`,
    dynamodb: { SequenceNumber: sequence(i) },
  }));
  let position = 0;
  const indexOf = (seq: string) => records.findIndex((r) => r.dynamodb?.SequenceNumber === seq);
  const reader: TableStreamReader = {
    read: async (limit) =>
      position < records.length
        ? [{ shardId: 'shard-1', records: records.slice(position, position + limit) }]
        : [],
    checkpoint: async (batch: StreamBatch, done) => {
      if (done === 'all') position += batch.records.length;
      else if ('before' in done) position = indexOf(done.before);
      else position = indexOf(done.after) + 1;
    },
    close: () => {},
  };
  return { reader, done: () => position >= records.length };
};

const run = async (
  count: number,
  relay: (records: DynamoDBRecord[]) => DynamoDBBatchResponse | undefined,
) => {
  const { reader, done } = shard(count);
  const parked: { record: DynamoDBRecord; attempts: number }[] = [];
  const relayed = new Set<string>();
  const consumer = startStreamConsumer({
    reader,
    batchSize: 10,
    retryAttempts: 2,
    bisectOnError: trigger.bisectOnError,
    invoke: async (event) => {
      const records = (event as { Records: DynamoDBRecord[] }).Records;
      const answer = relay(records);
      const failed = new Set(answer?.batchItemFailures.map((f) => f.itemIdentifier));
      for (const r of records) {
        const seq = String(r.dynamodb?.SequenceNumber);
        if (failed.has(seq)) break;
        relayed.add(seq);
      }
      return answer;
    },
    sqs: {
      send: async (command: { input: { MessageBody: string } }) => {
        parked.push(JSON.parse(command.input.MessageBody));
        return {};
      },
    } as unknown as SQSClient,
    onFailureQueueUrl: 'local://relay-dlq',
    log: () => {},
    pollMs: 5,
  });
  while (!done() || consumer.busy()) await new Promise((resolve) => setTimeout(resolve, 10));
  const failing = consumer.failing();
  await consumer.stop();
  return { parked, relayed, failing };
};

describe('the local stream consumer, as the relay’s event source mapping', () => {
  it('is declared to bisect a batch the relay throws on, as the local consumer then does', () => {
    expect(trigger.bisectOnError).toBe(true);
  });

  it('parks only the record the relay crashes on, never the innocent records batched with it', async () => {
    const poison = sequence(4);
    const { parked, relayed, failing } = await run(10, (records) => {
      if (records.some((r) => r.dynamodb?.SequenceNumber === poison)) {
        throw new Error('relay crashed');
      }
      return undefined;
    });
    expect(parked.map((p) => p.record.dynamodb?.SequenceNumber)).toEqual([poison]);
    expect(parked[0]?.attempts).toBe(3);
    expect([...relayed].sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => sequence(i)).filter((s) => s !== poison),
    );
    expect(failing).toBe(0);
  });

  it('forgets a record’s failures once it goes through: nothing is held for records done', async () => {
    const flaky = new Map([
      [sequence(2), 2],
      [sequence(7), 1],
    ]);
    const { parked, relayed, failing } = await run(10, (records) => {
      for (const r of records) {
        const seq = String(r.dynamodb?.SequenceNumber);
        const left = flaky.get(seq) ?? 0;
        if (left > 0) {
          flaky.set(seq, left - 1);
          return { batchItemFailures: [{ itemIdentifier: seq }] };
        }
      }
      return { batchItemFailures: [] };
    });
    expect(parked).toEqual([]);
    expect(relayed.size).toBe(10);
    expect(failing).toBe(0);
  });
});
