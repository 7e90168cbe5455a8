import type { MetricsRow } from '#shared/analytics/report';

export type Source = 'measured' | 'counted' | 'estimated';
export type Format = 'number' | 'percent' | 'usd';

export interface MetricColumn {
  key: keyof MetricsRow;
  label: string;
  source: Source;
  format: Format;
}

/**
 * The figures of every report table, each with its source as the API labels it (its
 * COLUMN_SOURCES, which also heads the CSV; test/unit/console-analytics.test.ts holds the two
 * equal), so the page, its table views and the CSV call each figure the same.
 */
export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { key: 'shares', label: 'Shares', source: 'counted', format: 'number' },
  { key: 'potentialReach', label: 'Potential reach', source: 'counted', format: 'number' },
  { key: 'impressions', label: 'Impressions', source: 'measured', format: 'number' },
  { key: 'reactions', label: 'Reactions', source: 'measured', format: 'number' },
  { key: 'comments', label: 'Comments', source: 'measured', format: 'number' },
  { key: 'reshares', label: 'Reshares', source: 'measured', format: 'number' },
  { key: 'clicks', label: 'Clicks', source: 'counted', format: 'number' },
  { key: 'sharesMeasured', label: 'Shares measured', source: 'counted', format: 'number' },
  { key: 'engagementRate', label: 'Engagement rate', source: 'measured', format: 'percent' },
  { key: 'earnedMediaValueUsd', label: 'Earned media value', source: 'estimated', format: 'usd' },
];

export const columnOf = (key: keyof MetricsRow): MetricColumn => {
  const column = METRIC_COLUMNS.find((c) => c.key === key);
  if (!column) throw new Error(`No column ${key}`);
  return column;
};

const number = new Intl.NumberFormat();
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 2 });
const usd = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' });

/** A figure as the page says it; `null` is said by the caller (never shown as a zero). */
export const formatted = (value: number, format: Format) =>
  format === 'percent'
    ? percent.format(value)
    : format === 'usd'
      ? usd.format(value)
      : number.format(value);

/** The figures that wait for a network's reading: null means "not measured yet", with a note. */
export const WAITS_FOR_READING: ReadonlySet<keyof MetricsRow> = new Set([
  'engagementRate',
  'earnedMediaValueUsd',
]);

/** What an empty cell says: not measured yet (EMV, rate), or not given by the network. */
export const missing = (key: keyof MetricsRow) =>
  WAITS_FOR_READING.has(key) ? 'not measured yet' : 'not reported';
