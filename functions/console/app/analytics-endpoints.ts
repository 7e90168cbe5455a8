import type { TeamBoardAnswer } from '#functions/api/answers/impact';
import type { Figure } from '#shared/analytics/figure';
import type { AnalyticsReport, MetricsRow, ReportTable } from '#shared/analytics/report';
import type { Campaign } from '#shared/campaigns/campaign';
import type { Segment } from '#shared/employees/segment';
import type { PostSummary } from '#shared/posts/listing';
import { request, requestText } from './api';

export type { LeaderboardAnswer, TeamBoardAnswer } from '#functions/api/answers/impact';
export { getLeaderboard, getTeamBoard } from './me-endpoints';
/**
 * Marketing's analytics: the report (or one table of it as the API's own CSV), the background
 * report for a scope too large for one request, what the filters offer, and thanks. Typed with
 * the API's own schemas through type-only imports: no zod and no server code reach the browser.
 */
export type { AnalyticsReport, Campaign, Figure, MetricsRow, PostSummary, ReportTable, Segment };
/** What these screens read of a job (`GET /jobs/{id}`): its state, and a team thanks' count. */
export interface Job {
  job: { jobId: string; state: 'receiving' | 'queued' | 'running' | 'done'; rowsDone: number };
  thanks?: { recipients: number };
}
export type Team = TeamBoardAnswer['teams'][number];

/** The networks a report may be narrowed to, as the API names them. */
export const NETWORKS = [
  { network: 'linkedin', label: 'LinkedIn' },
  { network: 'x', label: 'X' },
  { network: 'bluesky', label: 'Bluesky' },
  { network: 'mastodon', label: 'Mastodon' },
  { network: 'facebook', label: 'Facebook' },
  { network: 'sandbox', label: 'Sandbox' },
] as const;

/** What a report covers; dates are whole days in `timeZone`, `to` included. */
export interface ReportScope {
  from?: string;
  to?: string;
  timeZone: string;
  postId?: string;
  campaignId?: string;
  segmentId?: string;
  network?: string;
}

const queryOf = (fields: Record<string, string | undefined>) =>
  new URLSearchParams(
    Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();

export const getAnalytics = (scope: ReportScope) =>
  request<{ analytics: AnalyticsReport }>('GET', `/analytics?${queryOf({ ...scope })}`);

/** Where a report's tables can be read as CSV: the live report, or a background one. */
export type ReportSource = { kind: 'live'; scope: ReportScope } | { kind: 'job'; jobId: string };

/** One table as the API writes it: each figure's header names its source. */
export const tableCsv = (source: ReportSource, table: ReportTable) =>
  source.kind === 'live'
    ? requestText(`/analytics?${queryOf({ ...source.scope, format: 'csv', table })}`)
    : requestText(
        `/analytics/reports/${encodeURIComponent(source.jobId)}?${queryOf({ format: 'csv', table })}`,
      );

/** A report too large for one request, computed in the background (the same fields, as JSON). */
export const startReport = (scope: ReportScope) =>
  request<Job>('POST', '/analytics/reports', scope);

export const getJob = (jobId: string) => request<Job>('GET', `/jobs/${encodeURIComponent(jobId)}`);

export const getReport = (jobId: string) =>
  request<{ analytics: AnalyticsReport }>('GET', `/analytics/reports/${encodeURIComponent(jobId)}`);

export const getCampaigns = () =>
  request<{ campaigns: Campaign[] }>('GET', '/campaigns?limit=100&order=newest');

export const getPosts = () => request<{ posts: PostSummary[] }>('GET', '/posts?limit=100');

export const getSegments = () => request<{ segments: Segment[] }>('GET', '/segments');

/**
 * Thanks one person (201, at once) or a team (202, a job that thanks each member). The key makes
 * a retry of the same thanks (a double click, a lost answer) thank nobody twice.
 */
export const sendThanks = (
  to: { employeeId: string } | { segmentId: string },
  message: string,
  idempotencyKey: string,
) =>
  request<{ thanksId: string; recipients?: number; job?: Job['job'] }>(
    'POST',
    '/recognition/thanks',
    { ...to, message },
    { 'idempotency-key': idempotencyKey },
  );
