import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { runAnalyticsReport } from '#functions/job-runner/analytics-report';
import { dynamo } from '#shared/aws';
import type { Share } from '#shared/shares/share';
import { batchWriteItems } from '#shared/store/batch';
import { shareItem } from '#shared/store/shares';
import { routeCaller } from '../fixtures/api-events';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { TABLE } from './setup';

/**
 * The report's tables by campaign and by segment: a share counts in its campaign's row and in
 * every segment its employee belongs to when the report is made; the background report gives
 * the same tables, and the employees are read once per page, not once per use.
 */
const deps = createApiDependencies({ TABLE_NAME: TABLE });
const marketer = { sub: 'm-groups', email: 'marketer@groups.acme.example', groups: ['marketing'] };

const call = routeCaller(deps, marketer);

/** Employee profiles read by batch reads while `watching`, by id. */
let watching = false;
const profileReads = new Map<string, number>();
dynamo().middlewareStack.add(
  (next, context) => async (args) => {
    if (
      watching &&
      ['BatchGetCommand', 'BatchGetItemCommand'].includes(context.commandName ?? '')
    ) {
      // The keys may already be marshalled ({ S: … }) when this runs.
      type Value = string | { S?: string };
      const text = (value: Value) => (typeof value === 'string' ? value : (value.S ?? ''));
      const input = args.input as {
        RequestItems: Record<string, { Keys: { pk: Value; sk: Value }[] }>;
      };
      for (const { Keys } of Object.values(input.RequestItems)) {
        for (const key of Keys) {
          const pk = text(key.pk);
          if (text(key.sk) === 'PROFILE' && pk.startsWith('EMPLOYEE#')) {
            profileReads.set(pk, (profileReads.get(pk) ?? 0) + 1);
          }
        }
      }
    }
    return next(args);
  },
  { step: 'initialize', name: 'countProfileReads' },
);

const HOUR = 3_600_000;
const now = Date.now();
const from = new Date(now - 2 * 24 * HOUR).toISOString();
const to = new Date(now).toISOString();

/** Two published shares per person (sandbox and x), with known clicks and engagement. */
const sharesOf = (arranged: Arranged): Share[] =>
  arranged.people.flatMap((person, i) =>
    (['sandbox', 'x'] as const).map(
      (network, n) =>
        ({
          shareId: `${arranged.campaign.campaignId}-${i}-${network}`,
          campaignId: arranged.campaign.campaignId,
          postId: arranged.post.postId,
          employeeId: person.employeeId,
          network,
          status: 'published',
          audienceSize: 100,
          startedAt: new Date(now - (5 + i) * HOUR).toISOString(),
          publishedAt: new Date(now - (5 + i) * HOUR + 60_000).toISOString(),
          attempt: 1,
          clicks: 1 + n,
          engagement: { impressions: 200, reactions: 3, comments: 1, reshares: 0 },
        }) as Share,
    ),
  );

let first: Arranged;
let second: Arranged;
const LEADS = 'leads-groups';

beforeAll(async () => {
  const stores = {
    table: TABLE,
    posts: deps.posts,
    campaigns: deps.campaigns,
    segments: deps.segments,
  };
  first = await arrangeCampaign(stores, { count: 3 });
  second = await arrangeCampaign(stores, { count: 2 });
  // A member list naming one person of each campaign: their shares count here too.
  await deps.segments.put(
    {
      segmentId: LEADS,
      name: 'Leads',
      members: [first.people[0]!.email, second.people[0]!.email],
      updatedBy: 'admin',
      updatedAt: new Date().toISOString(),
    },
    undefined,
  );
  await batchWriteItems(
    TABLE,
    [...sharesOf(first), ...sharesOf(second)].map((share) => ({
      PutRequest: { Item: shareItem(share) },
    })),
  );
  // The last person of the first campaign moved to the second's department after sharing:
  // membership is as of the report, so their shares count in the second segment.
  const moved = first.people[2]!;
  await deps.employees.update(moved, { department: second.department }, 'admin', new Date());
}, 60_000);

type Row = Record<string, unknown>;
const rowOf = (rows: Row[], key: string, value: string) => rows.find((r) => r[key] === value);

const runJob = (jobId: string) =>
  runAnalyticsReport({ jobId }, { ...deps, now: () => new Date() }, () => 900_000);

