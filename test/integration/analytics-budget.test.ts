import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { runAnalyticsReport } from '#functions/job-runner/analytics-report';
import { REPORT_READ_BUDGET, SHARE_PAGE_SIZE } from '#shared/analytics/scope-report';
import { dynamo } from '#shared/aws';
import type { Share } from '#shared/shares/share';
import { batchWriteItems } from '#shared/store/batch';
import { shareItem } from '#shared/store/shares';
import { routeCaller } from '../fixtures/api-events';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const marketer = { sub: 'm-budget', email: 'marketer@budget.acme.example', groups: ['marketing'] };

const call = routeCaller(deps, marketer);

/** Share items read by queries while `watching`: the work a report does, counted at the client. */
let watching = false;
let sharesRead = 0;
dynamo().middlewareStack.add(
  (next, context) => async (args) => {
    const result = await next(args);
    const input = args.input as { IndexName?: string };
    if (watching && context.commandName === 'QueryCommand' && input.IndexName) {
      sharesRead += (result.output as { ScannedCount?: number }).ScannedCount ?? 0;
    }
    return result;
  },
  { step: 'initialize', name: 'countShareReads' },
);
const counting = async <T>(work: () => Promise<T>) => {
  watching = true;
  sharesRead = 0;
  try {
    return await work();
  } finally {
    watching = false;
  }
};

const DAY = 86_400_000;
const NETWORKS = ['sandbox', 'linkedin', 'x', 'mastodon'] as const;
const STATUSES = ['published', 'published', 'published', 'published', 'failed', 'skipped'] as const;
const now = Date.now();
const from = new Date(now - 10 * DAY).toISOString();
const to = new Date(now).toISOString();

/** `count` shares of one campaign, a person on four networks each, spread over nine days. */
const sharesOf = (campaignId: string, postId: string, count: number): Share[] =>
  Array.from({ length: count }, (_, i) => {
    const startedAt = new Date(now - 9 * DAY + ((i * 7_919_000) % (9 * DAY))).toISOString();
    const status = STATUSES[i % STATUSES.length] ?? 'published';
    const network = NETWORKS[i % NETWORKS.length] ?? 'sandbox';
    return {
      shareId: `${campaignId}-${i}`,
      campaignId,
      postId,
      employeeId: `emp-${campaignId}-${Math.floor(i / NETWORKS.length)}`,
      network,
      status,
      audienceSize: 100 + (i % 37) * 11,
      startedAt,
      attempt: 1,
      ...(status === 'published'
        ? {
            publishedAt: new Date(Date.parse(startedAt) + (i % 5) * 60_000).toISOString(),
            clicks: i % 4,
            ...(network === 'linkedin'
              ? { engagementUnavailable: 'LinkedIn gives no figures to this app' }
              : {
                  engagement: {
                    impressions: network === 'mastodon' ? null : 200 + (i % 101),
                    reactions: i % 9,
                    comments: i % 3,
                    reshares: i % 2,
                  },
                }),
          }
        : { reason: 'not_connected' }),
    } as Share;
  });

const seed = (shares: readonly Share[]) =>
  batchWriteItems(
    TABLE,
    shares.map((share) => ({ PutRequest: { Item: shareItem(share) } })),
  );

let arranged: Arranged;
const IN_CAMPAIGN = 3_000;
const ELSEWHERE = 3_000;

beforeAll(async () => {
  arranged = await arrangeCampaign(
    {
      table: TABLE,
      posts: deps.posts,
      campaigns: deps.campaigns,
      segments: deps.segments,
    },
    { count: 1 },
  );
  await seed(sharesOf(arranged.campaign.campaignId, arranged.post.postId, IN_CAMPAIGN));
  await seed(sharesOf('cmp_elsewhere', 'post_elsewhere', ELSEWHERE));
}, 120_000);

const runJob = (jobId: string) =>
  runAnalyticsReport({ jobId }, { ...deps, now: () => new Date() }, () => 900_000);

