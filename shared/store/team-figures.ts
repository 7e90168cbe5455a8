import { windowDays } from '#shared/recognition/leaderboard';
import { keys } from '#shared/store/keys';
import type { TransactItem } from '#shared/store/transact';

/**
 * Team figures, kept as points are awarded so the team board reads one item per team.
 *
 * Week, month and quarter: per (period, segment) the points of the people shown on boards and how
 * many of them earned any. A person's counter records what it gave each team (`teams`), so hiding
 * takes exactly that back out and showing again puts it back.
 *
 * The rolling 30 days: one item per segment with a number per day — `d<day>` the points earned
 * that day, `n<day>` how many people's latest points for the team came that day — so the window's
 * points and active advocates are sums over its days (someone whose latest points for the team are
 * in the window earned some in it). The person's rolling counter records what they gave each team
 * by day (`teamDays`). Days that left the window stay on the item and are never read.
 */
export type TeamShares = Record<string, number>;

/**
 * Each team's figures are split over shards (by person), so awards to many people of one team at
 * once do not all contend for one item; a reader sums a team's shards.
 */
export const TEAM_SHARDS = 8;
export const teamShardOf = (employeeId: string): number => {
  let hash = 0;
  for (const char of employeeId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % TEAM_SHARDS;
};
export type TeamDays = Record<string, Record<string, number>>;

const latestDay = (days: Record<string, number> | undefined) =>
  Object.keys(days ?? {})
    .sort()
    .at(-1);

/** Adds (sign 1) or takes back (sign -1) what a person's period counter gave each team. */
export const periodTeamWrites = (
  tableName: string,
  employeeId: string,
  counter: string,
  shares: TeamShares,
  sign: 1 | -1,
): TransactItem[] =>
  Object.entries(shares)
    .filter(([, points]) => points > 0)
    .map(([segmentId, points]) => ({
      Update: {
        TableName: tableName,
        Key: keys.boardTeam(counter, segmentId, teamShardOf(employeeId)),
        UpdateExpression: 'ADD points :points, advocates :one SET segmentId = :segmentId',
        ExpressionAttributeValues: {
          ':points': sign * points,
          ':one': sign,
          ':segmentId': segmentId,
        },
      },
    }));

/** One award's share of a period's team figures: the points, and a new advocate on first points. */
export const periodAwardWrites = (
  tableName: string,
  employeeId: string,
  counter: string,
  before: TeamShares,
  teams: readonly string[],
  points: number,
): TransactItem[] =>
  teams.map((segmentId) => ({
    Update: {
      TableName: tableName,
      Key: keys.boardTeam(counter, segmentId, teamShardOf(employeeId)),
      UpdateExpression: 'ADD points :points, advocates :new SET segmentId = :segmentId',
      ExpressionAttributeValues: {
        ':points': points,
        ':new': (before[segmentId] ?? 0) > 0 ? 0 : 1,
        ':segmentId': segmentId,
      },
    },
  }));

/** Adds (1) or takes back (-1) what a person's rolling counter gave each team, day by day. */
export const rollingTeamWrites = (
  tableName: string,
  employeeId: string,
  teamDays: TeamDays,
  sign: 1 | -1,
): TransactItem[] =>
  Object.entries(teamDays).flatMap(([segmentId, days]) => {
    const latest = latestDay(days);
    if (!latest) return [];
    const entries = Object.entries(days);
    return [
      {
        Update: {
          TableName: tableName,
          Key: keys.boardTeam('R', segmentId, teamShardOf(employeeId)),
          UpdateExpression: `ADD ${entries.map((_, i) => `#d${i} :d${i}`).join(', ')}, #latest :one SET segmentId = :segmentId`,
          ExpressionAttributeNames: {
            ...Object.fromEntries(entries.map(([day], i) => [`#d${i}`, `d${day}`])),
            '#latest': `n${latest}`,
          },
          ExpressionAttributeValues: {
            ...Object.fromEntries(entries.map(([, points], i) => [`:d${i}`, sign * points])),
            ':one': sign,
            ':segmentId': segmentId,
          },
        },
      },
    ];
  });

/** One award's share of the rolling team figures: its day's points, and whose latest day moved. */
export const rollingAwardWrites = (
  tableName: string,
  employeeId: string,
  before: TeamDays,
  teams: readonly string[],
  day: string,
  points: number,
): TransactItem[] =>
  teams.map((segmentId) => {
    const latest = latestDay(before[segmentId]);
    const moves = latest === undefined || day > latest;
    return {
      Update: {
        TableName: tableName,
        Key: keys.boardTeam('R', segmentId, teamShardOf(employeeId)),
        UpdateExpression: `ADD #day :points${moves ? ', #now :one' : ''}${
          moves && latest ? ', #was :minus' : ''
        } SET segmentId = :segmentId`,
        ExpressionAttributeNames: {
          '#day': `d${day}`,
          ...(moves ? { '#now': `n${day}` } : {}),
          ...(moves && latest ? { '#was': `n${latest}` } : {}),
        },
        ExpressionAttributeValues: {
          ':points': points,
          ':segmentId': segmentId,
          ...(moves ? { ':one': 1 } : {}),
          ...(moves && latest ? { ':minus': -1 } : {}),
        },
      },
    };
  });

/** A team's figures as of `at` from its stored shards (period or rolling). */
export const figuresOf = (
  shards: readonly Record<string, unknown>[],
  rolling: boolean,
  at: Date,
): { points: number; activeAdvocates: number } => {
  const days = windowDays(at);
  const sum = (read: (item: Record<string, unknown>) => number) =>
    shards.reduce((total, item) => total + read(item), 0);
  const inWindow = (prefix: string) => (item: Record<string, unknown>) =>
    days.reduce((total, day) => total + Number(item[`${prefix}${day}`] ?? 0), 0);
  return rolling
    ? { points: sum(inWindow('d')), activeAdvocates: sum(inWindow('n')) }
    : {
        points: sum((item) => Number(item.points ?? 0)),
        activeAdvocates: sum((item) => Number(item.advocates ?? 0)),
      };
};
