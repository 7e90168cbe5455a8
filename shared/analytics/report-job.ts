import { z } from 'zod';
import { AnalyticsReport } from '#shared/analytics/report';
import { StoredScope } from '#shared/analytics/scope';

/**
 * A report too large for one request, computed by the job runner: the scope as asked (its range
 * fixed at the time of asking), and the report once done. The report is bounded whatever the
 * shares (top lists of 10, at most 94 days, 168 weekday-hours, a row per network), so it is kept
 * on the job's own item, well under DynamoDB's 400 KB.
 */
export const AnalyticsJob = z.object({
  scope: StoredScope,
  report: AnalyticsReport.optional(),
});
export type AnalyticsJob = z.infer<typeof AnalyticsJob>;
