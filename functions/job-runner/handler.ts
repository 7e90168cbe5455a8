import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { runAnalyticsReport } from '#functions/job-runner/analytics-report';
import { runDirectoryImport } from '#functions/job-runner/import-directory';
import { runPolicyImpact } from '#functions/job-runner/policy-impact';
import { runCampaignPreview } from '#functions/job-runner/preview-campaign';
import { runSegmentThanks } from '#functions/job-runner/thank-segment';
import { now } from '#shared/clock';
import { loadConfig, nonEmpty } from '#shared/config';
import { parseEvent } from '#shared/events/catalogue';
import { logger } from '#shared/logger';
import { createAuditStore } from '#shared/store/audit';
import { createCampaignStore } from '#shared/store/campaigns';
import { createEmployeeStore } from '#shared/store/employees';
import { createJobStore } from '#shared/store/jobs';
import { createEngagementPolicyStore, createSharingPolicyStore } from '#shared/store/policies';
import { createPostStore } from '#shared/store/posts';
import { createRecognitionStore } from '#shared/store/recognition';
import { createSegmentStore } from '#shared/store/segments';
import { createShareStore } from '#shared/store/shares';

const config = loadConfig({ TABLE_NAME: nonEmpty, API_URL: nonEmpty });
const audit = createAuditStore(config.TABLE_NAME);
const sharingPolicies = createSharingPolicyStore(config.TABLE_NAME, audit);
const deps = {
  jobs: createJobStore(config.TABLE_NAME),
  employees: createEmployeeStore(config.TABLE_NAME, audit),
  posts: createPostStore(config.TABLE_NAME, audit),
  campaigns: createCampaignStore(config.TABLE_NAME, audit),
  segments: createSegmentStore(config.TABLE_NAME, audit),
  recognition: createRecognitionStore(config.TABLE_NAME, audit),
  sharingPolicy: () => sharingPolicies.current(),
  shares: createShareStore(config.TABLE_NAME),
  engagementPolicies: createEngagementPolicyStore(config.TABLE_NAME, audit),
  audit,
  now,
  linkBase: config.API_URL,
};

/**
 * `JobRunDue`: work on a background job until it is done or this invocation's time runs short;
 * the job's kind says which work it is.
 */
export const handler = middy<EventBridgeEvent<string, unknown>, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    const due = parseEvent('JobRunDue', event);
    const timeLeft = () => context.getRemainingTimeInMillis();
    const job = await deps.jobs.get(due.jobId);
    const run = {
      directoryImport: runDirectoryImport,
      campaignPreview: runCampaignPreview,
      segmentThanks: runSegmentThanks,
      analyticsReport: runAnalyticsReport,
      policyImpact: runPolicyImpact,
    }[job.kind];
    await run(due, deps, timeLeft);
  });