describe('the report by campaign', () => {
  it('has a row per campaign with its post and the same figures as the other tables', async () => {
    const { status, body } = await call('GET /analytics', { query: { from, to } });
    expect(status).toBe(200);
    const rows: Row[] = body.analytics.byCampaign;
    const a = rowOf(rows, 'campaignId', first.campaign.campaignId);
    const b = rowOf(rows, 'campaignId', second.campaign.campaignId);
    expect(a).toMatchObject({
      postId: first.post.postId,
      title: first.post.title,
      shares: 6,
      clicks: 9,
      impressions: 1200,
      reactions: 18,
      sharesMeasured: 6,
    });
    expect(b).toMatchObject({ postId: second.post.postId, shares: 4, clicks: 6 });
    expect(typeof a?.earnedMediaValueUsd).toBe('number');
    // The campaign rows add up to the totals.
    const sum = (rows as { shares: number }[]).reduce((t, r) => t + r.shares, 0);
    expect(sum).toBe(body.analytics.totals.shares.value);
  });

  it('exports the table as CSV with each figure’s source in its header', async () => {
    const { status, body } = await call('GET /analytics', {
      query: { from, to, format: 'csv', table: 'byCampaign' },
    });
    expect(status).toBe(200);
    const lines = String(body).trim().split('\r\n');
    expect(lines[0]).toMatch(
      /^campaignId,postId,title,shares \(counted\),potentialReach \(counted\),impressions \(measured\),/,
    );
    expect(lines[0]).toContain('earnedMediaValueUsd (estimated)');
    expect(lines.some((l) => l.startsWith(`${first.campaign.campaignId},`))).toBe(true);
  });
});

describe('the report by segment', () => {
  it('counts a share in every segment its employee belongs to now', async () => {
    const { status, body } = await call('GET /analytics', { query: { from, to } });
    expect(status).toBe(200);
    const rows: Row[] = body.analytics.bySegment;
    // First department: people 0 and 1 (person 2 moved away); second: its two and person 2.
    expect(rowOf(rows, 'segmentId', first.segmentId)).toMatchObject({
      name: first.department,
      shares: 4,
      clicks: 6,
    });
    expect(rowOf(rows, 'segmentId', second.segmentId)).toMatchObject({ shares: 6, clicks: 9 });
    expect(rowOf(rows, 'segmentId', LEADS)).toMatchObject({ name: 'Leads', shares: 4 });
  });

  it('reads each employee once a page, filter and table alike, and exports the table as CSV', async () => {
    profileReads.clear();
    watching = true;
    const filtered = await call('GET /analytics', {
      query: { from, to, segmentId: second.segmentId },
    }).finally(() => {
      watching = false;
    });
    expect(filtered.status).toBe(200);
    const { bySegment, topAdvocates } = filtered.body.analytics;
    // In scope: the second segment's three people; two of them are also leads.
    expect(rowOf(bySegment, 'segmentId', second.segmentId)).toMatchObject({ shares: 6 });
    expect(rowOf(bySegment, 'segmentId', LEADS)).toMatchObject({ shares: 2 });
    expect(rowOf(bySegment, 'segmentId', first.segmentId)).toBeUndefined();
    // One page of shares: each person read once for it, the top advocates once more for names.
    const everyone = [...first.people, ...second.people];
    const readsOf = (id: string) => profileReads.get(`EMPLOYEE#${id}`) ?? 0;
    const named = new Set(topAdvocates.map((r: { employeeId: string }) => r.employeeId));
    for (const person of everyone) {
      expect(readsOf(person.employeeId), person.employeeId).toBe(
        named.has(person.employeeId) ? 2 : 1,
      );
    }

    const csv = await call('GET /analytics', {
      query: { from, to, format: 'csv', table: 'bySegment' },
    });
    expect(csv.status).toBe(200);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]).toMatch(/^segmentId,name,shares \(counted\),/);
    expect(lines.length - 1).toBe(3);
  });

  it('says in the route’s description that membership is as of the report', async () => {
    const { getAnalytics } = await import('#functions/api/routes/analytics');
    expect(getAnalytics.description).toMatch(/segment.*as of now|as of now.*segment/is);
  });
});

describe('a background report', () => {
  it('gives the same campaign and segment tables as the request', async () => {
    const queries: Record<string, string>[] = [
      { from, to },
      { from, to, segmentId: first.segmentId },
    ];
    for (const query of queries) {
      const direct = await call('GET /analytics', { query });
      expect(direct.status).toBe(200);
      const started = await call('POST /analytics/reports', { body: query });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const { jobId } = started.body.job;
      expect(await runJob(jobId)).toBe('done');
      const background = await call('GET /analytics/reports/{jobId}', {
        pathParameters: { jobId },
      });
      expect(background.status).toBe(200);
      expect(background.body.analytics.byCampaign.length).toBeGreaterThan(0);
      expect(background.body.analytics.bySegment.length).toBeGreaterThan(0);
      expect(background.body).toEqual(direct.body);
      for (const table of ['byCampaign', 'bySegment']) {
        const csv = { format: 'csv', table };
        const [csvDirect, csvBackground] = await Promise.all([
          call('GET /analytics', { query: { ...query, ...csv } }),
          call('GET /analytics/reports/{jobId}', { pathParameters: { jobId }, query: csv }),
        ]);
        expect(csvDirect.status).toBe(200);
        expect(csvBackground.body).toBe(csvDirect.body);
      }
    }
  });
});
