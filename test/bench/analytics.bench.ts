/**
 * Bench section, on the local runtime (`npm start`'s program, in this process): a background
 * analytics report over generated shares, asked for with POST /analytics/reports and run by the
 * job runner, against DynamoDB Local's raw read rate of the same shares through the same index
 * in the same run (paged queries, nothing parsed); and the same scope asked of GET /analytics,
 * refused for its size, against the API function's 10-second timeout. The job's rate × the job
 * runner's 900 seconds is the largest scope one run reads here (it has no checkpoint: a longer
 * one never finishes). The sharers are in the directory and in some of 20 defined segments, so
 * the report reads each page's people for its table by segment, as a company's would.
 * BENCH_ANALYTICS_SHARES overrides the size.
 */
import { performance } from 'node:perf_hooks';
import { LOCAL_NAMES } from '#infra/local/provision';
import type { Employee } from '#shared/employees/employee';
import type { Share } from '#shared/shares/share';
import { type Figure, progress, quick, report } from './figures';
import { startBenchRuntime } from './local-runtime';

const SHARES = Number(process.env.BENCH_ANALYTICS_SHARES ?? (quick ? 10_000 : 200_000));
const DAYS = 30;
const NETWORKS = ['sandbox', 'linkedin', 'x', 'mastodon'] as const;
const JOB_RUNNER_TIMEOUT_S = 900;
const API_TIMEOUT_S = 10;
const DAY = 86_400_000;

const runtime = await startBenchRuntime('analytics');
const { client } = runtime;
// Imported only now: their clients read the endpoint the runtime set.
const { batchWriteItems } = await import('#shared/store/batch');
const { shareItem } = await import('#shared/store/shares');
const { queryPages } = await import('#shared/store/query-pages');
const { keys } = await import('#shared/store/keys');
const { employeeItem } = await import('#shared/store/employees');
const { noConsent } = await import('#shared/employees/consent');

const table = LOCAL_NAMES.table;
const now = Date.now();
const from = new Date(now - DAYS * DAY);
const to = new Date(now);

/** A campaign of 50,000 people × 4 networks is 200,000 shares: these, spread over 30 days. */
const shareAt = (i: number): Share => {
  const startedAt = new Date(from.getTime() + 60_000 + ((i * 7_919_000) % ((DAYS - 1) * DAY)));
  const network = NETWORKS[i % NETWORKS.length] ?? 'sandbox';
  return {
    shareId: `bench-share-${i}`,
    campaignId: `bench-campaign-${i % 20}`,
    postId: `bench-post-${i % 20}`,
    employeeId: `bench-employee-${Math.floor(i / NETWORKS.length)}`,
    network,
    status: i % 10 === 0 ? 'skipped' : 'published',
    audienceSize: 100 + (i % 400),
    startedAt: startedAt.toISOString(),
    attempt: 1,
    publishedAt: startedAt.toISOString(),
    clicks: i % 5,
    engagement: {
      impressions: 300 + (i % 700),
      reactions: i % 11,
      comments: i % 3,
      reshares: i % 2,
    },
  } as Share;
};

const SEGMENTS = 20;

/** The person behind shares `4i … 4i+3`: in one department, so in one of the segments. */
const employeeAt = (i: number): Employee => ({
  employeeId: `bench-employee-${i}`,
  email: `bench-employee-${i}@acme.example`,
  version: 1,
  name: `Bench Person ${i}`,
  department: `dept-${i % SEGMENTS}`,
  groups: [],
  timeZone: 'Europe/Berlin',
  status: 'active',
  createdAt: from.toISOString(),
  consent: noConsent(),
  connections: {},
});

interface JobAnswer {
  job: { jobId: string; state: string; rowsDone: number };
}

