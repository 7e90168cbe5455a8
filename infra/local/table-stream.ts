import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * Reads a DynamoDB Local table's own stream as Lambda's event source does: each shard in order,
 * from its oldest record, a batch at a time, moving on only when told the batch is done. The
 * records are handed over in the shape a stream-triggered Lambda receives.
 */
export interface TableStreamReader {
  /** The next batch of every shard that has one (at most `limit` records each). */
  read(limit: number): Promise<StreamBatch[]>;
  /**
   * How far the batch is done: all of it, everything before a record (which is read again), or
   * everything up to and including one (given up on).
   */
  checkpoint(
    batch: StreamBatch,
    done: 'all' | { before: string } | { after: string },
  ): Promise<void>;
  close(): void;
}

export interface StreamBatch {
  shardId: string;
  records: DynamoDBRecord[];
}

interface ShardPosition {
  iterator: string | undefined;
  /** The iterator that reads the batch after the one just read, kept until it is checkpointed. */
  next: string | undefined;
  finished: boolean;
}

export const openTableStream = async (options: {
  dynamo: DynamoDBClient;
  /** DynamoDB Local serves its streams on its own endpoint. */
  endpoint: string;
  tableName: string;
}): Promise<TableStreamReader> => {
  const config = options.dynamo.config;
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: await config.region(),
    credentials: await config.credentials(),
  });
  const { Table } = await options.dynamo.send(
    new DescribeTableCommand({ TableName: options.tableName }),
  );
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
  const shards = new Map<string, ShardPosition>();

  const discoverShards = async () => {
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        const shardId = shard.ShardId ?? '';
        if (shards.has(shardId)) continue;
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        shards.set(shardId, { iterator: ShardIterator, next: undefined, finished: false });
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  };

  return {
    async read(limit) {
      await discoverShards();
      const batches: StreamBatch[] = [];
      for (const [shardId, position] of shards) {
        if (position.finished || !position.iterator) continue;
        const { Records = [], NextShardIterator } = await streams.send(
          new GetRecordsCommand({ ShardIterator: position.iterator, Limit: limit }),
        );
        position.next = NextShardIterator;
        if (Records.length === 0) {
          // Nothing new: an empty read is its own checkpoint; a closed shard is done for good.
          position.iterator = NextShardIterator;
          position.finished = NextShardIterator === undefined;
          continue;
        }
        batches.push({ shardId, records: Records.map((r) => lambdaRecord(r, streamArn)) });
      }
      return batches;
    },

    async checkpoint(batch, done) {
      const position = shards.get(batch.shardId);
      if (!position) return;
      if (done === 'all') {
        position.iterator = position.next;
        position.finished = position.next === undefined;
        return;
      }
      // Read again from the first record not done, as Lambda does with a partial batch failure.
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: batch.shardId,
          ...('before' in done
            ? { ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: done.before }
            : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: done.after }),
        }),
      );
      position.iterator = ShardIterator;
    },

    close: () => streams.destroy(),
  };
};

/** The SDK's record as a Lambda stream event carries it (epoch seconds, the source ARN). */
const lambdaRecord = (record: StreamRecord, streamArn: string): DynamoDBRecord =>
  ({
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...record.dynamodb,
      ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime
        ? Math.floor(record.dynamodb.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
    },
  }) as DynamoDBRecord;
