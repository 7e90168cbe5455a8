import { setTimeout as sleep } from 'node:timers/promises';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from '#shared/aws';
import { Employee } from '#shared/employees/employee';
import type { Segment } from '#shared/employees/segment';
import { cancellationCodes, ValidationError } from '#shared/errors';
import {
  type Period,
  periodKeysOf,
  ROLLING,
  rankedCounterFor,
  rankedPeriodKeysOf,
  rankKey,
  rollingDays,
  rollingPoints,
  shownOnBoards,
  teamsOf,
  windowDays,
} from '#shared/recognition/leaderboard';
import { PointsEntry } from '#shared/recognition/points';
import type { Thanks } from '#shared/recognition/thanks';
import type { AuditStore } from '#shared/store/audit';
import { batchGetItems, batchWriteItems } from '#shared/store/batch';
import { type WalkResult, walkBoard } from '#shared/store/board-walk';
import { keys, withoutKeys } from '#shared/store/keys';
import { createSegmentStore } from '#shared/store/segments';
import {
  figuresOf,
  periodAwardWrites,
  periodTeamWrites,
  rollingAwardWrites,
  rollingTeamWrites,
  TEAM_SHARDS,
  type TeamDays,
  type TeamShares,
} from '#shared/store/team-figures';
import type { TransactItem } from '#shared/store/transact';

export type { Thanks };

/** A page of a list read newest first; `cursor` asks for the next one. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/**
 * A cursor is the last item's time-ordered sort key, and nothing else: the store rebuilds the
 * start key from it, so a forged cursor can only choose where a page of the same list starts.
 */
const LedgerKey = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z#[^\s]{1,300}$/);
const ThanksKey = z.string().regex(/^THANKS#\d{4}-\d\d-\d\dT[\d:.]+Z#[\w-]{1,100}$/);
const encodeCursor = (sortKey: string) => Buffer.from(sortKey).toString('base64url');
const decodeCursor = (cursor: string, schema: z.ZodType<string>, field: string): string => {
  const sortKey = schema.safeParse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!sortKey.success) {
    throw new ValidationError('That cursor did not come from this list', [
      { field: `query.${field}`, message: 'not a cursor this API returned' },
    ]);
  }
  return sortKey.data;
};

const ledgerKeys = (entry: PointsEntry) => ({
  gsi4pk: keys.ledgerOf(entry.employeeId),
  gsi4sk: `${entry.at}#${entry.entryId}`,
});

/** How long awards use the segments they read: a changed rule counts from at most then. */
const SEGMENTS_FRESH_MS = 60_000;

/** Awards that lost a race for a counter are built again from what is stored now. */
const AWARD_ATTEMPTS = 8;

const consistentGet = async (tableName: string, key: Record<string, unknown>) =>
  (await dynamo().send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })))
    .Item;

/**
 * What an award's writes assume of the person: shown on boards or not, as read. Every change of
 * that (consent, status) moves the revision or the status, so an award built on a stale reading
 * fails and is built again, and a board never shows someone who has just hidden.
 */