const figures: Figure[] = [];
try {
  progress(`analytics: seeding ${SHARES.toLocaleString('en')} shares…`);
  const CHUNK = 2_500;
  for (let start = 0; start < SHARES; start += CHUNK) {
    const shares = Array.from({ length: Math.min(CHUNK, SHARES - start) }, (_, k) =>
      shareAt(start + k),
    );
    await batchWriteItems(
      table,
      shares.map((share) => ({ PutRequest: { Item: shareItem(share) } })),
    );
  }
  const people = Math.ceil(SHARES / NETWORKS.length);
  for (let start = 0; start < people; start += CHUNK) {
    const chunk = Array.from({ length: Math.min(CHUNK, people - start) }, (_, k) =>
      employeeAt(start + k),
    );
    await batchWriteItems(
      table,
      chunk.map((employee) => ({ PutRequest: { Item: employeeItem(employee) } })),
    );
  }
  const admin = await client.token('admin', 'bench-admin@acme.example');
  for (let n = 0; n < SEGMENTS; n++) {
    const defined = await client.call('PUT', `/segments/bench-dept-${n}`, admin, {
      name: `Department ${n}`,
      rule: { all: [{ attribute: 'department', in: [`dept-${n}`] }] },
    });
    if (defined.status >= 300) throw new Error(`PUT /segments: ${defined.status}`);
  }

  progress('analytics: raw reads of the same shares…');
  const rawStarted = performance.now();
  let raw = 0;
  for (let at = Date.parse(from.toISOString().slice(0, 10)); at < to.getTime(); at += DAY) {
    for await (const items of queryPages({
      TableName: table,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.sharesOfDay(new Date(at).toISOString().slice(0, 10)),
        ':from': from.toISOString(),
        ':to': to.toISOString(),
      },
      Limit: 1_000,
    })) {
      raw += items.length;
    }
  }
  const rawPerSecond = raw / ((performance.now() - rawStarted) / 1000);

  const marketing = await client.token('marketing', 'bench-analyst@acme.example');
  const scope = { from: from.toISOString(), to: to.toISOString() };
  // A first request loads the API's code; the one measured below finds it loaded.
  await client.call('GET', '/analytics?postId=bench-post-none', marketing);
  const refusedStarted = performance.now();
  const refused = await client.call<{ error: { code: string } }>(
    'GET',
    `/analytics?from=${encodeURIComponent(scope.from)}&to=${encodeURIComponent(scope.to)}`,
    marketing,
  );
  const refusedSeconds = (performance.now() - refusedStarted) / 1000;
  if (SHARES > 5_000 && refused.status !== 422) {
    throw new Error(`GET /analytics over ${SHARES} shares: ${refused.status}, expected 422`);
  }

  progress('analytics: the background report…');
  const started = performance.now();
  const opened = await client.call<JobAnswer>('POST', '/analytics/reports', marketing, scope);
  if (opened.status !== 202) throw new Error(`POST /analytics/reports: ${opened.status}`);
  let job = opened.body.job;
  while (job.state !== 'done') {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const read = await client.call<JobAnswer>('GET', `/jobs/${job.jobId}`, marketing);
    if (read.status !== 200) throw new Error(`GET /jobs: ${read.status}`);
    job = read.body.job;
  }
  const seconds = (performance.now() - started) / 1000;
  if (job.rowsDone !== SHARES) throw new Error(`the job read ${job.rowsDone} of ${SHARES} shares`);
  const done = await client.call<{ analytics: { bySegment: unknown[] } }>(
    'GET',
    `/analytics/reports/${job.jobId}`,
    marketing,
  );
  if (done.body.analytics.bySegment.length !== Math.min(SEGMENTS, Math.ceil(SHARES / 4))) {
    throw new Error(`the report has ${done.body.analytics.bySegment.length} segment rows`);
  }
  const perSecond = SHARES / seconds;
  figures.push(
    {
      section: `analytics report job (${SHARES.toLocaleString('en')} shares, ${DAYS} days)`,
      figure: 'shares read and reported per second, POST → done',
      value: perSecond,
      unit: 'shares/s',
      against: `raw paged reads of the same shares ${rawPerSecond.toFixed(0)}/s; ${seconds.toFixed(1)} s in all`,
      ratio: perSecond / rawPerSecond,
    },
    {
      section: `analytics report job (${SHARES.toLocaleString('en')} shares, ${DAYS} days)`,
      figure: 'largest scope one job run reads here (rate × the runner’s timeout)',
      value: perSecond * JOB_RUNNER_TIMEOUT_S,
      unit: 'shares',
      against: `job runner timeout ${JOB_RUNNER_TIMEOUT_S} s`,
    },
    {
      section: `analytics report job (${SHARES.toLocaleString('en')} shares, ${DAYS} days)`,
      figure: `GET /analytics over the same scope, refused ${refused.status}`,
      value: refusedSeconds,
      unit: 's',
      against: `API function timeout ${API_TIMEOUT_S} s`,
      met: refusedSeconds < API_TIMEOUT_S,
    },
  );
  report(figures);
} finally {
  await runtime.stop();
}
