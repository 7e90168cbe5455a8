import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dispatchDueCampaigns } from '#functions/dispatcher/dispatch-due';
import { noticeExpiringConnections } from '#functions/dispatcher/notice-expiring-connections';
import { releaseDeferredJobs } from '#functions/dispatcher/release-deferred';
import { sweepExpiredClaims } from '#functions/dispatcher/sweep-claims';
import { sweepDeadlines } from '#functions/dispatcher/sweep-deadlines';
import { reannounceStalledSlices } from '#functions/dispatcher/sweep-stalled-slices';
import { reannounceUncheckedPosts } from '#functions/dispatcher/sweep-unchecked-posts';
import { now as clock } from '#shared/clock';
import { loadConfig, nonEmpty } from '#shared/config';
import { scheduledTimeOf } from '#shared/events/scheduled';
import { logger } from '#shared/logger';
import { sendShareJobs } from '#shared/queue/share-queue';
import { createShareOutcomes } from '#shared/shares/outcome';
import { createAuditStore } from '#shared/store/audit';
import { createCampaignStore } from '#shared/store/campaigns';
import { createDeferredJobStore } from '#shared/store/deferred-jobs';
import { createEmployeeStore } from '#shared/store/employees';
import { createPostStore } from '#shared/store/posts';
import { createShareIssueStore } from '#shared/store/share-issues';
import { createShareStore } from '#shared/store/shares';

const config = loadConfig({
  TABLE_NAME: nonEmpty,
  SHARE_QUEUE_URL: nonEmpty,
});
const audit = createAuditStore(config.TABLE_NAME);
const shares = createShareStore(config.TABLE_NAME);
const deps = {
  campaigns: createCampaignStore(config.TABLE_NAME, audit),
  posts: createPostStore(config.TABLE_NAME, audit),
  deferred: createDeferredJobStore(config.TABLE_NAME),
  employees: createEmployeeStore(config.TABLE_NAME, audit),
  send: (jobs: Parameters<typeof sendShareJobs>[1]) => sendShareJobs(config.SHARE_QUEUE_URL, jobs),
  shares,
  shareIssues: createShareIssueStore(config.TABLE_NAME),
  outcomes: createShareOutcomes({ audit, shares, now: clock }),
};

/**
 * Every minute: expire and lapse what is past its deadline, announce due campaigns, hand the
 * queue the share jobs that were waiting in DynamoDB for their time, finish shares whose worker
 * died holding them, warn of connections about to expire, and announce again the work that
 * stopped (posts never checked, fan-out slices that stalled).
 */
export const handler = middy<unknown, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const now = scheduledTimeOf(event);
    await sweepDeadlines(now, deps);
    await dispatchDueCampaigns(now, deps);
    await releaseDeferredJobs(now, deps);
    await sweepExpiredClaims(now, deps);
    await noticeExpiringConnections(now, deps);
    await reannounceUncheckedPosts(now, deps);
    await reannounceStalledSlices(now, deps);
  });