const visibilityCheck = (tableName: string, employeeId: string, person: Employee | undefined) =>
  ({
    ConditionCheck: {
      TableName: tableName,
      Key: keys.employee(employeeId),
      ...(person
        ? {
            ConditionExpression:
              '#status = :status AND (consent.revision = :revision OR (attribute_not_exists(consent.revision) AND :revision = :zero))',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': person.status,
              ':revision': person.consent.revision,
              ':zero': 0,
            },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  }) satisfies TransactItem;

/**
 * Points as a ledger: each entry is written once, under an id that says what it is for, together
 * with the per-period counters the leaderboards read — one transaction, so a counter is never
 * ahead of or behind its entries.
 *
 * The week, month and quarter counters and each person's rolling counter (the last 30 days, by
 * day) carry a ranked key (gsi1, most points first) while the person is shown on boards, so a
 * board is read from its top in bounded work. The key holds the points it was written with, so
 * each counter is written on the condition that it still holds what was read (and the person is
 * still as read); an award that loses a race is built again.
 */
export const createRecognitionStore = (tableName: string, audit: AuditStore) => {
  const segmentStore = createSegmentStore(tableName, audit);
  // Awards compile the segments; read once a minute, not once an award (a poll run awards many).
  let segmentsRead: { at: number; segments: Promise<Segment[]> } | undefined;
  const currentSegments = () => {
    if (!segmentsRead || Date.now() - segmentsRead.at > SEGMENTS_FRESH_MS) {
      const segments = segmentStore.all();
      segmentsRead = { at: Date.now(), segments };
      segments.catch(() => {
        segmentsRead = undefined;
      });
    }
    return segmentsRead.segments;
  };
  const readPerson = async (employeeId: string) => {
    const item = await consistentGet(tableName, keys.employee(employeeId));
    if (!item) return undefined;
    const { signInSub: _, ...rest } = item;
    return Employee.parse(withoutKeys(rest));
  };

  const awardItems = async (entry: PointsEntry): Promise<TransactItem[]> => {
    const at = new Date(entry.at);
    const id = entry.employeeId;
    const [day = '', ...ranked] = periodKeysOf(at);
    const [person, segments, rolling, ...counters] = await Promise.all([
      readPerson(id),
      currentSegments(),
      consistentGet(tableName, keys.boardCounter(ROLLING, id)),
      ...ranked.map((counter) => consistentGet(tableName, keys.boardCounter(counter, id))),
    ]);
    const shown = shownOnBoards(person);
    // Points count for the teams the person is in as they earn them (and stay there).
    const teams = teamsOf(person, segments);
    const rankedCounter = (counter: string, stored: Record<string, unknown> | undefined) => {
      const points = Number(stored?.points ?? 0) + entry.points;
      const before = (stored?.teams ?? {}) as TeamShares;
      const after = { ...before };
      for (const team of teams) after[team] = (after[team] ?? 0) + entry.points;
      return [
        {
          Update: {
            TableName: tableName,
            Key: keys.boardCounter(counter, id),
            UpdateExpression: `SET points = :points, employeeId = :employeeId, teams = :teams, gsi1sk = :rank${
              shown ? ', gsi1pk = :ranked' : ' REMOVE gsi1pk'
            }`,
            ConditionExpression: stored ? 'points = :was' : 'attribute_not_exists(pk)',
            ExpressionAttributeValues: {
              ':points': points,
              ':employeeId': id,
              ':teams': after,
              ':rank': rankKey(points, id),
              ...(shown ? { ':ranked': keys.boardRanked(counter) } : {}),
              ...(stored ? { ':was': Number(stored.points ?? 0) } : {}),
            },
          },
        } satisfies TransactItem,
        ...(shown ? periodAwardWrites(tableName, id, counter, before, teams, entry.points) : []),
      ];
    };
    const entryDay = entry.at.slice(0, 10);
    const lastDay = [String(rolling?.lastDay ?? ''), entryDay].sort().at(-1) ?? entryDay;
    const asOfLastDay = new Date(`${lastDay}T00:00:00.000Z`);
    const stored = (rolling?.days ?? {}) as Record<string, number>;
    const days = rollingDays(
      { ...stored, [entryDay]: (stored[entryDay] ?? 0) + entry.points },
      asOfLastDay,
    );
    const rollingTotal = rollingPoints(days, asOfLastDay);
    const teamDaysBefore = (rolling?.teamDays ?? {}) as TeamDays;
    const teamDays: TeamDays = {};
    for (const [team, theirs] of Object.entries(teamDaysBefore)) {
      const kept = rollingDays(theirs, asOfLastDay);
      if (Object.keys(kept).length > 0) teamDays[team] = kept;
    }
    for (const team of teams) {
      const theirs = { ...teamDays[team] };
      theirs[entryDay] = (theirs[entryDay] ?? 0) + entry.points;
      teamDays[team] = rollingDays(theirs, asOfLastDay);
    }
    return [
      {
        Put: {
          TableName: tableName,
          Item: { ...keys.pointsEntry(id, entry.entryId), ...ledgerKeys(entry), ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      visibilityCheck(tableName, id, person),
      {
        Update: {
          TableName: tableName,
          Key: keys.boardCounter(day, id),
          UpdateExpression: 'ADD points :points SET employeeId = :employeeId',
          ExpressionAttributeValues: { ':points': entry.points, ':employeeId': id },
        },
      },
      ...ranked.flatMap((counter, i) => rankedCounter(counter, counters[i])),
      {
        // The rolling counter's ranked key is its points as of its last day: days only leave the
        // window after that, so the key never ranks it below what it has now.
        Update: {
          TableName: tableName,
          Key: keys.boardCounter(ROLLING, id),
          UpdateExpression: `SET days = :days, points = :points, lastDay = :lastDay, employeeId = :employeeId, teamDays = :teamDays, gsi1sk = :rank, revision = :next${
            shown ? ', gsi1pk = :ranked' : ' REMOVE gsi1pk'
          }`,
          ConditionExpression: rolling ? 'revision = :was' : 'attribute_not_exists(pk)',
          ExpressionAttributeValues: {
            ':days': days,
            ':points': rollingTotal,
            ':lastDay': lastDay,
            ':employeeId': id,
            ':teamDays': teamDays,
            ':rank': rankKey(rollingTotal, id),
            ':next': Number(rolling?.revision ?? 0) + 1,
            ...(shown ? { ':ranked': keys.rollingRanked(lastDay) } : {}),
            ...(rolling ? { ':was': Number(rolling.revision ?? 0) } : {}),
          },
        },
      },
      ...(shown
        ? rollingAwardWrites(tableName, id, teamDaysBefore, teams, entryDay, entry.points)
        : []),
    ];
  };

  /** A board's ranked partitions and how to read an item's points now. */
  const boardOf = (period: Period, at: Date) =>
    period === 'rolling30'
      ? {
          // Tomorrow too: an award stamped just past midnight (another clock) is not missed.
          partitions: [
            new Date(at.getTime() + 86_400_000).toISOString().slice(0, 10),
            ...windowDays(at),
          ].map((day) => keys.rollingRanked(day)),
          pointsOf: (item: Record<string, unknown>) =>
            rollingPoints((item.days ?? {}) as Record<string, number>, at),
        }
      : {
          partitions: [keys.boardRanked(rankedCounterFor(period, at))],
          pointsOf: (item: Record<string, unknown>) => Number(item.points ?? 0),
        };

  return {
    awardItems,

    /**
     * Records an entry once; false when it was recorded before (a retried request or job). A
     * counter or the person changed between reading and writing: built again from what is stored.
     */
    async award(entry: PointsEntry): Promise<boolean> {
      for (let attempt = 1; ; attempt++) {
        try {
          await dynamo().send(new TransactWriteCommand({ TransactItems: await awardItems(entry) }));
          return true;
        } catch (error) {
          const codes = cancellationCodes(error);
          if (codes?.[0] === 'ConditionalCheckFailed') return false;
          const raced = codes?.some(
            (c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict',
          );
          if (!raced || attempt >= AWARD_ATTEMPTS) throw error;
          await sleep(10 * 2 ** attempt * (0.5 + Math.random()));
        }
      }
    },

    /** A page of an employee's entries, newest first (the ledger's time index, gsi4). */
    async ledger(employeeId: string, page: { limit: number; cursor?: string | undefined }) {
      const after = page.cursor && decodeCursor(page.cursor, LedgerKey, 'ledgerCursor');
      const { Items = [], LastEvaluatedKey } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi4',
          KeyConditionExpression: 'gsi4pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.ledgerOf(employeeId) },
          ScanIndexForward: false,
          Limit: page.limit,
          ...(after
            ? {
                ExclusiveStartKey: {
                  ...keys.pointsEntry(employeeId, after.slice(after.indexOf('#') + 1)),
                  gsi4pk: keys.ledgerOf(employeeId),
                  gsi4sk: after,
                },
              }
            : {}),
        }),
      );
      const items = Items.map((item) => PointsEntry.parse(withoutKeys(item)));
      const last = items.at(-1);
      return {
        items,
        ...(LastEvaluatedKey && last ? { cursor: encodeCursor(ledgerKeys(last).gsi4sk) } : {}),
      } satisfies Page<PointsEntry>;
    },

    /**
     * The top of a period's board, from its ranked index, in bounded work (see `walkBoard`):
     * only people shown on boards are in the index; `admit` says who of them counts here.
     */
    async top<T>(
      period: Period,
      at: Date,
      board: {
        admit: (employeeIds: readonly string[]) => Promise<Map<string, T>>;
        size: number;
        maxItems: number;
      },
    ): Promise<WalkResult<T>> {
      return walkBoard({ tableName, ...boardOf(period, at), ...board });
    },

    /** One person's points on a period's board now: their counter, one read. */
    async boardPointsOf(employeeId: string, period: Period, at: Date): Promise<number> {
      const item = await consistentGet(
        tableName,
        keys.boardCounter(rankedCounterFor(period, at), employeeId),
      );
      return item ? boardOf(period, at).pointsOf(item) : 0;
    },

    /**
     * The writes that put a person's current counters in or out of the ranked indexes, for the
     * transaction that changes whether they are shown on boards (consent, status). A counter that
     * does not exist yet must still not exist then: an award racing the change fails one of them.
     */
    async visibilityWrites(employeeId: string, shown: boolean, at: Date): Promise<TransactItem[]> {
      const counters = [...rankedPeriodKeysOf(at), ROLLING];
      const stored = await Promise.all(
        counters.map((counter) => consistentGet(tableName, keys.boardCounter(counter, employeeId))),
      );
      const sign = shown ? 1 : -1;
      return counters.flatMap((counter, i): TransactItem[] => {
        const item = stored[i];
        const Key = keys.boardCounter(counter, employeeId);
        if (!item) {
          return [
            {
              ConditionCheck: {
                TableName: tableName,
                Key,
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ];
        }
        const rolling = counter === ROLLING;
        const ranked = rolling
          ? keys.rollingRanked(String(item.lastDay))
          : keys.boardRanked(counter);
        return [
          {
            Update: {
              TableName: tableName,
              Key,
              UpdateExpression: shown ? 'SET gsi1pk = :ranked' : 'REMOVE gsi1pk',
              ConditionExpression: rolling ? 'revision = :was' : 'points = :was',
              ExpressionAttributeValues: {
                ':was': rolling ? Number(item.revision ?? 0) : Number(item.points ?? 0),
                ...(shown ? { ':ranked': ranked } : {}),
              },
            },
          },
          // What they gave their teams leaves the team figures with them, and comes back.
          ...(rolling
            ? rollingTeamWrites(tableName, employeeId, (item.teamDays ?? {}) as TeamDays, sign)
            : periodTeamWrites(
                tableName,
                employeeId,
                counter,
                (item.teams ?? {}) as TeamShares,
                sign,
              )),
        ];
      });
    },

    /** Teams' figures for a period as of `at`: one item per team. */
    async teamFigures(period: Period, at: Date, segmentIds: readonly string[]) {
      const counter = rankedCounterFor(period, at);
      const items = await batchGetItems(
        tableName,
        segmentIds.flatMap((segmentId) =>
          Array.from({ length: TEAM_SHARDS }, (_, shard) =>
            keys.boardTeam(counter, segmentId, shard),
          ),
        ),
      );
      const bySegment = new Map<string, Record<string, unknown>[]>();
      for (const item of items) {
        const segmentId = String(item.segmentId);
        bySegment.set(segmentId, [...(bySegment.get(segmentId) ?? []), item]);
      }
      return new Map(
        segmentIds.map((segmentId) => [
          segmentId,
          figuresOf(bySegment.get(segmentId) ?? [], period === 'rolling30', at),
        ]),
      );
    },

    /** One person's points over the given counters, read item by item. */
    async pointsOf(employeeId: string, counters: readonly string[]): Promise<number> {
      const items = await batchGetItems(
        tableName,
        counters.map((counter) => keys.boardCounter(counter, employeeId)),
      );
      return items.reduce((total, item) => total + Number(item.points ?? 0), 0);
    },

    /**
     * A thank-you to one person: their copy, the audit entry and the caller's writes (the
     * request's Idempotency-Key answer) in one transaction, so a retry after a lost reply replays
     * the answer instead of thanking them twice.
     */
    async thankOne(
      thanks: Thanks,
      employeeId: string,
      alongside: readonly TransactItem[] = [],
    ): Promise<void> {
      await audit.commit({
        stream: 'recognition',
        records: [
          {
            at: thanks.at,
            actor: thanks.from,
            action: 'recognition.thanked',
            subject: { employeeId },
            before: null,
            after: { thanksId: thanks.thanksId, message: thanks.message, recipients: 1 },
          },
        ],
        writes: [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.thanks(employeeId, thanks.at, thanks.thanksId), ...thanks },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...alongside,
        ],
      });
    },

    /**
     * A thank-you to a segment, as the job that sends it: the audit entry with the writes that
     * create and announce the job (and the caller's answer), in one transaction. Who is in the
     * segment is found by the job; the entry names the job that counts them.
     */
    async thankSegment(
      thanks: Thanks,
      segmentId: string,
      jobId: string,
      jobWrites: readonly TransactItem[],
    ): Promise<void> {
      await audit.commit({
        stream: 'recognition',
        records: [
          {
            at: thanks.at,
            actor: thanks.from,
            action: 'recognition.thanked',
            subject: { segmentId },
            before: null,
            after: { thanksId: thanks.thanksId, message: thanks.message, jobId },
          },
        ],
        writes: jobWrites,
      });
    },

    /**
     * Each recipient's copy of a thanks. The key is fixed by the thanks and the person, so writing
     * a page again (a redelivered job run) puts the same items: nobody is thanked twice.
     */
    async deliverThanks(thanks: Thanks, employeeIds: readonly string[]): Promise<void> {
      await batchWriteItems(
        tableName,
        employeeIds.map((employeeId) => ({
          PutRequest: {
            Item: { ...keys.thanks(employeeId, thanks.at, thanks.thanksId), ...thanks },
          },
        })),
      );
    },

    /** A page of the thanks an employee received, newest first. */
    async thanksFor(
      employeeId: string,
      page: { limit: number; cursor?: string | undefined } = { limit: 20 },
    ): Promise<Page<Thanks>> {
      const after = page.cursor && decodeCursor(page.cursor, ThanksKey, 'thanksCursor');
      const { Items = [], LastEvaluatedKey } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.employee(employeeId).pk,
            ':prefix': keys.thanksPrefix,
          },
          ScanIndexForward: false,
          Limit: page.limit,
          ...(after ? { ExclusiveStartKey: { pk: keys.employee(employeeId).pk, sk: after } } : {}),
        }),
      );
      const items = Items.map((item) => ({
        thanksId: String(item.thanksId),
        from: String(item.from),
        message: String(item.message),
        at: String(item.at),
      }));
      const last = Items.at(-1);
      return {
        items,
        ...(LastEvaluatedKey && last ? { cursor: encodeCursor(String(last.sk)) } : {}),
      };
    },
  };
};

export type RecognitionStore = ReturnType<typeof createRecognitionStore>;
