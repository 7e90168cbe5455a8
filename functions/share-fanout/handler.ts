import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { fanOutSlice, startFanOut } from '#functions/share-fanout/fan-out';
import { now } from '#shared/clock';
import { loadConfig, nonEmpty } from '#shared/config';
import { DETAIL_TYPES, parseEvent } from '#shared/events/catalogue';
import { logger } from '#shared/logger';
import { createJobScheduler } from '#shared/queue/job-scheduler';
import { sendShareJobs } from '#shared/queue/share-queue';
import { createAuditStore } from '#shared/store/audit';
import { createCampaignStore } from '#shared/store/campaigns';
import { createDeferredJobStore } from '#shared/store/deferred-jobs';
import { createEmployeeStore } from '#shared/store/employees';
import { createSharingPolicyStore } from '#shared/store/policies';
import { createPostStore } from '#shared/store/posts';
import { createSegmentStore } from '#shared/store/segments';
import { createSpendStore } from '#shared/store/spend';

const config = loadConfig({
  TABLE_NAME: nonEmpty,
  SHARE_QUEUE_URL: nonEmpty,
});
const audit = createAuditStore(config.TABLE_NAME);
const sharingPolicies = createSharingPolicyStore(config.TABLE_NAME, audit);
const deps = {
  campaigns: createCampaignStore(config.TABLE_NAME, audit),
  posts: createPostStore(config.TABLE_NAME, audit),
  employees: createEmployeeStore(config.TABLE_NAME, audit),
  segments: createSegmentStore(config.TABLE_NAME, audit),
  spend: createSpendStore(config.TABLE_NAME),
  sharingPolicy: () => sharingPolicies.current(),
  schedule: createJobScheduler(
    (jobs) => sendShareJobs(config.SHARE_QUEUE_URL, jobs),
    createDeferredJobStore(config.TABLE_NAME),
  ),
  now,
};

/** `CampaignDue` splits a campaign into slices; `CampaignSliceDue` fans out one of them. */
export const handler = middy<EventBridgeEvent<string, unknown>, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    if (event['detail-type'] === DETAIL_TYPES.campaignSliceDue) {
      await fanOutSlice(parseEvent('CampaignSliceDue', event), deps, () =>
        context.getRemainingTimeInMillis(),
      );
      return;
    }
    await startFanOut(parseEvent('CampaignDue', event), deps);
  });
