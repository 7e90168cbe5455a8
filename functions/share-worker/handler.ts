import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ShareWorkerDependencies } from '#functions/share-worker/publish-share';
import { createShareWorker, type ShareQueueAccess } from '#functions/share-worker/worker';
import { now } from '#shared/clock';
import { loadConfig, nonEmpty } from '#shared/config';
import { logger } from '#shared/logger';
import { deployedNetworks } from '#shared/networks/deployment';
import { createJobScheduler } from '#shared/queue/job-scheduler';
import { delayReceivedMessage, sendShareJobs, sendToDeadLetter } from '#shared/queue/share-queue';
import { createAuditStore } from '#shared/store/audit';
import { createCampaignStore } from '#shared/store/campaigns';
import { createCredentialStore } from '#shared/store/credentials';
import { createDeferredJobStore } from '#shared/store/deferred-jobs';
import { createEmployeeStore } from '#shared/store/employees';
import { createLinkStore } from '#shared/store/links';
import { createPersonalisationStore } from '#shared/store/personalisations';
import { createCompliancePolicyStore, createSharingPolicyStore } from '#shared/store/policies';
import { createPostStore } from '#shared/store/posts';
import { createSegmentStore } from '#shared/store/segments';
import { createShareStore } from '#shared/store/shares';

const config = loadConfig({
  TABLE_NAME: nonEmpty,
  SHARE_QUEUE_URL: nonEmpty,
  SHARE_DLQ_URL: nonEmpty,
  TOKEN_KEY: nonEmpty,
  API_URL: nonEmpty,
});
const audit = createAuditStore(config.TABLE_NAME);
const compliancePolicies = createCompliancePolicyStore(config.TABLE_NAME, audit);
const sharingPolicies = createSharingPolicyStore(config.TABLE_NAME, audit);

/** The function's timeout is 30 s: a claim older than a minute belongs to a run that died. */
const LEASE_MS = 60_000;

const networks = deployedNetworks(config.TABLE_NAME, config.TOKEN_KEY);

const dependencies: Omit<ShareWorkerDependencies, 'networks'> = {
  posts: createPostStore(config.TABLE_NAME, audit),
  audit,
  personalisations: createPersonalisationStore(config.TABLE_NAME, audit),
  segments: createSegmentStore(config.TABLE_NAME, audit),
  policy: () => compliancePolicies.current(),
  sharingPolicy: () => sharingPolicies.current(),
  campaigns: createCampaignStore(config.TABLE_NAME, audit),
  employees: createEmployeeStore(config.TABLE_NAME, audit),
  shares: createShareStore(config.TABLE_NAME),
  credentials: createCredentialStore(config.TABLE_NAME, networks.cipher),
  links: createLinkStore(config.TABLE_NAME),
  linkBase: config.API_URL,
  now,
  leaseMs: LEASE_MS,
};

const queue: ShareQueueAccess = {
  delay: (receiptHandle, seconds) =>
    delayReceivedMessage(config.SHARE_QUEUE_URL, receiptHandle, seconds),
  deadLetter: (body, reason) => sendToDeadLetter(config.SHARE_DLQ_URL, body, reason),
  schedule: createJobScheduler(
    (jobs) => sendShareJobs(config.SHARE_QUEUE_URL, jobs),
    createDeferredJobStore(config.TABLE_NAME),
  ),
};

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) =>
    createShareWorker({ ...dependencies, networks: await networks.registry() }, queue)(
      event,
      context,
    ),
  );
