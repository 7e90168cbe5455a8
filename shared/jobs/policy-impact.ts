import { z } from 'zod';
import { BlockedRendering } from '#shared/compliance/blocked-rendering';
import type { Employee } from '#shared/employees/employee';
import { compileSegment, type Segment } from '#shared/employees/segment';

/**
 * A policy-impact job: what a draft compliance policy would block of the content already out.
 * It walks, in checkpointed pages, the directory (to learn whose jurisdictions each segment
 * reaches), then the live posts (approved, then scheduled: a post stays scheduled once a
 * campaign sent it, and employees still share it), then the campaigns still scheduled.
 */
export const IMPACT_PHASES = ['directory', 'approved', 'scheduledPosts', 'campaigns'] as const;
export const ImpactPhase = z.enum(IMPACT_PHASES);
export type ImpactPhase = z.infer<typeof ImpactPhase>;

/** Posts listed in a job's answer; more are counted, and `truncated` says so. */
export const MAX_LISTED_POSTS = 25;
/** The listed posts' size, in bytes of JSON: the job item stays far under DynamoDB's 400 KB. */
export const LISTED_BYTES_BUDGET = 200_000;

export const ImpactedPost = z.object({
  postId: z.string(),
  title: z.string(),
  /** The post's status; a campaign still to go out is named with its time. */
  status: z.enum(['approved', 'scheduled']),
  campaignId: z.string().optional(),
  scheduledAt: z.string().optional(),
  networks: z.array(z.string()),
  /** Its recipients' jurisdictions (`null`: people with none recorded). */
  jurisdictions: z.array(z.string().nullable()),
  renderings: z.array(BlockedRendering),
  /** More renderings are blocked than are listed. */
  renderingsTruncated: z.boolean(),
});
export type ImpactedPost = z.infer<typeof ImpactedPost>;

export const ImpactProgress = z.object({
  /** The version the draft was edited from. */
  basedOn: z.number().int().positive(),
  phase: ImpactPhase,
  /** The directory phase's position: shard, and the cursor within it. */
  shard: z.number().int().nonnegative(),
  shardsTotal: z.number().int().positive(),
  /** The position within the posts or the campaigns being walked. */
  cursor: z.record(z.string(), z.unknown()).optional(),
  /** Pages read so far: the job's counter, which numbers the events its checkpoints commit. */
  pages: z.number().int().nonnegative(),
  employeesRead: z.number().int().nonnegative(),
  /** Per segment, the jurisdictions of its members (`null`: members with none). */
  segmentJurisdictions: z.record(z.string(), z.array(z.string().nullable())),
  postsChecked: z.number().int().nonnegative(),
  campaignsChecked: z.number().int().nonnegative(),
  /** Posts (or campaigns) the draft would block, listed or not. */
  blockedCount: z.number().int().nonnegative(),
  blocked: z.array(ImpactedPost),
  truncated: z.boolean(),
});
export type ImpactProgress = z.infer<typeof ImpactProgress>;

export const newImpact = (basedOn: number, shardsTotal: number): ImpactProgress => ({
  basedOn,
  phase: 'directory',
  shard: 0,
  shardsTotal,
  pages: 0,
  employeesRead: 0,
  segmentJurisdictions: {},
  postsChecked: 0,
  campaignsChecked: 0,
  blockedCount: 0,
  blocked: [],
  truncated: false,
});

/** Adds one page of the directory: each member's jurisdiction to each segment they are in. */
export const noteJurisdictions = (
  known: ImpactProgress['segmentJurisdictions'],
  segments: readonly Segment[],
  employees: readonly Employee[],
): ImpactProgress['segmentJurisdictions'] => {
  const next = Object.fromEntries(
    Object.entries(known).map(([segmentId, list]) => [segmentId, new Set(list)]),
  );
  const members = segments.map((s) => ({ id: s.segmentId, isMember: compileSegment(s) }));
  for (const employee of employees) {
    if (employee.status !== 'active') continue;
    for (const { id, isMember } of members) {
      if (!isMember(employee)) continue;
      const seen = next[id] ?? new Set<string | null>();
      seen.add(employee.jurisdiction ?? null);
      next[id] = seen;
    }
  }
  return Object.fromEntries(Object.entries(next).map(([id, set]) => [id, [...set]]));
};

/** The jurisdictions a post's recipients are in: those of its segments' members. */
export const jurisdictionsOf = (
  known: ImpactProgress['segmentJurisdictions'],
  segments: readonly string[],
): (string | null)[] => {
  const all = new Set(segments.flatMap((id) => known[id] ?? []));
  return [...all].sort((a, b) => (a ?? '').localeCompare(b ?? ''));
};

/** Lists a blocked post while the list has room; past it the post is only counted. */
export const withBlocked = (progress: ImpactProgress, post: ImpactedPost): ImpactProgress => {
  const listed = [...progress.blocked, post];
  const fits =
    listed.length <= MAX_LISTED_POSTS &&
    new TextEncoder().encode(JSON.stringify(listed)).length <= LISTED_BYTES_BUDGET;
  return {
    ...progress,
    blockedCount: progress.blockedCount + 1,
    blocked: fits ? listed : progress.blocked,
    truncated: progress.truncated || !fits,
  };
};
