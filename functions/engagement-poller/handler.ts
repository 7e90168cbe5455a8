import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createPollerDependencies } from '#functions/engagement-poller/dependencies';
import { pollEngagement } from '#functions/engagement-poller/poll-engagement';
import { loadConfig, nonEmpty } from '#shared/config';
import { scheduledTimeOf } from '#shared/events/scheduled';
import { logger } from '#shared/logger';
import { deployedNetworks } from '#shared/networks/deployment';

const config = loadConfig({ TABLE_NAME: nonEmpty });
// No token key: reading public engagement never opens an employee's tokens.
const networks = deployedNetworks(config.TABLE_NAME, undefined);

export const handler = middy<unknown, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const registry = await networks.registry();
    await pollEngagement(
      scheduledTimeOf(event),
      createPollerDependencies(config.TABLE_NAME, registry),
    );
  });
