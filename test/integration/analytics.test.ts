import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { createPollerDependencies } from '#functions/engagement-poller/dependencies';
import { pollEngagement } from '#functions/engagement-poller/poll-engagement';
import { linkCodeFor } from '#shared/links/tracked-link';
import { createSandboxNetwork } from '#shared/networks/sandbox';
import type { Share } from '#shared/shares/share';
import { createShareStore } from '#shared/store/shares';
import { apiEvent, callApi } from '../fixtures/api-events';
import { clickDependencies, readerIp, visitLink } from '../fixtures/clicks';
import { publishSandboxShares, sandboxTruth } from '../fixtures/engagement';
import { sandboxStores } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { OWN_TABLES } from './own-tables';

const TABLE = OWN_TABLES.analytics;

const HOUR = 3_600_000;
const _shares = createShareStore(TABLE);
const readers = clickDependencies(TABLE);
const sandbox = createSandboxNetwork(TABLE);
const deps = createApiDependencies({ TABLE_NAME: TABLE });
const marketer = { sub: 'm-1', email: 'marketer@acme.example', groups: ['marketing'] };

let arranged: Arranged;
let published: Share[];
let polledAt: Date;

const call = async (
  routeKey: string,
  options: { query?: Record<string, string>; pathParameters?: Record<string, string> } = {},
  who: { sub: string; email: string; groups: readonly string[] } = marketer,
) => {
  const response = await callApi(apiEvent(routeKey, who, options), deps);
  const text = response.body ?? '';
  const isJson = String(response.headers?.['content-type'] ?? '').includes('json');
  return {
    status: response.statusCode,
    headers: response.headers ?? {},
    body: isJson ? JSON.parse(text) : text,
  };
};

beforeAll(async () => {
  const stores = sandboxStores(TABLE, sandbox);
  arranged = await arrangeCampaign(stores, { count: 4 });
  const publishedAt = new Date(Date.now() - 3 * HOUR);
  published = await publishSandboxShares(TABLE, arranged, publishedAt);
  // Three readers click the first person's link, one the second's.
  for (const [index, clicks] of [
    [0, 3],
    [1, 1],
  ] as const) {
    for (let n = 0; n < clicks; n++)
      await visitLink(readers, linkCodeFor(published[index]!.shareId), { sourceIp: readerIp(n) });
  }
  polledAt = new Date(publishedAt.getTime() + 2 * HOUR);
  await pollEngagement(polledAt, createPollerDependencies(TABLE, { sandbox }));
});

