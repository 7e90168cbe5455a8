import { z } from 'zod';
import type { ApiDependencies } from '#functions/api/dependencies';
import { type AnalyticsReport, buildReport, REPORT_TABLES } from '#shared/analytics/report';
import { compileSegment } from '#shared/employees/segment';
import { ValidationError } from '#shared/errors';
import { NetworkName } from '#shared/networks/network';
import type { Share } from '#shared/shares/share';
import { IntentNetwork } from '#shared/sharing/intents';

const DAY = 86_400_000;
/** The longest range one report reads: a quarter and a day. */
export const MAX_RANGE_DAYS = 93;

const validZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const Id = z.string().min(1).max(100);

/** Which shares a report covers, as the query string says; a range without both ends is the last 30 days. */
export const AnalyticsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  postId: Id.optional(),
  campaignId: Id.optional(),
  employeeId: Id.optional(),
  segmentId: Id.optional(),
  network: z.union([NetworkName, IntentNetwork]).optional(),
  timeZone: z.string().max(64).refine(validZone, 'not an IANA time zone').default('UTC'),
  format: z.enum(['json', 'csv']).default('json'),
  table: z.enum(REPORT_TABLES).optional(),
});
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;

export interface Scope {
  range?: { from: Date; to: Date };
  postId?: string | undefined;
  campaignId?: string | undefined;
  employeeId?: string | undefined;
  segmentId?: string | undefined;
  network?: string | undefined;
  timeZone: string;
}

/**
 * The range a query asks for. A post or campaign without one covers its whole life; anything
 * else defaults to the last 30 days. Reversed or longer than MAX_RANGE_DAYS is a 400 naming it.
 */
export const scopeOf = (query: Omit<AnalyticsQuery, 'format' | 'table'>, now: Date): Scope => {
  const open = (query.postId || query.campaignId) && !query.from && !query.to;
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY);
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

const collect = async (pages: AsyncGenerator<Share[]>, keep: (s: Share) => boolean) => {
  const all: Share[] = [];
  for await (const page of pages) all.push(...page.filter(keep));
  return all;
};

/** Reads the shares in scope through the narrowest index, then filters by the rest. */
const sharesIn = async (scope: Scope, deps: ApiDependencies): Promise<Share[]> => {
  let postId = scope.postId;
  if (scope.campaignId) {
    const campaign = await deps.campaigns.get(scope.campaignId);
    if (postId && postId !== campaign.postId) return [];
    postId = campaign.postId;
  } else if (postId) await deps.posts.get(postId);
  if (scope.employeeId) await deps.employees.get(scope.employeeId);
  const segment = scope.segmentId
    ? compileSegment(await deps.segments.get(scope.segmentId))
    : undefined;

  const { range } = scope;
  const keep = (s: Share) =>
    (!range || (s.startedAt >= range.from.toISOString() && s.startedAt < range.to.toISOString())) &&
    (!scope.campaignId || s.campaignId === scope.campaignId) &&
    (!scope.network || s.network === scope.network) &&
    (!scope.employeeId || s.employeeId === scope.employeeId) &&
    (!postId || s.postId === postId);
  const shares = postId
    ? await collect(deps.shares.sharesOfPost(postId), keep)
    : scope.employeeId
      ? await collect(
          deps.shares.sharesOfEmployee(
            scope.employeeId,
            range?.from ?? new Date(0),
            range?.to ?? new Date(),
          ),
          keep,
        )
      : await collect(
          deps.shares.sharesStartedBetween(range?.from ?? new Date(0), range?.to ?? new Date()),
          keep,
        );
  if (!segment) return shares;
  const people = await deps.employees.many(shares.map((s) => s.employeeId));
  return shares.filter((s) => {
    const person = people.get(s.employeeId);
    return person !== undefined && segment(person);
  });
};

/** People the campaigns of these shares were offered to, from their fan-out records. */
const invitedTo = async (
  shares: readonly Share[],
  deps: ApiDependencies,
): Promise<number | null> => {
  const campaignIds = [...new Set(shares.map((s) => s.campaignId))];
  const slices = await Promise.all(campaignIds.map((id) => deps.campaigns.slices(id)));
  const invited = slices.flat().reduce((total, slice) => total + slice.invited, 0);
  return invited > 0 ? invited : null;
};

export const reportFor = async (scope: Scope, deps: ApiDependencies): Promise<AnalyticsReport> => {
  const shares = await sharesIn(scope, deps);
  const [invited, policy] = await Promise.all([
    scope.employeeId || scope.segmentId || scope.network ? null : invitedTo(shares, deps),
    deps.engagementPolicies.current(),
  ]);
  const report = buildReport({
    shares,
    invited,
    policy,
    names: new Map(),
    titles: new Map(),
    timeZone: scope.timeZone,
  });
  // Names and titles only for the rows shown: a report may cover thousands of people.
  const [people, posts] = await Promise.all([
    deps.employees.many(report.topAdvocates.map((r) => r.employeeId)),
    Promise.all(report.topContent.map((r) => deps.posts.get(r.postId).catch(() => undefined))),
  ]);
  return {
    ...report,
    topAdvocates: report.topAdvocates.map((r) => ({
      ...r,
      name: people.get(r.employeeId)?.name ?? r.name,
    })),
    topContent: report.topContent.map((r, i) => ({ ...r, title: posts[i]?.title ?? r.title })),
  };
};
