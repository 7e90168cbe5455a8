import { z } from 'zod';
import { addDays, instantOf, TimeZone } from '#shared/employees/time';

/**
 * The ends of a date range as people type them: an instant with its offset
 * (`2026-01-01T09:00:00Z`) or a calendar date (`2026-01-01`). A date is a whole day in the
 * request's time zone: `from` is its first moment, `to` its last, so `to=2026-01-31` includes
 * the 31st. One reading of ranges for every route that takes one.
 */
export const DateOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
export type DateOrInstant = z.infer<typeof DateOrInstant>;

/** The zone a request's dates are read in: an IANA name, UTC unless the request names one. */
export const RangeTimeZone = TimeZone.pipe(z.string().max(64)).default('UTC');

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The instant a `from` names: a date's first moment in `zone`, or the instant itself. */
export const startOf = (value: DateOrInstant, zone: string): Date =>
  isDate(value) ? instantOf(value, 0, zone) : new Date(value);

/** The instant a `to` names: a date's last millisecond in `zone` (inclusive), or the instant. */
export const endOf = (value: DateOrInstant, zone: string): Date =>
  isDate(value) ? new Date(instantOf(addDays(value, 1), 0, zone).getTime() - 1) : new Date(value);

/** The query fields of a date range, for a route's query schema to extend. */
export const DateRangeFields = {
  from: DateOrInstant.optional(),
  to: DateOrInstant.optional(),
  timeZone: RangeTimeZone,
};

/** The instants a query's range names, each end only if given. */
export const instantsOf = (query: {
  from?: DateOrInstant | undefined;
  to?: DateOrInstant | undefined;
  timeZone: string;
}): { from?: Date; to?: Date } => ({
  ...(query.from === undefined ? {} : { from: startOf(query.from, query.timeZone) }),
  ...(query.to === undefined ? {} : { to: endOf(query.to, query.timeZone) }),
});
