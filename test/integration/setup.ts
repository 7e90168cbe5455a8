import { basename } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expect, inject } from 'vitest';
import { provisionTable } from '#infra/local/provision';

// The code under test builds its SDK clients from these, as it does from AWS's in the cloud.
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
  AWS_ENDPOINT_URL_SQS: inject('sqsEndpoint'),
  POWERTOOLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'ERROR',
});

/**
 * Each test file gets a table of its own, named after the file: a stage that reads across the
 * table (the dispatcher's due campaigns, the poller's due shares, a review queue, an audit walk)
 * then sees only what this file wrote, and no file waits on another's data.
 */
const fileName = basename(expect.getState().testPath ?? 'unknown', '.test.ts');
export const TABLE = `chorus-test-${fileName}`;
/**
 * The files that read what their stages committed to the outbox (test/fixtures/outbox.ts). Only
 * their tables get a stream: DynamoDB Local records every write of a streamed table, which
 * slows the suite's heavy files for nothing.
 */
const READS_OUTBOX = new Set([
  'approval-property',
  'campaign-preview-job',
  'fan-out-deliveries',
  'four-eyes',
  'outbox-relay',
  'outbox-stages',
  'policy-impact',
  'segment-thanks-job',
  'share-outbox',
  'stuck-work',
]);
const client = new DynamoDBClient({});
await provisionTable(client, TABLE, { stream: READS_OUTBOX.has(fileName) });
client.destroy();

export const SHARE_QUEUE_URL = inject('shareQueueUrl');
