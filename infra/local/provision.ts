import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { eventDelivery, outboxRelayDelivery, shareQueue, table } from '#infra/declaration';

export const LOCAL_NAMES = {
  table: 'chorus',
  bus: 'chorus',
  shareQueue: 'chorus-share',
  shareDeadLetterQueue: 'chorus-share-dlq',
  eventDeadLetterQueue: 'chorus-event-dlq',
  outboxRelayDeadLetterQueue: 'chorus-outbox-relay-dlq',
} as const;

/**
 * Creates the table from the declaration unless it is there already (data persists between
 * runs). With its stream, as in AWS, unless told otherwise: a test that reads no outbox spares
 * DynamoDB Local the work of recording every write.
 */
export const provisionTable = async (
  client: DynamoDBClient,
  tableName: string = LOCAL_NAMES.table,
  { stream = true }: { stream?: boolean } = {},
): Promise<void> => {
  const attributes = [
    table.partitionKey,
    table.sortKey,
    ...table.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes.map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        // The outbox relay reads it, as in AWS.
        ...(stream
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }
          : {}),
        GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await addMissingIndexes(client, tableName);
  if (stream) await enableStream(client, tableName);
  await client
    .send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
      }),
    )
    .catch((error: unknown) => {
      // Asking twice is refused with "already enabled"; that is the state we want.
      if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
    });
};

/** Data kept from an older Chorus may predate the stream: without it no event leaves. */
const enableStream = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.StreamSpecification?.StreamEnabled) return;
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream },
    }),
  );
};

/** Data kept from an older Chorus may predate an index the declaration added since. */
const addMissingIndexes = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const index of table.globalSecondaryIndexes.filter((i) => !present.has(i.name))) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
  }
};

const days = (n: number) => String(n * 86_400);

export interface LocalQueues {
  shareQueueUrl: string;
  shareDeadLetterQueueUrl: string;
  eventDeadLetterQueueUrl: string;
  outboxRelayDeadLetterQueueUrl: string;
}

/** The share queue with its redrive policy, and the dead-letter queues, as the stack declares them. */
export const provisionQueues = async (client: SQSClient): Promise<LocalQueues> => {
  const create = async (name: string, attributes: Record<string, string>) =>
    (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })))
      .QueueUrl as string;
  const shareDeadLetterQueueUrl = await create(LOCAL_NAMES.shareDeadLetterQueue, {
    MessageRetentionPeriod: days(shareQueue.deadLetter.retentionDays),
  });
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: shareDeadLetterQueueUrl,
      AttributeNames: ['QueueArn'],
    }),
  );
  const shareQueueUrl = await create(LOCAL_NAMES.shareQueue, {
    VisibilityTimeout: String(shareQueue.visibilityTimeoutSeconds),
    MessageRetentionPeriod: days(shareQueue.retentionDays),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: Attributes?.QueueArn,
      maxReceiveCount: shareQueue.deadLetter.maxReceiveCount,
    }),
  });
  const eventDeadLetterQueueUrl = await create(LOCAL_NAMES.eventDeadLetterQueue, {
    MessageRetentionPeriod: days(eventDelivery.deadLetter.retentionDays),
  });
  const outboxRelayDeadLetterQueueUrl = await create(LOCAL_NAMES.outboxRelayDeadLetterQueue, {
    MessageRetentionPeriod: days(outboxRelayDelivery.deadLetter.retentionDays),
  });
  return {
    shareQueueUrl,
    shareDeadLetterQueueUrl,
    eventDeadLetterQueueUrl,
    outboxRelayDeadLetterQueueUrl,
  };
};