describe('a report within one request’s read budget, or refused', () => {
  it('refuses a scope beyond the budget with 422 report_too_large, having read no more than the budget and a page', async () => {
    expect(IN_CAMPAIGN + ELSEWHERE).toBeGreaterThan(REPORT_READ_BUDGET.shares);
    const { status, body } = await counting(() => call('GET /analytics', { query: { from, to } }));
    expect(status).toBe(422);
    expect(body.error.code).toBe('report_too_large');
    expect(body.error.message).toContain('POST /analytics/reports');
    expect(sharesRead).toBeGreaterThan(REPORT_READ_BUDGET.shares);
    expect(sharesRead).toBeLessThanOrEqual(REPORT_READ_BUDGET.shares + SHARE_PAGE_SIZE);
  });

  it('answers a scope within the budget, reading each share once', async () => {
    const { status, body } = await counting(() =>
      call('GET /analytics', { query: { campaignId: arranged.campaign.campaignId } }),
    );
    expect(status).toBe(200);
    expect(sharesRead).toBe(IN_CAMPAIGN);
    expect(body.analytics.totals.shares.value).toBe(
      sharesOf('c', 'p', IN_CAMPAIGN).filter((s) => s.status === 'published').length,
    );
  });
});

describe('a background report', () => {
  it('gives the same report as the request over the same data', async () => {
    const queries: Record<string, string>[] = [
      { campaignId: arranged.campaign.campaignId, timeZone: 'Europe/Paris' },
      { postId: arranged.post.postId, from, to, network: 'x' },
    ];
    for (const query of queries) {
      const direct = await call('GET /analytics', { query });
      expect(direct.status).toBe(200);
      const started = await call('POST /analytics/reports', { body: query });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const { jobId } = started.body.job;
      expect(started.body.job).toMatchObject({ kind: 'analyticsReport', state: 'queued' });
      expect(await runJob(jobId)).toBe('done');
      const background = await call('GET /analytics/reports/{jobId}', {
        pathParameters: { jobId },
      });
      expect(background.status).toBe(200);
      // The same report; its keys come back from DynamoDB in another order.
      expect(background.body).toEqual(direct.body);
      const table = { format: 'csv', table: 'byNetwork' };
      const [csvDirect, csvBackground] = await Promise.all([
        call('GET /analytics', { query: { ...query, ...table } }),
        call('GET /analytics/reports/{jobId}', { pathParameters: { jobId }, query: table }),
      ]);
      expect(csvBackground.body).toBe(csvDirect.body);
    }
  });

  it('reads a scope beyond the request’s budget, and keeps the result on its job', async () => {
    const started = await call('POST /analytics/reports', { body: { from, to } });
    expect(started.status).toBe(202);
    const { jobId } = started.body.job;
    const early = await call('GET /analytics/reports/{jobId}', { pathParameters: { jobId } });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain(`GET /jobs/${jobId}`);

    expect(await runJob(jobId)).toBe('done');
    // A duplicated JobRunDue finds it done and changes nothing.
    expect(await runJob(jobId)).toBe('done');
    const followed = await call('GET /jobs/{jobId}', { pathParameters: { jobId } });
    expect(followed.status).toBe(200);
    expect(followed.body.job).toMatchObject({
      state: 'done',
      rowsDone: IN_CAMPAIGN + ELSEWHERE,
    });
    const all = [...sharesOf('a', 'p', IN_CAMPAIGN), ...sharesOf('b', 'q', ELSEWHERE)];
    const { totals, byNetwork } = followed.body.analytics.report;
    expect(totals.shares.value).toBe(all.filter((s) => s.status === 'published').length);
    expect(totals.failed.value).toBe(all.filter((s) => s.status === 'failed').length);
    expect(totals.clicks.value).toBe(all.reduce((t, s) => t + (s.clicks ?? 0), 0));
    expect(byNetwork.map((r: { network: string }) => r.network)).toEqual([
      'linkedin',
      'mastodon',
      'sandbox',
      'x',
    ]);

    const csv = await call('GET /analytics/reports/{jobId}', {
      pathParameters: { jobId },
      query: { format: 'csv', table: 'byDay' },
    });
    expect(csv.status).toBe(200);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]).toMatch(/^day,shares \(counted\),/);
    expect(lines.length - 1).toBe(followed.body.analytics.report.byDay.length);
  });

  it('refuses an unknown campaign at once, and is no report for another job', async () => {
    const unknown = await call('POST /analytics/reports', { body: { campaignId: 'cmp_nope' } });
    expect(unknown.status).toBe(404);
    const reversed = await call('POST /analytics/reports', { body: { from: to, to: from } });
    expect(reversed.status).toBe(400);
    const missing = await call('GET /analytics/reports/{jobId}', {
      pathParameters: { jobId: 'job_nope' },
    });
    expect(missing.status).toBe(404);
  });
});
