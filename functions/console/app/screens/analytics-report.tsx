import { useMemo } from 'preact/hooks';
import { formatted } from '../analytics-columns';
import type { AnalyticsReport, Figure, MetricsRow, ReportSource } from '../analytics-endpoints';
import { type ChartLine, dayLabel, TimeChart } from './analytics-chart';
import { FigureCard, type LeadColumn, ReportTableView } from './analytics-figures';

type Totals = AnalyticsReport['totals'];
type Format = Parameters<typeof formatted>[1];

/** The totals, in the order marketing reads them; each says where it comes from. */
const TOTALS: { key: keyof Totals; label: string; format: Format; waits?: boolean }[] = [
  { key: 'potentialReach', label: 'Potential reach', format: 'number' },
  { key: 'impressions', label: 'Impressions', format: 'number' },
  { key: 'reactions', label: 'Reactions', format: 'number' },
  { key: 'comments', label: 'Comments', format: 'number' },
  { key: 'reshares', label: 'Reshares', format: 'number' },
  { key: 'clicks', label: 'Clicks', format: 'number' },
  { key: 'engagementRate', label: 'Engagement rate', format: 'percent', waits: true },
  { key: 'earnedMediaValueUsd', label: 'Earned media value', format: 'usd', waits: true },
  { key: 'secondRoundReach', label: 'Second-round reach', format: 'number' },
  { key: 'participation', label: 'Participation', format: 'percent' },
  { key: 'sharers', label: 'Sharers', format: 'number' },
  { key: 'campaigns', label: 'Campaigns', format: 'number' },
  { key: 'invited', label: 'Invited', format: 'number' },
  { key: 'shares', label: 'Shares published', format: 'number' },
  { key: 'pending', label: 'Shares pending', format: 'number' },
  { key: 'failed', label: 'Shares failed', format: 'number' },
  { key: 'skipped', label: 'Shares skipped', format: 'number' },
];

const number = (value: number) => formatted(value, 'number');
const usd = (value: number) => formatted(value, 'usd');

const series = (rows: readonly MetricsRow[], key: keyof MetricsRow) =>
  rows.map((row) => {
    const value = row[key];
    return typeof value === 'number' ? value : null;
  });

/** The charts over time, from the report's days: each a figure family on one scale. */
const useCharts = (report: AnalyticsReport) =>
  useMemo(() => {
    const rows = report.byDay;
    const days = rows.map((row) => row.day);
    const line = (label: string, source: Figure['source'], key: keyof MetricsRow): ChartLine => ({
      label,
      source,
      values: series(rows, key),
    });
    return {
      days,
      reach: [
        line('Potential reach', 'counted', 'potentialReach'),
        line('Impressions', 'measured', 'impressions'),
      ],
      engagement: [
        line('Reactions', 'measured', 'reactions'),
        line('Comments', 'measured', 'comments'),
        line('Reshares', 'measured', 'reshares'),
        line('Clicks', 'counted', 'clicks'),
      ],
      value: [line('Earned media value', 'estimated', 'earnedMediaValueUsd')],
    };
  }, [report]);

const BY_NETWORK: LeadColumn[] = [{ key: 'network', label: 'Network' }];
const BY_DAY: LeadColumn[] = [{ key: 'dayShown', label: 'Day (UTC)' }];
const BY_POST: LeadColumn[] = [{ key: 'title', label: 'Post' }];
const BY_CAMPAIGN: LeadColumn[] = [
  { key: 'campaignId', label: 'Campaign' },
  { key: 'postShown', label: 'Post' },
];
const BY_SEGMENT: LeadColumn[] = [{ key: 'name', label: 'Segment' }];
const BY_EMPLOYEE: LeadColumn[] = [{ key: 'name', label: 'Employee' }];

