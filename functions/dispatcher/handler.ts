import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dispatchDueCampaigns } from '#functions/dispatcher/dispatch-due';
import { sweepDeadlines } from '#functions/dispatcher/sweep-deadlines';
import { loadConfig, nonEmpty } from '#shared/config';
import { publisherFor } from '#shared/events/publisher';
import { scheduledTimeOf } from '#shared/events/scheduled';
import { logger } from '#shared/logger';
import { createAuditStore } from '#shared/store/audit';
import { createCampaignStore } from '#shared/store/campaigns';
import { createPostStore } from '#shared/store/posts';

const config = loadConfig({ TABLE_NAME: nonEmpty, EVENT_BUS_NAME: nonEmpty });
const deps = {
  campaigns: createCampaignStore(config.TABLE_NAME),
  posts: createPostStore(config.TABLE_NAME, createAuditStore(config.TABLE_NAME)),
  publish: publisherFor(config.EVENT_BUS_NAME),
};

/** Every minute: expire and lapse what is past its deadline, then announce due campaigns. */
export const handler = middy<unknown, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const now = scheduledTimeOf(event);
    await sweepDeadlines(now, deps);
    await dispatchDueCampaigns(now, deps);
  });
