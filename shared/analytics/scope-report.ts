import type { AnalyticsReport, SegmentsOf } from '#shared/analytics/report';
import { reportAccumulator } from '#shared/analytics/report';
import type { Scope } from '#shared/analytics/scope';
import type { Employee } from '#shared/employees/employee';
import { compileSegment, type Segment } from '#shared/employees/segment';
import type { EngagementPolicy } from '#shared/engagement/policy';
import { UnprocessableError } from '#shared/errors';
import type { Share } from '#shared/shares/share';
import type { CampaignStore } from '#shared/store/campaigns';
import type { EmployeeStore } from '#shared/store/employees';
import type { PostStore } from '#shared/store/posts';
import type { SegmentStore } from '#shared/store/segments';
import type { ShareStore } from '#shared/store/shares';

/**
 * What one request may read for a report: 5,000 shares (about 12 MB of items, a few hundred
 * milliseconds from DynamoDB) and the fan-out records of 50 campaigns. A scope beyond it is
 * refused with `report_too_large` naming the background report, never answered in part.
 */
export const REPORT_READ_BUDGET = { shares: 5_000, campaigns: 50 } as const;
/** Shares one query reads: a request refused for its size has read at most budget + this. */
export const SHARE_PAGE_SIZE = 500;
/** A background report reads bigger pages: it has no budget to keep close to. */
const JOB_PAGE_SIZE = 1_000;

export const REPORT_TOO_LARGE = 'report_too_large';
export const tooLargeMessage = (what: string) =>
  `This report would read more than ${what}, more than one request may; ask for it in the background with POST /analytics/reports (the same fields, as JSON) and read it from GET /analytics/reports/{jobId} when its job is done`;

export interface ScopeReadDependencies {
  shares: Pick<ShareStore, 'sharesOfPost' | 'sharesOfEmployee' | 'sharesStartedBetween'>;
  campaigns: Pick<CampaignStore, 'get' | 'slices'>;
  posts: Pick<PostStore, 'get'>;
  employees: Pick<EmployeeStore, 'get' | 'many'>;
  segments: Pick<SegmentStore, 'get' | 'all'>;
  engagementPolicies: {
    current(): Promise<Pick<EngagementPolicy, 'mediaRates' | 'reactionWeight'>>;
  };
}

export interface ReadOptions {
  /** Refuse (422 `report_too_large`) past these; absent: read the whole scope (the job). */
  budget?: { shares: number; campaigns: number };
  /** Told the shares read so far after each page (a job's progress). */
  onPage?: (sharesRead: number) => Promise<void>;
}

/**
 * What a scope resolves to before any share is read: the post whose shares to walk (a campaign's
 * post), and the segment's rule. Unknown post, campaign, employee or segment → 404. `empty` when
 * the post and campaign named do not belong together.
 */
export const resolveScope = async (scope: Scope, deps: ScopeReadDependencies) => {
  let postId = scope.postId;
  let empty = false;
  if (scope.campaignId) {
    const campaign = await deps.campaigns.get(scope.campaignId);
    if (postId && postId !== campaign.postId) empty = true;
    postId = campaign.postId;
  } else if (postId) await deps.posts.get(postId);
  if (scope.employeeId) await deps.employees.get(scope.employeeId);
  const segment = scope.segmentId
    ? compileSegment(await deps.segments.get(scope.segmentId))
    : undefined;
  return { postId, empty, segment };
};

/** The defined segments as predicates, read once per report (at most MAX_SEGMENTS of them). */
const membershipOf = (segments: readonly Segment[]) => {
  const compiled = segments.map((s) => ({ segmentId: s.segmentId, holds: compileSegment(s) }));
  return (person: Employee | undefined): string[] =>
    person ? compiled.filter((s) => s.holds(person)).map((s) => s.segmentId) : [];
};

/**
 * Walks the shares in scope through the narrowest index, a page at a time, handing on those the
 * other filters keep, with the segments each one's employee belongs to now. With a budget,
 * counts every share read (kept or not: reading is the work) and refuses once past it. The
 * employees of a page are read once for it, for the segment filter and the segment table alike;
 * nothing about them is kept from page to page, so a report over a large company holds no more
 * than a page of people.
 */
