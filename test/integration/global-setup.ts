import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { freePort } from '#infra/local/ports';
import { provisionQueues, provisionTable } from '#infra/local/provision';
import { OWN_TABLES } from './own-tables';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
    shareQueueUrl: string;
  }
}

/** Real DynamoDB Local (in memory) and fauxqs, once for the whole integration run. */
export default async function setup(project: TestProject) {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  const sqs = await startFauxqs({ port: 0, logger: false });
  const dynamoClient = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials,
  });
  const sqsClient = new SQSClient({ endpoint: sqs.address, region: 'us-east-1', credentials });
  // Each file's own table is made by setup.ts; these are the extra ones some files need.
  for (const table of Object.values(OWN_TABLES)) {
    await provisionTable(dynamoClient, table, { stream: false });
  }
  const queues = await provisionQueues(sqsClient);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', sqs.address);
  project.provide('shareQueueUrl', queues.shareQueueUrl);
  return async () => {
    dynamoClient.destroy();
    sqsClient.destroy();
    await sqs.stop();
    await dynamo.stop();
  };
}
