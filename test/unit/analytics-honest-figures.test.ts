import { describe, expect, it } from 'vitest';
import {
  type AnalyticsReport,
  buildReport,
  COLUMN_SOURCES,
  MetricsRow,
  REPORT_TABLES,
  tableAsCsv,
} from '#shared/analytics/report';
import type { Share } from '#shared/shares/share';

/**
 * EMV and engagement rate are shown only once something was measured for the shares they cover:
 * before that they are null with a reason, never a stand-in that shrinks when the first reading
 * arrives. And the CSV calls each column what the API calls the same figure.
 */

const share = (over: Partial<Share>): Share => ({
  shareId: 's',
  campaignId: 'c',
  postId: 'p',
  employeeId: 'e',
  network: 'sandbox',
  status: 'published',
  audienceSize: 5_000,
  startedAt: '2026-01-01T00:00:00.000Z',
  publishedAt: '2026-01-01T09:00:00.000Z',
  attempt: 1,
  ...over,
});

const policy = {
  reactionWeight: 0.5,
  mediaRates: { sandbox: { cpm: 10, cpc: 1 }, mastodon: { cpm: 5, cpc: 0.5 } },
};
const report = (shares: Share[]) =>
  buildReport({
    shares,
    invited: null,
    policy,
    names: new Map(),
    titles: new Map(),
    timeZone: 'UTC',
  });

const metricRows = (r: AnalyticsReport) => [
  ...r.byNetwork,
  ...r.byDay,
  ...r.topContent,
  ...r.topAdvocates,
];

const reading = { impressions: 200, reactions: 4, comments: 1, reshares: 1 };

describe('EMV and engagement rate before and after the first engagement reading', () => {
  it('are null with a reason, in the totals and every row, before any reading', () => {
    const r = report([share({ clicks: 3 }), share({ shareId: 's2', employeeId: 'f' })]);
    expect(r.totals.earnedMediaValueUsd.value).toBeNull();
    expect(r.totals.earnedMediaValueUsd.note).toContain('no engagement measured yet');
    expect(r.totals.engagementRate.value).toBeNull();
    expect(r.totals.engagementRate.note).toContain('no engagement measured yet');
    const rows = metricRows(r);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.earnedMediaValueUsd).toBeNull();
      expect(row.engagementRate).toBeNull();
      expect(row.engagementRateBasis).toBeNull();
      expect(row.sharesMeasured).toBe(0);
      expect(row.note).toBe('no engagement measured yet');
    }
  });

  it('leave the CSV cell empty, not zero, before any reading', () => {
    const r = report([share({ clicks: 3 })]);
    const [header, row] = tableAsCsv(r, 'byNetwork').split('\r\n');
    const columns = header!.split(',');
    const cells = row!.split(',');
    const cellOf = (name: string) => cells[columns.findIndex((c) => c.startsWith(`${name} `))];
    expect(cellOf('earnedMediaValueUsd')).toBe('');
    expect(cellOf('engagementRate')).toBe('');
  });

  it('are the estimate after one reading, and never smaller than before it', () => {
    const before = report([share({ clicks: 4 })]);
    const after = report([share({ clicks: 4, engagement: reading })]);
    // 10 × 200 / 1000 + 1 × (0.5 × 4 + 4)
    expect(after.totals.earnedMediaValueUsd).toMatchObject({ value: 8, source: 'estimated' });
    expect(after.totals.earnedMediaValueUsd.note).not.toContain('stood in');
    // (4 + 1 + 1 + 4) ÷ 200
    expect(after.totals.engagementRate).toMatchObject({ value: 0.05, source: 'measured' });
    expect(after.byNetwork[0]).toMatchObject({
      earnedMediaValueUsd: 8,
      engagementRate: 0.05,
      engagementRateBasis: 'impressions',
      sharesMeasured: 1,
      note: null,
    });
    expect(before.totals.earnedMediaValueUsd.value).toBeNull();
  });

  it('never let an audience stand in for impressions a share has not had read yet', () => {
    // One share read, one not: the unread one adds its clicks, not its 5,000-person audience.
    const r = report([
      share({ engagement: reading }),
      share({ shareId: 's2', employeeId: 'f', clicks: 2 }),
    ]);
    // 10 × 200 / 1000 + 1 × (0.5 × 4 + 0 + 2)
    expect(r.totals.earnedMediaValueUsd.value).toBe(6);
    expect(r.totals.earnedMediaValueUsd.note).toContain('read for 1 of 2 shares');
    const unread = r.topAdvocates.find((row) => row.employeeId === 'f');
    expect(unread).toMatchObject({ earnedMediaValueUsd: null, engagementRate: null });
  });

  it('gives no rate over an audience where no impressions were measured, and says why', () => {
    const r = report([
      share({
        network: 'mastodon',
        engagement: { impressions: null, reactions: 3, comments: 0, reshares: 0 },
      }),
    ]);
    expect(r.totals.earnedMediaValueUsd.value).toBe(0.75);
    expect(r.totals.engagementRate.value).toBeNull();
    expect(r.totals.engagementRate.note).toContain('no impressions measured yet');
    expect(r.byNetwork[0]).toMatchObject({
      engagementRate: null,
      engagementRateBasis: null,
      note: 'no impressions measured yet',
    });
  });

  it('stay null with the network named where a network gives no figures', () => {
    const r = report([
      share({ network: 'linkedin', engagementUnavailable: 'restricted', clicks: 2 }),
    ]);
    expect(r.totals.earnedMediaValueUsd.value).toBeNull();
    expect(r.totals.earnedMediaValueUsd.note).toContain('no figures given by linkedin');
  });
});

describe("the CSV's column labels are the API's", () => {
  const states = {
    'no reading': [share({ clicks: 1 })],
    'a reading': [share({ engagement: reading, clicks: 1 })],
    'no impressions': [
      share({
        network: 'mastodon',
        engagement: { impressions: null, reactions: 3, comments: 0, reshares: 0 },
      }),
    ],
  };

  for (const [state, shares] of Object.entries(states)) {
    it(`names for each column the source the totals give the same figure (${state})`, () => {
      const r = report(shares);
      const totals = r.totals as Record<string, { source: string } | undefined>;
      const compared: string[] = [];
      for (const table of REPORT_TABLES.filter((t) => t !== 'bestTimes')) {
        const header = tableAsCsv(r, table).split('\r\n')[0]!.split(',');
        for (const column of Object.keys(MetricsRow.shape) as (keyof MetricsRow)[]) {
          const total = totals[column];
          if (total) {
            expect(header).toContain(`${column} (${total.source})`);
            compared.push(column);
          }
          const source = COLUMN_SOURCES[column];
          expect(header).toContain(source === 'label' ? column : `${column} (${source})`);
        }
      }
      expect(compared).toEqual(expect.arrayContaining(['engagementRate', 'earnedMediaValueUsd']));
    });
  }

  it('never calls an estimate measured', () => {
    const header = tableAsCsv(report(states['no reading']), 'byDay').split('\r\n')[0]!;
    expect(header).toContain('earnedMediaValueUsd (estimated)');
    expect(header).not.toMatch(/potential reach|\(measured or/);
  });
});
