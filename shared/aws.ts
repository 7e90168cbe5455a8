import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One client per service per process. Endpoints come from the SDK's standard variables
 * (AWS_ENDPOINT_URL_DYNAMODB, ...), which the local runtime sets: the same code talks to AWS
 * in the cloud and to DynamoDB Local, fauxqs and the local bus on a laptop.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;
let eventBridgeClient: EventBridgeClient | undefined;

export const dynamo = (): DynamoDBDocumentClient => {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
};

export const sqs = (): SQSClient => {
  // Send to the configured endpoint, not the queue URL's host: identical on AWS, and locally
  // fauxqs's queue URLs name hosts (sqs.<region>.localhost) that not every resolver knows.
  sqsClient ??= new SQSClient({ useQueueUrlAsEndpoint: false });
  return sqsClient;
};

export const eventBridge = (): EventBridgeClient => {
  eventBridgeClient ??= new EventBridgeClient({});
  return eventBridgeClient;
};
