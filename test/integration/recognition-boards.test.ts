import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import type { Employee } from '#shared/employees/employee';
import { compileSegment, type Segment } from '#shared/employees/segment';
import { newEmployeeId } from '#shared/ids';
import {
  countersFor,
  type Period,
  periodKeysOf,
  rankAdvocates,
  rankKey,
  rankTeams,
  shownOnBoards,
} from '#shared/recognition/leaderboard';
import type { PointsEntry } from '#shared/recognition/points';
import { batchWriteItems } from '#shared/store/batch';
import { keys } from '#shared/store/keys';
import { apiEvent, callApi } from '../fixtures/api-events';
import { optedIn, seedEmployees } from '../fixtures/sharing';
import { type WatchedQuery, watchQueries } from '../fixtures/watched-queries';
import { TABLE } from './setup';

const DAY = 86_400_000;
const deps = createApiDependencies({ TABLE_NAME: TABLE });
const marketer = { sub: 'm-1', email: 'marketer@acme.example', groups: ['marketing'] };
const admin = { sub: 'a-1', email: 'admin@acme.example', groups: ['admin'] };
const unique = () => Math.random().toString(36).slice(2, 10);

const call = async (
  routeKey: string,
  who: { sub: string; email: string; groups: readonly string[] },
  options: {
    query?: Record<string, string>;
    body?: unknown;
    pathParameters?: Record<string, string>;
  } = {},
) => {
  const response = await callApi(
    apiEvent(routeKey, who, {
      ...(options.query ? { query: options.query } : {}),
      ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
    deps,
  );
  return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') };
};

const personIn = (department: string, i: number, overrides: Partial<Employee> = {}): Employee => ({
  email: `${department}-${i}@acme.example`.toLowerCase().replaceAll(' ', '-'),
  version: 1,
  name: `${department} Person${i}`,
  department,
  groups: [],
  timeZone: 'Europe/Berlin',
  employeeId: newEmployeeId(),
  status: 'active',
  createdAt: new Date().toISOString(),
  consent: optedIn(),
  connections: {},
  ...overrides,
});
const signIn = (person: Employee) => ({
  sub: `sub-${person.employeeId}`,
  email: person.email,
  groups: ['employee'],
});

const entryOf = (employeeId: string, at: Date, points: number): PointsEntry => ({
  employeeId,
  entryId: `test#${unique()}`,
  at: at.toISOString(),
  lines: [{ action: 'share', quantity: 1, points }],
  points,
  policyVersion: 1,
});

const defineSegment = async (department: string): Promise<Segment> => {
  const segmentId = `seg-${unique()}`;
  const answer = await call('PUT /segments/{segmentId}', marketer, {
    pathParameters: { segmentId },
    body: { name: department, rule: { all: [{ attribute: 'department', in: [department] }] } },
  });
  expect(answer.status).toBe(200);
  return deps.segments.get(segmentId);
};

/**
 * The board as it was computed before the ranked index: every award summed over the period's
 * counters, people on board and not hidden, ranked, top 50.
 */
const boardByHand = (
  awards: readonly PointsEntry[],
  people: ReadonlyMap<string, Employee>,
  period: Period,
  now: Date,
  inSegment: (p: Employee) => boolean = () => true,
) => {
  const counters = new Set(countersFor(period, now));
  const totals = new Map<string, number>();
  for (const award of awards) {
    if (periodKeysOf(new Date(award.at)).some((c) => counters.has(c))) {
      totals.set(award.employeeId, (totals.get(award.employeeId) ?? 0) + award.points);
    }
  }
  return rankAdvocates(
    [...totals]
      .map(([employeeId, points]) => ({ employeeId, points }))
      .filter((s) => {
        const person = people.get(s.employeeId);
        return shownOnBoards(person) && inSegment(person);
      }),
  )
    .slice(0, 50)
    .map((s) => ({ rank: s.rank, employeeId: s.employeeId, points: s.points }));
};

/** The team board as it was computed before team figures were kept: from every member's points. */
const teamsByHand = (
  awards: readonly PointsEntry[],
  people: ReadonlyMap<string, Employee>,
  period: Period,
  now: Date,
  segments: readonly Segment[],
) => {
  const counters = new Set(countersFor(period, now));
  const totals = new Map<string, number>();
  for (const award of awards) {
    if (periodKeysOf(new Date(award.at)).some((c) => counters.has(c))) {
      totals.set(award.employeeId, (totals.get(award.employeeId) ?? 0) + award.points);
    }
  }
  const shown = [...totals]
    .map(([employeeId, points]) => ({ employeeId, points, person: people.get(employeeId) }))
    .filter((s) => shownOnBoards(s.person));
  return rankTeams(
    segments.map((segment) => ({
      segmentId: segment.segmentId,
      name: segment.name,
      members: shown.filter((s) => s.person && compileSegment(segment)(s.person)),
    })),
  )
    .map(({ segmentId, points, activeAdvocates, averagePerAdvocate }) => ({
      segmentId,
      points,
      activeAdvocates,
      averagePerAdvocate,
    }))
    .sort((a, b) => a.segmentId.localeCompare(b.segmentId));
};

const teamsOf = async (period: Period, segments: readonly Segment[]) => {
  const answer = await call('GET /leaderboards/teams', marketer, { query: { period } });
  expect(answer.status).toBe(200);
  const ids = new Set(segments.map((s) => s.segmentId));
  return (
    answer.body.teams as {
      segmentId: string;
      points: number;
      activeAdvocates: number;
      averagePerAdvocate: number;
    }[]
  )
    .filter((t) => ids.has(t.segmentId))
    .map(({ segmentId, points, activeAdvocates, averagePerAdvocate }) => ({
      segmentId,
      points,
      activeAdvocates,
      averagePerAdvocate,
    }))
    .sort((a, b) => a.segmentId.localeCompare(b.segmentId));
};

const boardOf = async (query: Record<string, string>, who = marketer) => {
  const answer = await call('GET /leaderboards', who, { query });
  expect(answer.status).toBe(200);
  return answer.body as {
    advocates: { rank: number; employeeId: string; points: number; name: string }[];
    complete?: boolean;
    me?: { rank: number | null; beyond?: number; points: number; hidden: boolean };
  };
};
const ranks = (body: { advocates: { rank: number; employeeId: string; points: number }[] }) =>
  body.advocates.map(({ rank, employeeId, points }) => ({ rank, employeeId, points }));

describe('leaderboards read from a ranked index', () => {
  const now = new Date();
  const department = `Dept ${unique()}`;
  const other = `Other ${unique()}`;
  const people = new Map<string, Employee>();
  const awards: PointsEntry[] = [];
  let team: Employee[];
  let segment: Segment;
  let segments: Segment[];

  beforeAll(async () => {
    team = Array.from({ length: 8 }, (_, i) => personIn(department, i));
    const others = Array.from({ length: 4 }, (_, i) => personIn(other, i));
    const all = [...team, ...others];
    await seedEmployees(TABLE, all);
    for (const p of all) people.set(p.employeeId, p);
    segment = await defineSegment(department);
    // Both departments, and a segment that overlaps the first: a person counts for each team.
    segments = [segment, await defineSegment(other), await defineSegment(department)];
    // Points spread over today, this week, last month and long ago; some people tie.
    const ago = [0, 1, 3, 9, 20, 29, 33, 45, 95];
    for (const [i, p] of all.entries()) {
      for (const [j, days] of ago.entries()) {
        if ((i + j) % 3 === 0) continue;
        awards.push(
          entryOf(p.employeeId, new Date(now.getTime() - days * DAY), 5 * ((i * j) % 4) + 5),
        );
      }
    }
    for (const award of awards) expect(await deps.recognition.award(award)).toBe(true);
  });

  const refreshed = async () => {
    for (const id of people.keys()) people.set(id, await deps.employees.get(id));
    return people;
  };

  it('ranks each period as summing every counter did, company-wide and in a segment', async () => {
    for (const period of ['week', 'month', 'quarter', 'rolling30'] as const) {
      const expected = boardByHand(awards, people, period, now);
      expect(expected.length).toBeGreaterThan(0);
      const board = await boardOf({ period });
      expect(ranks(board)).toEqual(expected);
      expect(board.complete).toBe(true);
      const inSegment = compileSegment(segment);
      const mine = await boardOf({ period, segmentId: segment.segmentId });
      expect(ranks(mine)).toEqual(boardByHand(awards, people, period, now, inSegment));
      const teams = teamsByHand(awards, people, period, now, segments);
      expect(teams.every((t) => t.activeAdvocates > 0)).toBe(true);
      expect(await teamsOf(period, segments)).toEqual(teams);
    }
  });

  it('takes people off the board and back as they hide, leave or are deactivated', async () => {
    const [hider, leaver, deactivated] = team as [Employee, Employee, Employee];
    const ids = async () =>
      (await boardOf({ period: 'rolling30' })).advocates.map((a) => a.employeeId);
    const before = await ids();
    for (const p of [hider, leaver, deactivated]) expect(before).toContain(p.employeeId);

    expect(
      (await call('PUT /me/consent', signIn(hider), { body: { hiddenFromLeaderboards: true } }))
        .status,
    ).toBe(200);
    expect((await call('POST /me/leave', signIn(leaver))).status).toBe(200);
    expect(
      (
        await call('PUT /employees/{employeeId}/status', admin, {
          pathParameters: { employeeId: deactivated.employeeId },
          body: { status: 'deactivated' },
        })
      ).status,
    ).toBe(200);
    for (const period of ['week', 'month', 'quarter', 'rolling30'] as const) {
      const directory = await refreshed();
      expect(ranks(await boardOf({ period }))).toEqual(boardByHand(awards, directory, period, now));
      expect(await teamsOf(period, segments)).toEqual(
        teamsByHand(awards, directory, period, now, segments),
      );
    }
    const gone = await ids();
    for (const p of [hider, leaver, deactivated]) expect(gone).not.toContain(p.employeeId);
    // Hidden, they still see their own points; a point earned while hidden stays off the board.
    const late = entryOf(hider.employeeId, now, 7);
    awards.push(late);
    expect(await deps.recognition.award(late)).toBe(true);
    const seen = await boardOf({ period: 'month' }, signIn(hider));
    expect(seen.me).toMatchObject({ rank: null, hidden: true });
    expect(seen.me?.points).toBeGreaterThan(0);
    expect(await ids()).not.toContain(hider.employeeId);

    expect(
      (await call('PUT /me/consent', signIn(hider), { body: { hiddenFromLeaderboards: false } }))
        .status,
    ).toBe(200);
    expect((await call('POST /me/join', signIn(leaver))).status).toBe(200);
    expect(
      (
        await call('PUT /employees/{employeeId}/status', admin, {
          pathParameters: { employeeId: deactivated.employeeId },
          body: { status: 'active' },
        })
      ).status,
    ).toBe(200);
    for (const period of ['week', 'month', 'quarter', 'rolling30'] as const) {
      const directory = await refreshed();
      expect(ranks(await boardOf({ period }))).toEqual(boardByHand(awards, directory, period, now));
      expect(await teamsOf(period, segments)).toEqual(
        teamsByHand(awards, directory, period, now, segments),
      );
    }
    expect(await ids()).toEqual(expect.arrayContaining([hider.employeeId, leaver.employeeId]));
    const back = await boardOf({ period: 'month' }, signIn(hider));
    expect(back.me?.rank).toBe(back.advocates.find((a) => a.name === hider.name)?.rank);
  });
});

describe('a board request reads the same bounded number of items, whatever the directory', () => {
  const now = new Date();
  const month = countersFor('month', now)[0] ?? '';
  const today = now.toISOString().slice(0, 10);
  const crowd = `Crowd ${unique()}`;
  const few = `Few ${unique()}`;
  let seeded = 0;
  let fewSegment: Segment;
  let last: Employee;

  /**
   * People and their month and rolling counters written straight to the table, as awards leave
   * them (points descending with the index): thousands without thousands of transactions.
   */
  const seed = async (count: number, department: string) => {
    const batch = Array.from({ length: count }, (_, i) =>
      personIn(department, seeded + i, { connections: {} }),
    );
    await seedEmployees(TABLE, batch);
    const counters = batch.flatMap((p, i) => {
      const points = 100_000 - (seeded + i);
      return [
        {
          ...keys.boardCounter(month, p.employeeId),
          employeeId: p.employeeId,
          points,
          gsi1pk: keys.boardRanked(month),
          gsi1sk: rankKey(points, p.employeeId),
        },
        {
          ...keys.boardCounter('R', p.employeeId),
          employeeId: p.employeeId,
          days: { [today]: points },
          points,
          lastDay: today,
          revision: 1,
          gsi1pk: keys.rollingRanked(today),
          gsi1sk: rankKey(points, p.employeeId),
        },
      ];
    });
    await batchWriteItems(
      TABLE,
      counters.map((Item) => ({ PutRequest: { Item } })),
    );
    seeded += count;
    return batch;
  };

  // Every read of a board counter or team figure: the ranked index and the board partitions.
  const boards = watchQueries((pk) => pk.startsWith('BOARD#'));
  const measured = async (query: Record<string, string>, who = marketer) => {
    const { result, queries } = await boards.during(() => boardOf(query, who));
    return { board: result, queries };
  };
  const teamBoard = async () => {
    const { result, queries } = await boards.during(() =>
      call('GET /leaderboards/teams', marketer, { query: { period: 'rolling30' } }),
    );
    expect(result.status).toBe(200);
    return { teams: result.body.teams.length as number, queries };
  };
  /** At most what the queries asked for: each is limited, so the sum bounds the items read. */
  const itemsAskedFor = (queries: readonly WatchedQuery[]) =>
    queries.reduce((total, q) => total + (q.limit ?? Number.POSITIVE_INFINITY), 0);

  beforeAll(async () => {
    await seed(2_500, crowd);
    fewSegment = await defineSegment(few);
    // Three members of a small team, at the very bottom of the company's order.
    [last] = (await seed(3, few)).slice(-1) as [Employee];
  }, 120_000);

  it('reads the top from one page, and as much with more people', async () => {
    const small = {
      month: await measured({ period: 'month' }),
      rolling: await measured({ period: 'rolling30' }),
      team: await measured({ period: 'month', segmentId: fewSegment.segmentId }),
      me: await measured({ period: 'month' }, signIn(last)),
      teams: await teamBoard(),
    };
    // The company's month: one page of 50 from the ranked index.
    expect(small.month.board.advocates).toHaveLength(50);
    expect(small.month.board.advocates[0]?.points).toBe(100_000);
    expect(small.month.queries).toEqual([
      { pk: keys.boardRanked(month), index: 'gsi1', limit: 50 },
    ]);
    // The rolling 30 days: one page from each day's partition (and tomorrow's).
    expect(small.rolling.board.advocates).toHaveLength(50);
    expect(small.rolling.queries).toHaveLength(31);
    expect(itemsAskedFor(small.rolling.queries)).toBeLessThanOrEqual(31 * 50);
    // A small team at the bottom: the walk stops at its budget and says so.
    expect(small.team.board.complete).toBe(false);
    expect(itemsAskedFor(small.team.queries)).toBeLessThanOrEqual(2_000);
    // Far down the board: no rank is counted, the answer says how many are ahead.
    expect(small.me.board.me).toMatchObject({ rank: null, beyond: 50 });
    expect(small.me.board.me?.points).toBeGreaterThan(0);
    // The team board reads one figures item per team (by key), and queries no board.
    expect(small.teams.queries).toEqual([]);

    await seed(1_000, crowd);
    const large = {
      month: await measured({ period: 'month' }),
      rolling: await measured({ period: 'rolling30' }),
      team: await measured({ period: 'month', segmentId: fewSegment.segmentId }),
      teams: await teamBoard(),
    };
    expect(large.month.queries).toEqual(small.month.queries);
    expect(large.rolling.queries).toEqual(small.rolling.queries);
    expect(large.team.queries).toEqual(small.team.queries);
    expect(large.team.board.complete).toBe(false);
    expect(large.teams).toEqual(small.teams);
  }, 120_000);
});

describe('my recognition, newest first, page by page', () => {
  it('pages the ledger and the thanks newest first; a forged cursor is 400', async () => {
    const person = personIn(`Ledger ${unique()}`, 0);
    await seedEmployees(TABLE, [person]);
    const start = Date.now() - 100 * 60_000;
    // Awarded out of time order, as readings of several shares arrive.
    const entries = Array.from({ length: 120 }, (_, i) =>
      entryOf(person.employeeId, new Date(start + ((i * 37) % 120) * 30_000), 1),
    );
    for (const entry of entries) expect(await deps.recognition.award(entry)).toBe(true);
    for (let i = 0; i < 25; i++) {
      await deps.recognition.thankOne(
        {
          thanksId: `thanks-${String(i).padStart(3, '0')}`,
          from: 'm-1',
          message: `Thanks #${i}`,
          at: new Date(start + i * 60_000).toISOString(),
        },
        person.employeeId,
      );
    }
    const newestFirst = entries
      .map((e) => `${e.at}#${e.entryId}`)
      .sort()
      .reverse();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call('GET /me/recognition', signIn(person), {
        query: cursor ? { ledgerCursor: cursor } : {},
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.ledger.map((e: PointsEntry) => `${e.at}#${e.entryId}`));
      cursor = page.body.ledgerCursor;
      pages += 1;
      if (pages === 1) {
        expect(page.body.ledger).toHaveLength(50);
        expect(page.body.thanks.map((t: { message: string }) => t.message).slice(0, 2)).toEqual([
          'Thanks #24',
          'Thanks #23',
        ]);
        expect(page.body.thanks).toHaveLength(20);
        const rest = await call('GET /me/recognition', signIn(person), {
          query: { thanksCursor: page.body.thanksCursor },
        });
        expect(rest.body.thanks.map((t: { message: string }) => t.message)).toEqual(
          [4, 3, 2, 1, 0].map((i) => `Thanks #${i}`),
        );
        expect(rest.body.thanksCursor).toBeUndefined();
      }
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst);

    for (const forged of [
      Buffer.from('{"day":-5}').toString('base64url'),
      'not-a-cursor',
      Buffer.from('THANKS#x').toString('base64url'),
    ]) {
      for (const field of ['ledgerCursor', 'thanksCursor']) {
        const refused = await call('GET /me/recognition', signIn(person), {
          query: { [field]: forged },
        });
        expect(refused.status).toBe(400);
      }
    }
  });
});
