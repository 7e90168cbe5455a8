import { z } from 'zod';
import type { ApiDependencies } from '#functions/api/dependencies';
import { type AnalyticsReport, REPORT_TABLES } from '#shared/analytics/report';
import type { Scope } from '#shared/analytics/scope';
import { REPORT_READ_BUDGET, reportOfScope } from '#shared/analytics/scope-report';
import { ValidationError } from '#shared/errors';
import { NetworkName } from '#shared/networks/network';
import { IntentNetwork } from '#shared/sharing/intents';
import { DateRangeFields, instantsOf } from '#shared/time/date-range';

const DAY = 86_400_000;
/** The longest range one report reads: a quarter and a day. */
export const MAX_RANGE_DAYS = 93;

const Id = z.string().min(1).max(100);

/**
 * Which shares a report covers, as the query string says; a range without both ends is the last
 * 30 days. Its ends may be dates (whole days in `timeZone`, `to` inclusive) or instants.
 */
export const AnalyticsQuery = z.strictObject({
  ...DateRangeFields,
  postId: Id.optional(),
  campaignId: Id.optional(),
  employeeId: Id.optional(),
  segmentId: Id.optional(),
  network: z.union([NetworkName, IntentNetwork]).optional(),
  format: z.enum(['json', 'csv']).default('json'),
  table: z.enum(REPORT_TABLES).optional(),
});
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;
export type { Scope };

/**
 * The range a query asks for. A post or campaign without one covers its whole life; anything
 * else defaults to the last 30 days. Reversed or longer than MAX_RANGE_DAYS is a 400 naming it.
 */
export const scopeOf = (query: Omit<AnalyticsQuery, 'format' | 'table'>, now: Date): Scope => {
  const open = (query.postId || query.campaignId) && !query.from && !query.to;
  const given = instantsOf(query);
  const to = given.to ?? now;
  const from = given.from ?? new Date(to.getTime() - 30 * DAY);
  if (!open) {
    if (from >= to) {
      throw new ValidationError('The time range is reversed', [
        { field: 'query.from', message: 'must be before query.to' },
      ]);
    }
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) {
      throw new ValidationError('The time range is too large', [
        { field: 'query.to', message: `at most ${MAX_RANGE_DAYS} days after query.from` },
      ]);
    }
  }
  return {
    ...(open ? {} : { range: { from, to } }),
    postId: query.postId,
    campaignId: query.campaignId,
    employeeId: query.employeeId,
    segmentId: query.segmentId,
    network: query.network,
    timeZone: query.timeZone,
  };
};

/**
 * A report one request may compute: the scope's shares, at most REPORT_READ_BUDGET of them (and
 * the fan-out records of at most its campaigns); beyond it, 422 `report_too_large`.
 */
export const reportFor = (scope: Scope, deps: ApiDependencies): Promise<AnalyticsReport> =>
  reportOfScope(scope, deps, { budget: REPORT_READ_BUDGET });
