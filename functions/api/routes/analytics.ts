import { z } from 'zod';
import { AnalyticsQuery, reportFor, scopeOf } from '#functions/api/analytics-scope';
import { JobAnswer, jobAnswer } from '#functions/api/answers/job';
import { openAnalyticsReport } from '#functions/api/jobs/analytics-report';
import { defineRoute, type Reply } from '#functions/api/route';
import { PostPath } from '#functions/api/schemas';
import { AnalyticsReport, MAX_CAMPAIGN_ROWS, tableAsCsv } from '#shared/analytics/report';
import { REPORT_READ_BUDGET } from '#shared/analytics/scope-report';
import { hasAnyRole } from '#shared/auth/roles';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#shared/errors';
import { JOB_READERS } from '#shared/jobs/job';

const ReportAnswer = z.object({ analytics: AnalyticsReport });

const answer = (
  report: AnalyticsReport,
  query: Pick<AnalyticsQuery, 'format' | 'table'>,
): Reply => {
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
  'Every total says whether it is measured (read from the networks), counted (Chorus’s own records) or estimated; a figure no network gives is null, never 0. `format=csv&table=…` exports one table, each column header naming its source. `byCampaign` has a row per campaign in scope, the ' +
  MAX_CAMPAIGN_ROWS +
  ' with most engagement where there are more (`totals.campaigns` counts them all), each with its post (and the post’s title where the report read it for the top content, else null); `bySegment` a row per defined segment, a share counting in every segment its employee belongs to as of now (membership when the report is made, not when they shared), so its rows need not add up to the totals.';

/** What a request may read, said the same way wherever a route computes a report. */
const BUDGET = `One request reads at most ${REPORT_READ_BUDGET.shares.toLocaleString('en')} shares (every share the narrowest index yields for the scope, kept by the other filters or not) and the fan-out records of at most ${REPORT_READ_BUDGET.campaigns} campaigns: a larger scope is refused with 422 \`report_too_large\`, never answered in part. Ask for it in the background instead: \`POST /analytics/reports\` with the same fields.`;

export const getAnalytics = defineRoute({
  summary: 'Shares, reach, engagement, clicks and earned media value, by any scope and time range',
  description: `${DESCRIPTION} Filters combine: post, campaign, employee, segment, network, from/to (at most 93 days; the last 30 by default). ${BUDGET}`,
  tag: 'analytics',
  roles: ['marketing', 'admin'],
  query: AnalyticsQuery,
  response: {
    status: 200,
    description: 'The report (or one table as CSV)',
    schema: ReportAnswer,
    mediaTypes: ['application/json', 'text/csv'],
  },
  errors: [404, 422],
  unprocessable: [
    'The scope holds more shares or campaigns than one request reads (`report_too_large`): ask for it with `POST /analytics/reports`',
  ],
  async handle({ query, deps }) {
    return answer(await reportFor(scopeOf(query, deps.now()), deps), query);
  },
});

export const getPostAnalytics = defineRoute({
  summary: "A post's shares, reach and engagement over its whole life",
  description: `${DESCRIPTION} ${BUDGET}`,
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
  errors: [404, 422],
  unprocessable: [
    'The scope holds more shares or campaigns than one request reads (`report_too_large`): ask for it with `POST /analytics/reports`',
  ],
  async handle({ params, query, deps }) {
    const scope = scopeOf({ ...query, postId: params.postId }, deps.now());
    return answer(await reportFor(scope, deps), query);
  },
});

/** The scope of a background report: the query's fields, as a JSON body. */
const ReportRequest = AnalyticsQuery.omit({ format: true, table: true });

export const requestAnalyticsReport = defineRoute({
  summary: 'Start a report too large for one request; it is computed in the background',
  description:
    'The same fields as `GET /analytics`, as JSON (the range is fixed now: without one, the last 30 days from now). Answers 202 with a job: follow it at `GET /jobs/{jobId}` (`job.rowsDone`: shares read so far; `analytics.report` once `state` is `done`), and read the report, or one table as CSV, at `GET /analytics/reports/{jobId}`. It is the report `GET /analytics` would give, computed by the same code without the read budget.',
  tag: 'analytics',
  roles: ['marketing', 'admin'],
  body: ReportRequest,
  response: { status: 202, description: 'The report’s job, started', schema: JobAnswer },
  errors: [404],
  async handle({ body, caller, deps }) {
    const job = await openAnalyticsReport(deps, caller.userId, scopeOf(body, deps.now()));
    return { status: 202, body: jobAnswer(job) };
  },
});

const ReportPath = z.strictObject({ jobId: z.string().min(1).max(100) });

export const getAnalyticsReport = defineRoute({
  summary: 'A background report, once its job is done (or one table as CSV)',
  description: `${DESCRIPTION} A job still at work is a 409 saying how far it got; follow it at \`GET /jobs/{jobId}\`.`,
  tag: 'analytics',
  roles: ['marketing', 'admin'],
  params: ReportPath,
  query: AnalyticsQuery.pick({ format: true, table: true }),
  response: { status: 200, description: 'The report (or one table as CSV)', schema: ReportAnswer },
  errors: [404],
  conflicts: ['The report’s job is still at work: the message says how far it got'],
  async handle({ params, query, caller, deps }) {
    const job = await deps.jobs.get(params.jobId);
    if (job.kind !== 'analyticsReport' || !job.analytics) {
      throw new NotFoundError('Analytics report', params.jobId);
    }
    if (!hasAnyRole(caller, JOB_READERS[job.kind])) {
      throw new ForbiddenError(`Only ${JOB_READERS[job.kind].join(' and ')} may read this report`);
    }
    const { report } = job.analytics;
    if (job.state !== 'done' || !report) {
      throw new ConflictError(
        `The report is not done yet (${job.rowsDone} shares read so far); follow it at GET /jobs/${job.jobId}`,
      );
    }
    return answer(report, query);
  },
});
