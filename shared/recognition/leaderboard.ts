import { z } from 'zod';
import type { Employee } from '#shared/employees/employee';
import { type Segment, segmentsOf } from '#shared/employees/segment';

/** Who takes part in recognition: an active person still in the programme (boards, thanks). */
export const onBoard = (person: Employee | undefined): person is Employee =>
  person !== undefined && person.status === 'active' && !person.consent.leftAt;

/** Leaderboard periods: calendar week (ISO), month and quarter in UTC, and the last 30 days. */
export const Period = z.enum(['week', 'month', 'quarter', 'rolling30']);
export type Period = z.infer<typeof Period>;

const pad = (n: number) => String(n).padStart(2, '0');

const isoWeek = (at: Date) => {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${pad(week)}`;
};

/** The counters one award adds to: the day (for rolling windows), week, month and quarter. */
export const periodKeysOf = (at: Date): string[] => {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() + 1;
  return [
    `D${at.toISOString().slice(0, 10)}`,
    `W${isoWeek(at)}`,
    `M${year}-${pad(month)}`,
    `Q${year}-Q${Math.ceil(month / 3)}`,
  ];
};

/** The counters that make up a period as of `at`: one, or the last 30 days. */
export const countersFor = (period: Period, at: Date): string[] => {
  const [, week, month, quarter] = periodKeysOf(at) as [string, string, string, string];
  if (period === 'week') return [week];
  if (period === 'month') return [month];
  if (period === 'quarter') return [quarter];
  return Array.from(
    { length: 30 },
    (_, i) => `D${new Date(at.getTime() - i * 86_400_000).toISOString().slice(0, 10)}`,
  );
};

export interface Standing {
  employeeId: string;
  points: number;
}

/**
 * Ranked by points; equal points share a rank (1, 2, 2, 4), listed by employee id in code-unit
 * order — the order DynamoDB keeps the ranked index in (`rankKey`).
 */
export const rankAdvocates = <T extends Standing>(
  standings: readonly T[],
): (T & { rank: number })[] => {
  const sorted = [...standings].sort(
    (a, b) =>
      b.points - a.points ||
      (a.employeeId < b.employeeId ? -1 : a.employeeId > b.employeeId ? 1 : 0),
  );
  return sorted.map((s) => ({
    ...s,
    rank: sorted.findIndex((o) => o.points === s.points) + 1,
  }));
};

export interface TeamStanding {
  segmentId: string;
  name: string;
  /** People in the segment who earned points in the period. */
  activeAdvocates: number;
  points: number;
  averagePerAdvocate: number;
  rankByTotal: number;
  rankByAverage: number;
}

/** Teams ranked both ways: by total, and by average per active advocate so small teams can win. */
export const rankTeams = (
  teams: readonly { segmentId: string; name: string; members: readonly Standing[] }[],
): TeamStanding[] =>
  rankTeamFigures(
    teams.map((t) => {
      const active = t.members.filter((m) => m.points > 0);
      return {
        segmentId: t.segmentId,
        name: t.name,
        activeAdvocates: active.length,
        points: active.reduce((sum, m) => sum + m.points, 0),
      };
    }),
  );

/** Teams ranked from their figures (points, and how many advocates earned them). */
export const rankTeamFigures = (
  figures: readonly { segmentId: string; name: string; activeAdvocates: number; points: number }[],
): TeamStanding[] => {
  const rows = figures.map((t) => ({
    ...t,
    averagePerAdvocate:
      t.activeAdvocates === 0 ? 0 : Math.round((t.points / t.activeAdvocates) * 100) / 100,
  }));
  const rankBy = (key: 'points' | 'averagePerAdvocate') => {
    const values = rows.map((r) => r[key]).sort((a, b) => b - a);
    return (row: (typeof rows)[number]) => values.indexOf(row[key]) + 1;
  };
  const byTotal = rankBy('points');
  const byAverage = rankBy('averagePerAdvocate');
  return rows
    .map((r) => ({ ...r, rankByTotal: byTotal(r), rankByAverage: byAverage(r) }))
    .sort((a, b) => a.rankByAverage - b.rankByAverage || a.rankByTotal - b.rankByTotal);
};

/** Whoever shows on boards: on board (active, in the programme) and not hidden by choice. */
export const shownOnBoards = (person: Employee | undefined): person is Employee =>
  onBoard(person) && !person.consent.hiddenFromLeaderboards;

/**
 * The board counters a ranked index orders (week, month, quarter as of `at`). The day counters are
 * not ranked: the rolling window is ranked through each person's rolling counter instead.
 */
export const rankedPeriodKeysOf = (at: Date): string[] => periodKeysOf(at).slice(1);

/** The counter a period's board is ranked from, or `rolling` for the last 30 days. */
export const rankedCounterFor = (period: Period, at: Date): string =>
  period === 'rolling30' ? ROLLING : (countersFor(period, at)[0] ?? '');

/** The per-person counter of the last 30 days (one per person, pruned as it is written). */
export const ROLLING = 'R';
export const ROLLING_DAYS = 30;

const MAX_POINTS = 10 ** 12;

/**
 * The ranked index's sort key: most points first, then by employee id — the order
 * `rankAdvocates` gives — so reading the index in key order reads the board in rank order.
 */
export const rankKey = (points: number, employeeId: string): string =>
  `${String(MAX_POINTS - Math.min(points, MAX_POINTS - 1)).padStart(13, '0')}#${employeeId}`;

/** A rolling counter's days (`YYYY-MM-DD` → points): only the window as of `at` is kept. */
export const rollingDays = (days: Record<string, number>, at: Date): Record<string, number> => {
  const oldest = new Date(at.getTime() - (ROLLING_DAYS - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return Object.fromEntries(Object.entries(days).filter(([day]) => day >= oldest));
};

export const rollingPoints = (days: Record<string, number>, at: Date): number =>
  Object.values(rollingDays(days, at)).reduce((sum, points) => sum + points, 0);

/** The days of the window as of `at`, newest first. */
export const windowDays = (at: Date): string[] =>
  Array.from({ length: ROLLING_DAYS }, (_, i) =>
    new Date(at.getTime() - i * 86_400_000).toISOString().slice(0, 10),
  );

/**
 * The most teams one award counts for: a person's points go to the segments they are in when
 * they earn them, the first ten by id, so one award's transaction stays small whatever the rules.
 */
export const MAX_TEAMS_PER_PERSON = 10;

export const teamsOf = (person: Employee | undefined, segments: readonly Segment[]): string[] =>
  person ? segmentsOf(person, segments).sort().slice(0, MAX_TEAMS_PER_PERSON) : [];
