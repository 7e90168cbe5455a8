import { describe, expect, it } from 'vitest';
import { buildReport, MAX_CAMPAIGN_ROWS } from '#shared/analytics/report';
import type { Share } from '#shared/shares/share';
import { MAX_SEGMENTS } from '#shared/store/segments';

/**
 * A background report is kept on its job's item, under DynamoDB's 400 KB: its campaign and
 * segment tables must stay bounded however many campaigns a quarter holds.
 */
const ITEM_LIMIT = 400 * 1024;

const share = (i: number, campaigns: number): Share =>
  ({
    shareId: `share-${i}`,
    campaignId: `cmp_${String(i % campaigns).padStart(20, '0')}`,
    postId: `post_${String(i % campaigns).padStart(20, '0')}`,
    employeeId: `emp_${i % 700}`,
    network: 'x',
    status: 'published',
    audienceSize: 100,
    startedAt: '2026-01-01T10:00:00.000Z',
    publishedAt: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00.000Z`,
    attempt: 1,
    clicks: i % 7,
    engagement: { impressions: 1000 + i, reactions: i % 11, comments: 1, reshares: 1 },
  }) as Share;

const segmentIds = Array.from({ length: MAX_SEGMENTS }, (_, i) => `segment-${i}-${'x'.repeat(40)}`);

const reportOf = (campaigns: number) =>
  buildReport({
    shares: Array.from({ length: campaigns * 3 }, (_, i) => share(i, campaigns)),
    invited: null,
    policy: { mediaRates: { x: { cpm: 5, cpc: 1 } }, reactionWeight: 1 } as never,
    names: new Map(),
    titles: new Map(),
    segmentNames: new Map(segmentIds.map((id) => [id, `A segment called ${'y'.repeat(60)}`])),
    segmentsOf: () => segmentIds,
    timeZone: 'UTC',
  });

describe('the campaign and segment tables', () => {
  it('keep a report with every segment and a thousand campaigns within one job item', () => {
    const report = reportOf(1_000);
    expect(report.bySegment).toHaveLength(MAX_SEGMENTS);
    // Its JSON is larger than its DynamoDB size (names and values, no quotes or braces).
    const size = Buffer.byteLength(JSON.stringify(report));
    expect(size).toBeLessThan(ITEM_LIMIT - 20 * 1024);
  });

  it('list the campaigns with most engagement, and count them all', () => {
    const report = reportOf(MAX_CAMPAIGN_ROWS + 1);
    expect(report.byCampaign).toHaveLength(MAX_CAMPAIGN_ROWS);
    expect(report.totals.campaigns.value).toBe(MAX_CAMPAIGN_ROWS + 1);
    const engagement = (r: (typeof report.byCampaign)[number]) =>
      (r.reactions ?? 0) + (r.comments ?? 0) + (r.reshares ?? 0) + r.clicks;
    const listed = report.byCampaign.map(engagement);
    expect(listed).toEqual([...listed].sort((a, b) => b - a));
    expect(reportOf(3).byCampaign).toHaveLength(3);
  });
});