const walkShares = async (
  scope: Scope,
  deps: ScopeReadDependencies,
  options: ReadOptions,
  segments: readonly Segment[],
  take: (shares: Share[], segmentsOf: SegmentsOf) => void,
): Promise<void> => {
  const { postId, empty, segment } = await resolveScope(scope, deps);
  if (empty) return;
  const { range } = scope;
  const { budget } = options;
  const pageSize = budget ? SHARE_PAGE_SIZE : JOB_PAGE_SIZE;
  const keep = (s: Share) =>
    (!range || (s.startedAt >= range.from.toISOString() && s.startedAt < range.to.toISOString())) &&
    (!scope.campaignId || s.campaignId === scope.campaignId) &&
    (!scope.network || s.network === scope.network) &&
    (!scope.employeeId || s.employeeId === scope.employeeId) &&
    (!postId || s.postId === postId);
  const pages = postId
    ? deps.shares.sharesOfPost(postId, pageSize)
    : scope.employeeId
      ? deps.shares.sharesOfEmployee(
          scope.employeeId,
          range?.from ?? new Date(0),
          range?.to ?? new Date(),
          pageSize,
        )
      : deps.shares.sharesStartedBetween(
          range?.from ?? new Date(0),
          range?.to ?? new Date(),
          pageSize,
        );
  const segmentsOfPerson = membershipOf(segments);
  let read = 0;
  for await (const page of pages) {
    read += page.length;
    if (budget && read > budget.shares) {
      throw new UnprocessableError(
        tooLargeMessage(`${budget.shares.toLocaleString('en')} shares`),
        REPORT_TOO_LARGE,
      );
    }
    let kept = page.filter(keep);
    // One read per person of the page (batched), and only when a segment asks about them.
    const people =
      kept.length > 0 && (segment || segments.length > 0)
        ? await deps.employees.many(kept.map((s) => s.employeeId))
        : new Map<string, Employee>();
    if (segment) {
      kept = kept.filter((s) => {
        const person = people.get(s.employeeId);
        return person !== undefined && segment(person);
      });
    }
    const memberships = new Map<string, readonly string[]>();
    const segmentsOf: SegmentsOf = (share) => {
      let ids = memberships.get(share.employeeId);
      if (!ids) {
        ids = segmentsOfPerson(people.get(share.employeeId));
        memberships.set(share.employeeId, ids);
      }
      return ids;
    };
    take(kept, segmentsOf);
    await options.onPage?.(read);
  }
};

/** People the campaigns of the shares in scope were offered to, from their fan-out records. */
const invitedTo = async (
  campaignIds: ReadonlySet<string>,
  deps: ScopeReadDependencies,
  budget: ReadOptions['budget'],
): Promise<number | null> => {
  if (budget && campaignIds.size > budget.campaigns) {
    throw new UnprocessableError(
      tooLargeMessage(`the fan-out records of ${budget.campaigns} campaigns`),
      REPORT_TOO_LARGE,
    );
  }
  let invited = 0;
  // A few campaigns at a time: a background report may cover hundreds.
  const ids = [...campaignIds];
  for (let start = 0; start < ids.length; start += 10) {
    const slices = await Promise.all(
      ids.slice(start, start + 10).map((id) => deps.campaigns.slices(id)),
    );
    invited += slices.flat().reduce((total, slice) => total + slice.invited, 0);
  }
  return invited > 0 ? invited : null;
};

/**
 * The report of a scope: its shares streamed page by page into the report's accumulator, so what
 * is held grows with the report's rows, not the shares. A request passes a budget; the
 * background report's job passes none. Both run this, so the two cannot disagree.
 */
export const reportOfScope = async (
  scope: Scope,
  deps: ScopeReadDependencies,
  options: ReadOptions = {},
): Promise<AnalyticsReport> => {
  const [policy, segments] = await Promise.all([
    deps.engagementPolicies.current(),
    deps.segments.all(),
  ]);
  const accumulator = reportAccumulator({ policy, timeZone: scope.timeZone });
  const countsInvited = !(scope.employeeId || scope.segmentId || scope.network);
  const campaignIds = new Set<string>();
  await walkShares(scope, deps, options, segments, (shares, segmentsOf) => {
    accumulator.add(shares, segmentsOf);
    if (countsInvited) for (const s of shares) campaignIds.add(s.campaignId);
  });
  const invited = countsInvited ? await invitedTo(campaignIds, deps, options.budget) : null;
  const segmentNames = new Map(segments.map((s) => [s.segmentId, s.name]));
  const report = accumulator.finish({ invited, names: new Map(), titles: new Map(), segmentNames });
  // Names and titles only for the rows shown: a report may cover thousands of people, and a
  // background report hundreds of campaigns, whose titles are given where already read here.
  const [people, posts] = await Promise.all([
    deps.employees.many(report.topAdvocates.map((r) => r.employeeId)),
    Promise.all(report.topContent.map((r) => deps.posts.get(r.postId).catch(() => undefined))),
  ]);
  const titles = new Map<string, string>();
  for (const post of posts) if (post) titles.set(post.postId, post.title);
  return {
    ...report,
    topAdvocates: report.topAdvocates.map((r) => ({
      ...r,
      name: people.get(r.employeeId)?.name ?? r.name,
    })),
    topContent: report.topContent.map((r) => ({ ...r, title: titles.get(r.postId) ?? r.title })),
    byCampaign: report.byCampaign.map((r) => ({ ...r, title: titles.get(r.postId) ?? r.title })),
  };
};
