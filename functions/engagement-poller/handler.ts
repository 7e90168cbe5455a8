import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { pollEngagement } from '#functions/engagement-poller/poll-engagement';
import { loadConfig, nonEmpty } from '#shared/config';
import { publisherFor } from '#shared/events/publisher';
import { scheduledTimeOf } from '#shared/events/scheduled';
import { logger } from '#shared/logger';
import { createNetworkRegistry } from '#shared/networks/registry';
import { createShareStore } from '#shared/store/shares';

const config = loadConfig({ TABLE_NAME: nonEmpty, EVENT_BUS_NAME: nonEmpty });
const deps = {
  shares: createShareStore(config.TABLE_NAME),
  networks: createNetworkRegistry(config.TABLE_NAME),
  publish: publisherFor(config.EVENT_BUS_NAME),
};

export const handler = middy<unknown, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    await pollEngagement(scheduledTimeOf(event), deps);
  });