describe('analytics API', () => {
  it('reports a campaign with every figure labelled, engagement equal to the sandbox truth', async () => {
    const { status, body } = await call('GET /analytics', {
      query: { campaignId: arranged.campaign.campaignId },
    });
    expect(status).toBe(200);
    const { totals } = body.analytics;
    const truth = sandboxTruth(published, polledAt);
    expect(totals.shares).toMatchObject({ value: 4, source: 'counted' });
    expect(totals.impressions).toMatchObject({ value: truth.impressions, source: 'measured' });
    expect(totals.reactions.value).toBe(truth.reactions);
    expect(totals.clicks).toMatchObject({ value: 4, source: 'counted' });
    expect(totals.potentialReach.value).toBe(published.reduce((t, s) => t + s.audienceSize, 0));
    expect(totals.earnedMediaValueUsd.source).toBe('estimated');
    expect(totals.secondRoundReach.source).toBe('estimated');
    expect(body.analytics.byNetwork).toHaveLength(1);
    expect(body.analytics.topAdvocates[0].name).toMatch(/^Person\d Example$/);
    expect(body.analytics.topContent[0].title).toBe(arranged.post.title);
  });

  it('filters by segment, employee, network and time range', async () => {
    const bySegment = await call('GET /analytics', {
      query: { segmentId: arranged.segmentId, from: new Date(Date.now() - 4 * HOUR).toISOString() },
    });
    expect(bySegment.body.analytics.totals.shares.value).toBe(4);
    const employeeId = published[0]!.employeeId;
    const byEmployee = await call('GET /analytics', { query: { employeeId } });
    expect(byEmployee.body.analytics.totals.shares.value).toBe(1);
    expect(byEmployee.body.analytics.totals.clicks.value).toBe(3);
    const otherNetwork = await call('GET /analytics', {
      query: { campaignId: arranged.campaign.campaignId, network: 'x' },
    });
    expect(otherNetwork.body.analytics.totals.shares.value).toBe(0);
    expect(otherNetwork.body.analytics.totals.impressions.value).toBeNull();
    const before = await call('GET /analytics', {
      query: { employeeId, to: new Date(Date.now() - 4 * HOUR).toISOString() },
    });
    expect(before.body.analytics.totals.shares.value).toBe(0);
  });

  it('exports one table as CSV, each figure column naming its source', async () => {
    const { status, headers, body } = await call('GET /posts/{postId}/analytics', {
      pathParameters: { postId: arranged.post.postId },
      query: { format: 'csv', table: 'topAdvocates' },
    });
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = String(body).trim().split('\r\n');
    expect(lines[0]).toMatch(
      /^employeeId,name,shares \(counted\),potentialReach \(counted\),impressions \(measured\)/,
    );
    expect(lines).toHaveLength(5);
    // Each figure column is labelled as the API labels the same figure in the totals.
    const json = await call('GET /posts/{postId}/analytics', {
      pathParameters: { postId: arranged.post.postId },
    });
    const totals = json.body.analytics.totals as Record<string, { source: string }>;
    const header = lines[0]!.split(',');
    for (const column of ['impressions', 'clicks', 'engagementRate', 'earnedMediaValueUsd'])
      expect(header).toContain(`${column} (${totals[column]!.source})`);
  });

  it('takes dates as whole days in the time zone asked, `to` included', async () => {
    const campaignId = arranged.campaign.campaignId;
    const sharedAt = new Date(published[0]?.publishedAt ?? '');
    const day = (at: Date, hoursAhead = 0) =>
      new Date(at.getTime() + hoursAhead * HOUR).toISOString().slice(0, 10);
    const shares = async (query: Record<string, string>) => {
      const { status, body } = await call('GET /analytics', { query: { campaignId, ...query } });
      expect(status).toBe(200);
      return body.analytics.totals.shares.value;
    };
    expect(await shares({ from: day(sharedAt), to: day(sharedAt) })).toBe(4);
    expect(await shares({ from: day(sharedAt, -24), to: day(sharedAt, -24) })).toBe(0);
    // Kiribati's Line Islands are 14 hours ahead of UTC: the day there is the one to name.
    const kiritimati = { timeZone: 'Pacific/Kiritimati' };
    expect(await shares({ from: day(sharedAt, 14), to: day(sharedAt, 14), ...kiritimati })).toBe(4);
    expect(await shares({ from: day(sharedAt, 38), to: day(sharedAt, 38), ...kiritimati })).toBe(0);
  });

  it('answers unknown ids with 404 and bad ranges with 400 naming the field', async () => {
    const unknown: Record<string, string>[] = [
      { campaignId: 'nope' },
      { employeeId: 'nope' },
      { segmentId: 'nope' },
      { postId: 'nope' },
    ];
    for (const query of unknown) {
      expect((await call('GET /analytics', { query })).status).toBe(404);
    }
    const reversed = await call('GET /analytics', {
      query: { from: '2026-03-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.fields).toEqual([
      { field: 'query.from', message: 'must be before query.to' },
    ]);
    const tooLarge = await call('GET /analytics', {
      query: { from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' },
    });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.error.fields[0].field).toBe('query.to');
    expect((await call('GET /analytics', { query: { format: 'csv' } })).status).toBe(400);
    expect((await call('GET /analytics', { query: { timeZone: 'Mars/Olympus' } })).status).toBe(
      400,
    );
  });

  it('lets an employee see their own figures only', async () => {
    const person = arranged.people[0]!;
    const me = { sub: 'e-0', email: person.email, groups: ['employee'] };
    expect((await call('GET /analytics', {}, me)).status).toBe(403);
    const { status, body } = await call('GET /me/stats', {}, me);
    expect(status).toBe(200);
    expect(body.stats.totals.shares.value).toBe(1);
    expect(body.stats.totals.clicks.value).toBe(3);
    const audience = person.connections.sandbox!.audienceSize;
    expect(body.stats.audience).toEqual({ sandbox: audience });
    const earned = ['reactions', 'comments', 'reshares', 'clicks'].reduce(
      (t, k) => t + body.stats.totals[k].value,
      0,
    );
    expect(body.stats.reachScore.value).toBe(audience + earned);
    const text = JSON.stringify(body);
    for (const other of arranged.people.slice(1)) expect(text).not.toContain(other.employeeId);
  });
});
