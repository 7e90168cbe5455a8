import { describe, expect, it } from 'vitest';
import {
  formatted,
  METRIC_COLUMNS,
  missing,
  WAITS_FOR_READING,
} from '#functions/console/app/analytics-columns';
import { buildReport, COLUMN_SOURCES, REPORT_TABLES, tableAsCsv } from '#shared/analytics/report';

/**
 * The analytics screen names each table figure's source from its own list (no server code may
 * reach the browser): these hold it to the API's, which also heads the CSV the screen downloads.
 */
const report = buildReport({
  shares: [],
  invited: null,
  policy: { mediaRates: {}, reactionWeight: 1 } as never,
  names: new Map(),
  titles: new Map(),
  timeZone: 'UTC',
});

describe('the analytics screen’s column labels', () => {
  it('give every figure the source the API gives it', () => {
    for (const column of METRIC_COLUMNS) {
      expect([column.key, column.source]).toEqual([column.key, COLUMN_SOURCES[column.key]]);
    }
    const figures = Object.entries(COLUMN_SOURCES).filter(([, source]) => source !== 'label');
    expect(METRIC_COLUMNS.map((c) => c.key).sort()).toEqual(figures.map(([key]) => key).sort());
  });

  it('name the same sources as the CSV headers of every table the screen exports', () => {
    for (const table of REPORT_TABLES.filter((t) => t !== 'bestTimes')) {
      const header = tableAsCsv(report, table).split('\r\n')[0]?.split(',') ?? [];
      for (const column of METRIC_COLUMNS) {
        expect(header).toContain(`${column.key} (${column.source})`);
      }
    }
  });

  it('say "not measured yet" for EMV and the rate while null, "not reported" for the rest', () => {
    expect([...WAITS_FOR_READING].sort()).toEqual(['earnedMediaValueUsd', 'engagementRate']);
    expect(missing('earnedMediaValueUsd')).toBe('not measured yet');
    expect(missing('engagementRate')).toBe('not measured yet');
    expect(missing('impressions')).toBe('not reported');
    expect(report.totals.earnedMediaValueUsd.value).toBeNull();
    expect(formatted(0.1234, 'percent')).toMatch(/12\.34\s?%/);
  });
});
