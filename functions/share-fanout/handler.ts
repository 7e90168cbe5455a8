import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { fanOutCampaign } from '#functions/share-fanout/fan-out';
import { loadConfig, nonEmpty } from '#shared/config';
import { parseEvent } from '#shared/events/catalogue';
import { logger } from '#shared/logger';
import { sendShareJobs } from '#shared/queue/share-queue';
import { createCampaignStore } from '#shared/store/campaigns';
import { createEmployeeStore } from '#shared/store/employees';

const config = loadConfig({ TABLE_NAME: nonEmpty, SHARE_QUEUE_URL: nonEmpty });
const deps = {
  campaigns: createCampaignStore(config.TABLE_NAME),
  employees: createEmployeeStore(config.TABLE_NAME),
  sendJobs: (jobs: Parameters<typeof sendShareJobs>[1]) =>
    sendShareJobs(config.SHARE_QUEUE_URL, jobs),
};

export const handler = middy<EventBridgeEvent<string, unknown>, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    await fanOutCampaign(parseEvent('CampaignDue', event), deps);
  });
