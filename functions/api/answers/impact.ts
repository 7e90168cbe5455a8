import { z } from 'zod';
import { Figure } from '#shared/analytics/figure';
import { AnalyticsReport } from '#shared/analytics/report';
import { Period } from '#shared/recognition/leaderboard';
import { PointsEntry } from '#shared/recognition/points-entry';

/*
 * What an employee reads about their own impact: GET /leaderboards, GET /me/recognition and
 * GET /me/stats. Schemas only, so the console types its calls with these very shapes through
 * type-only imports.
 */

export const LeaderboardAnswer = z.object({
  period: Period,
  advocates: z.array(
    z.object({
      rank: z.number(),
      name: z.string(),
      points: z.number(),
      employeeId: z.string().optional(),
    }),
  ),
  /** False when a segment's board stopped at its read budget before it was sure of its top. */
  complete: z.boolean().optional(),
  me: z
    .object({
      /** Exact when the board read reaches the caller; null when hidden, at 0, or further down. */
      rank: z.number().nullable(),
      /** When `rank` is null for someone shown: this many advocates are known to rank ahead. */
      beyond: z.number().optional(),
      points: z.number(),
      hidden: z.boolean(),
    })
    .optional(),
});
export type LeaderboardAnswer = z.infer<typeof LeaderboardAnswer>;

export const TeamBoardAnswer = z.object({
  period: Period,
  teams: z.array(
    z.object({
      segmentId: z.string(),
      name: z.string(),
      activeAdvocates: z.number(),
      points: z.number(),
      averagePerAdvocate: z.number(),
      rankByTotal: z.number(),
      rankByAverage: z.number(),
    }),
  ),
});
export type TeamBoardAnswer = z.infer<typeof TeamBoardAnswer>;

export const MyRecognitionAnswer = z.object({
  points: z.record(Period, z.number()),
  ledger: z.array(PointsEntry),
  thanks: z.array(
    z.object({ thanksId: z.string(), from: z.string(), message: z.string(), at: z.string() }),
  ),
  /** Pass back as `ledgerCursor` / `thanksCursor` for the next page (each newest first). */
  ledgerCursor: z.string().optional(),
  thanksCursor: z.string().optional(),
  hiddenFromLeaderboards: z.boolean(),
});
export type MyRecognitionAnswer = z.infer<typeof MyRecognitionAnswer>;

export const Totals = AnalyticsReport.shape.totals.omit({ invited: true, participation: true });

export const MyStats = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  totals: Totals,
  byNetwork: AnalyticsReport.shape.byNetwork,
  topContent: AnalyticsReport.shape.topContent,
  /** My audience on each connected network now (counted when I connected, refreshed where the network allows). */
  audience: z.record(z.string(), z.number()),
  /** My audience across connected networks plus the engagement and clicks my shares earned. */
  reachScore: Figure,
});

export type MyStats = z.infer<typeof MyStats>;
