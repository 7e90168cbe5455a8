import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type PutEntries, relayOutbox } from '#functions/outbox-relay/relay';
import { eventBridge } from '#shared/aws';
import { loadConfig, nonEmpty } from '#shared/config';
import { logger } from '#shared/logger';

const config = loadConfig({ EVENT_BUS_NAME: nonEmpty });

const put: PutEntries = async (entries) =>
  (await eventBridge().send(new PutEventsCommand({ Entries: [...entries] }))).Entries ?? [];

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => relayOutbox(event.Records, { busName: config.EVENT_BUS_NAME, put }));
