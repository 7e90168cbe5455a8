import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { publishShare, type ShareWorkerDependencies } from '#functions/share-worker/publish-share';
import { loadConfig, nonEmpty } from '#shared/config';
import { publisherFor } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import { createNetworkRegistry } from '#shared/networks/registry';
import { ShareJob } from '#shared/shares/share';
import { createAuditStore } from '#shared/store/audit';
import { createCampaignStore } from '#shared/store/campaigns';
import { createEmployeeStore } from '#shared/store/employees';
import { createPersonalisationStore } from '#shared/store/personalisations';
import { createCompliancePolicyStore } from '#shared/store/policies';
import { createPostStore } from '#shared/store/posts';
import { createShareStore } from '#shared/store/shares';

const config = loadConfig({ TABLE_NAME: nonEmpty, EVENT_BUS_NAME: nonEmpty });
const audit = createAuditStore(config.TABLE_NAME);
const compliancePolicies = createCompliancePolicyStore(config.TABLE_NAME, audit);
const deps = {
  posts: createPostStore(config.TABLE_NAME, audit),
  audit,
  personalisations: createPersonalisationStore(config.TABLE_NAME, audit),
  policy: () => compliancePolicies.current(),
  campaigns: createCampaignStore(config.TABLE_NAME),
  employees: createEmployeeStore(config.TABLE_NAME),
  shares: createShareStore(config.TABLE_NAME),
  networks: createNetworkRegistry(config.TABLE_NAME),
  publish: publisherFor(config.EVENT_BUS_NAME),
  now: () => new Date(),
};

const processor = new BatchProcessor(EventType.SQS);

/** Reads each id once; a failed read is forgotten so the next job tries again. */
const readOnce = <T>(read: (id: string) => Promise<T>) => {
  const reads = new Map<string, Promise<T>>();
  return (id: string): Promise<T> => {
    let pending = reads.get(id);
    if (!pending) {
      pending = read(id);
      pending.catch(() => reads.delete(id));
      reads.set(id, pending);
    }
    return pending;
  };
};

/**
 * The jobs of a batch nearly always share one campaign and post: read those once per batch, not
 * once per job. Never across batches, so a withdrawn or edited post is seen by the next batch.
 */
const batchDependencies = (): ShareWorkerDependencies => ({
  ...deps,
  campaigns: { ...deps.campaigns, get: readOnce((id) => deps.campaigns.get(id)) },
  posts: { ...deps.posts, get: readOnce((id) => deps.posts.get(id)) },
});

/** A record that throws is reported back as failed; only it returns to the queue. */
const processRecord = async (
  record: SQSRecord,
  batchDeps: ShareWorkerDependencies,
): Promise<void> => {
  const job = ShareJob.parse(JSON.parse(record.body));
  const status = await publishShare(job, batchDeps);
  logger.info('Share job done', { shareId: job.shareId, network: job.network, status });
};

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event, context) => {
    const batchDeps = batchDependencies();
    return processPartialResponse(
      event,
      (record: SQSRecord) => processRecord(record, batchDeps),
      processor,
      {
        context,
      },
    );
  });
