import { z } from 'zod';
import { AnalyticsQuery, reportFor, scopeOf } from '#functions/api/analytics-scope';
import { defineRoute, type Reply } from '#functions/api/route';
import { PostPath } from '#functions/api/schemas';
import { AnalyticsReport, tableAsCsv } from '#shared/analytics/report';
import { ValidationError } from '#shared/errors';

const ReportAnswer = z.object({ analytics: AnalyticsReport });

const answer = (report: AnalyticsReport, query: AnalyticsQuery): Reply => {
  if (query.format === 'json') return { status: 200, body: { analytics: report } };
  if (!query.table) {
    throw new ValidationError('A CSV export is one table', [
      { field: 'query.table', message: 'required with format=csv' },
    ]);
  }
  return {
    status: 200,
    body: tableAsCsv(report, query.table),
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="chorus-${query.table}.csv"`,
    },
  };
};

const DESCRIPTION =
  'Every total says whether it is measured (read from the networks), counted (Chorus’s own records) or estimated; a figure no network gives is null, never 0. `format=csv&table=…` exports one table, each column header naming its source.';

export const getAnalytics = defineRoute({
  summary: 'Shares, reach, engagement, clicks and earned media value, by any scope and time range',
  description: `${DESCRIPTION} Filters combine: post, campaign, employee, segment, network, from/to (at most 93 days; the last 30 by default).`,
  tag: 'analytics',
  roles: ['marketing', 'admin'],
  query: AnalyticsQuery,
  response: {
    status: 200,
    description: 'The report (or one table as CSV)',
    schema: ReportAnswer,
    mediaTypes: ['application/json', 'text/csv'],
  },
  errors: [404],
  async handle({ query, deps }) {
    return answer(await reportFor(scopeOf(query, deps.now()), deps), query);
  },
});

export const getPostAnalytics = defineRoute({
  summary: "A post's shares, reach and engagement over its whole life",
  description: DESCRIPTION,
  tag: 'analytics',
  roles: ['marketing', 'admin'],
  params: PostPath,
  query: AnalyticsQuery.pick({ timeZone: true, format: true, table: true }),
  response: {
    status: 200,
    description: 'The report (or one table as CSV)',
    schema: ReportAnswer,
    mediaTypes: ['application/json', 'text/csv'],
  },
  errors: [404],
  async handle({ params, query, deps }) {
    const scope = scopeOf({ ...query, postId: params.postId }, deps.now());
    return answer(await reportFor(scope, deps), query);
  },
});
