import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dispatchDueCampaigns } from '#functions/dispatcher/dispatch-due';
import { loadConfig, nonEmpty } from '#shared/config';
import { publisherFor } from '#shared/events/publisher';
import { scheduledTimeOf } from '#shared/events/scheduled';
import { logger } from '#shared/logger';
import { createCampaignStore } from '#shared/store/campaigns';

const config = loadConfig({ TABLE_NAME: nonEmpty, EVENT_BUS_NAME: nonEmpty });
const deps = {
  campaigns: createCampaignStore(config.TABLE_NAME),
  publish: publisherFor(config.EVENT_BUS_NAME),
};

export const handler = middy<unknown, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    await dispatchDueCampaigns(scheduledTimeOf(event), deps);
  });