const WEEKDAY: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** A report as marketing reads it: totals, charts over time, and every table with its CSV. */
export const ReportView = ({
  report,
  source,
  timeZone,
}: {
  report: AnalyticsReport;
  source: ReportSource;
  timeZone: string;
}) => {
  const charts = useCharts(report);
  const byDay = useMemo(
    () => report.byDay.map((row) => ({ ...row, dayShown: dayLabel(row.day) })),
    [report],
  );
  return (
    <>
      {report.sandbox ? (
        <p class="notice">
          Some figures come from the sandbox network: modelled engagement, not a real audience.
        </p>
      ) : null}
      <section class="card" aria-labelledby="totals-heading">
        <h2 id="totals-heading">Totals</h2>
        <p class="muted small">
          Each figure says whether it is <strong>measured</strong> (read from the networks),{' '}
          <strong>counted</strong> (Chorus’s own records) or <strong>estimated</strong>; hover or
          focus the label for its basis.
        </p>
        <dl class="stats figures">
          {TOTALS.map((total) => (
            <FigureCard
              key={total.key}
              id={`total-${total.key}`}
              label={total.label}
              figure={report.totals[total.key]}
              format={total.format}
              waitsForReading={total.waits ?? false}
            />
          ))}
        </dl>
      </section>
      <section class="card" aria-labelledby="over-time">
        <h2 id="over-time">Over time</h2>
        <p class="muted small">
          By the day each share was published (UTC). Participation and second-round reach are
          figures of the whole range (see the totals): the report has no daily value for them.
        </p>
        <TimeChart
          id="chart-reach"
          title="Reach and impressions by day"
          days={charts.days}
          lines={charts.reach}
          format={number}
          empty="not reported"
        />
        <TimeChart
          id="chart-engagement"
          title="Engagement and clicks by day"
          days={charts.days}
          lines={charts.engagement}
          format={number}
          empty="not reported"
        />
        <TimeChart
          id="chart-value"
          title="Earned media value by day"
          days={charts.days}
          lines={charts.value}
          format={usd}
          empty="not measured yet"
        />
      </section>
      <section class="card" aria-labelledby="tables-heading">
        <h2 id="tables-heading">Breakdowns</h2>
        <p class="muted small">
          Campaign and segment narrow the whole report (the filters above); the tables split it by
          network, day, post, campaign, segment and employee. A share counts in every segment its
          employee belongs to now, so the segment rows need not add up to the totals. Each CSV is
          the API’s own export of the table, its headers naming the same sources.
        </p>
        <ReportTableView
          table="byNetwork"
          title="By network"
          lead={BY_NETWORK}
          rows={report.byNetwork}
          source={source}
          rowKey={(row) => String(row.network)}
        />
        <ReportTableView
          table="byDay"
          title="By day"
          lead={BY_DAY}
          rows={byDay}
          source={source}
          rowKey={(row) => String(row.day)}
        />
        <ReportTableView
          table="topContent"
          title="By post (top 10)"
          lead={BY_POST}
          rows={report.topContent}
          source={source}
          rowKey={(row) => String(row.postId)}
        />
        <ReportTableView
          table="byCampaign"
          title={
            (report.totals.campaigns.value ?? 0) > report.byCampaign.length
              ? `By campaign (${report.byCampaign.length} of ${number(report.totals.campaigns.value ?? 0)}, most engaged)`
              : 'By campaign'
          }
          lead={BY_CAMPAIGN}
          rows={report.byCampaign.map((row) => ({ ...row, postShown: row.title ?? row.postId }))}
          source={source}
          rowKey={(row) => String(row.campaignId)}
        />
        <ReportTableView
          table="bySegment"
          title="By segment (membership as of now)"
          lead={BY_SEGMENT}
          rows={report.bySegment}
          source={source}
          rowKey={(row) => String(row.segmentId)}
        />
        <ReportTableView
          table="topAdvocates"
          title="Top advocates (top 10)"
          lead={BY_EMPLOYEE}
          rows={report.topAdvocates}
          source={source}
          rowKey={(row) => String(row.employeeId)}
        />
        <ReportTableView
          table="bestTimes"
          title={`Best times to share (${timeZone})`}
          lead={[
            { key: 'when', label: 'Weekday and hour' },
            { key: 'sharesShown', label: 'Shares (counted)' },
            { key: 'perShare', label: 'Engagement per share (measured and counted)' },
          ]}
          metrics={[]}
          rows={report.bestTimes.map((slot) => ({
            ...slot,
            when: `${WEEKDAY[slot.weekday] ?? slot.weekday} ${String(slot.hour).padStart(2, '0')}:00`,
            sharesShown: number(slot.shares),
            perShare: formatted(slot.engagementPerShare, 'number'),
          }))}
          source={source}
          rowKey={(row) => `${row.weekday}-${row.hour}`}
        />
      </section>
    </>
  );
};
