import { inject } from 'vitest';
import { LOCAL_NAMES } from '#infra/local/provision';

// The code under test builds its SDK clients from these, as it does from AWS's in the cloud.
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
  AWS_ENDPOINT_URL_SQS: inject('sqsEndpoint'),
  POWERTOOLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'ERROR',
});

export const TABLE = LOCAL_NAMES.table;
export const SHARE_QUEUE_URL = inject('shareQueueUrl');
