import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  LeaderboardAnswer,
  MyRecognitionAnswer,
  TeamBoardAnswer,
} from '#functions/api/answers/impact';
import { JobAnswer, jobAnswer } from '#functions/api/answers/job';
import { currentEmployee } from '#functions/api/current-employee';
import { segmentThanksJob } from '#functions/api/jobs/segment-thanks';
import { defineRoute } from '#functions/api/route';
import type { Caller } from '#shared/auth/roles';
import type { Employee } from '#shared/employees/employee';
import { compileSegment, SegmentId } from '#shared/employees/segment';
import { NotFoundError } from '#shared/errors';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import {
  countersFor,
  onBoard,
  Period,
  rankAdvocates,
  rankTeamFigures,
  shownOnBoards,
} from '#shared/recognition/leaderboard';
import type { Thanks } from '#shared/recognition/thanks';

const BOARD_SIZE = 50;
/**
 * The most ranked items one board request reads, whatever the directory's size. A company-wide
 * board reads its top 50 in one page; a segment's board reads on until it has 50 members, and
 * says `complete: false` if this runs out first (a small segment far down the company's order).
 */
const BOARD_READ_BUDGET = 2_000;

/** Marketing and admin see every segment; an employee only the ones they belong to. */
const isStaff = (caller: Caller) => caller.roles.some((r) => r === 'marketing' || r === 'admin');

export const leaderboard = defineRoute({
  summary: 'Advocates ranked by points for a period, company-wide or in one segment',
  description:
    "People who chose to hide from leaderboards are left out (an employee calling sees their own standing either way). Employees see names and points only, and only the boards of segments they belong to (another segment is 404, as an unknown one is). The board is read from a ranked index in bounded work: `complete: false` says a segment's board stopped before it was sure of its top (its members are few and far down the company's order). `me.rank` is exact within what was read; otherwise it is null and `me.beyond` says how many advocates are known to rank ahead.",
  tag: 'recognition',
  roles: ['employee', 'marketing', 'admin'],
  query: z.strictObject({ period: Period.default('month'), segmentId: SegmentId.optional() }),
  response: {
    status: 200,
    description: 'The board',
    schema: LeaderboardAnswer,
  },
  errors: [404],
  async handle({ query, caller, deps }) {
    const staff = isStaff(caller);
    const now = deps.now();
    const self = caller.roles.includes('employee')
      ? await currentEmployee(caller, deps).catch(() => undefined)
      : undefined;
    let inSegment: (person: Employee) => boolean = () => true;
    if (query.segmentId) {
      inSegment = compileSegment(await deps.segments.get(query.segmentId));
      // Not theirs answers as an unknown id does, so segment ids cannot be probed either.
      if (!staff && !(self && inSegment(self))) throw new NotFoundError('Segment', query.segmentId);
    }
    const board = await deps.recognition.top(query.period, now, {
      // The index holds only people shown on boards; their records are read again all the same,
      // for names and segments, and so that a person is never shown against their latest choice.
      admit: async (ids) => {
        const people = await deps.employees.many(ids);
        return new Map([...people].filter(([, p]) => shownOnBoards(p) && inSegment(p)));
      },
      size: BOARD_SIZE,
      maxItems: BOARD_READ_BUDGET,
    });
    const ranked = rankAdvocates(
      board.top.map((s) => ({ employeeId: s.employeeId, points: s.points, person: s.with })),
    );
    const advocates = ranked.map((s) => ({
      rank: s.rank,
      name: s.person.name,
      points: s.points,
      ...(staff ? { employeeId: s.employeeId } : {}),
    }));
    let me: LeaderboardAnswer['me'];
    if (self) {
      const points = onBoard(self)
        ? await deps.recognition.boardPointsOf(self.employeeId, query.period, now)
        : 0;
      const hidden = self.consent.hiddenFromLeaderboards;
      me = { ...standingOf(self, points, ranked, inSegment), points, hidden };
    }
    return {
      status: 200,
      body: { period: query.period, advocates, complete: board.complete, ...(me ? { me } : {}) },
    };
  },
});

/**
 * Where the caller stands: their rank when the board read reaches them (or someone with their
 * points, who shares their rank); otherwise how many are known to be ahead. Nobody is counted
 * from beyond what was read.
 */
const standingOf = (
  self: Employee,
  points: number,
  ranked: readonly { employeeId: string; points: number; rank: number }[],
  inSegment: (person: Employee) => boolean,
): { rank: number | null; beyond?: number } => {
  if (!shownOnBoards(self) || !inSegment(self) || points <= 0) return { rank: null };
  const same = ranked.find((s) => s.employeeId === self.employeeId || s.points === points);
  if (same) return { rank: same.rank };
  return { rank: null, beyond: ranked.filter((s) => s.points > points).length };
};

export const teamLeaderboard = defineRoute({
  summary: 'Segments ranked by points for a period: by total, and by average per active advocate',
  description:
    "Ordered by the average, so a small team that shares well can win. Points count for the teams a person was in when they earned them (up to ten teams, the first by id); someone who hides from leaderboards, leaves the programme or is deactivated takes their current periods' points out of every total, average and head count (and puts them back on return). Employees see only the teams they belong to (ranked among all teams); marketing and admin see every team. Each team's figures are kept as points are awarded, so the board reads one item per team.",
  tag: 'recognition',
  roles: ['employee', 'marketing', 'admin'],
  query: z.strictObject({ period: Period.default('month') }),
  response: {
    status: 200,
    description: 'The teams',
    schema: TeamBoardAnswer,
  },
  async handle({ query, caller, deps }) {
    const segments = await deps.segments.all();
    const figures = await deps.recognition.teamFigures(
      query.period,
      deps.now(),
      segments.map((s) => s.segmentId),
    );
    // Ranked among every team, so a rank means the same to everyone; then only the caller's own
    // teams are shown to an employee (GET /segments refuses them the rest).
    const ranked = rankTeamFigures(
      segments.map((segment) => ({
        segmentId: segment.segmentId,
        name: segment.name,
        ...(figures.get(segment.segmentId) ?? { points: 0, activeAdvocates: 0 }),
      })),
    );
    let teams = ranked;
    if (!isStaff(caller)) {
      const self = await currentEmployee(caller, deps);
      const mine = new Set(segments.filter((s) => compileSegment(s)(self)).map((s) => s.segmentId));
      teams = ranked.filter((t) => mine.has(t.segmentId));
    }
    return { status: 200, body: { period: query.period, teams } };
  },
});

const ThanksRequest = z
  .strictObject({
    employeeId: z.string().min(1).max(100).optional(),
    segmentId: SegmentId.optional(),
    message: z.string().trim().min(1).max(500),
  })
  .refine((t) => (t.employeeId === undefined) !== (t.segmentId === undefined), {
    message: 'name exactly one of employeeId or segmentId',
    path: ['employeeId'],
  });

export const sendThanks = defineRoute({
  summary: 'Thank an employee or everyone in a segment; they see it under /me/recognition',
  description:
    'Thanking one person is done at once (201). Thanking a segment is a background job (202): the answer names the thanks and the job, which walks the directory and thanks each active member once; follow it at `GET /jobs/{jobId}` (`thanks.recipients` counts who was thanked). With an Idempotency-Key a retry gets the first answer and thanks nobody again.',
  tag: 'recognition',
  roles: ['marketing', 'admin'],
  body: ThanksRequest,
  idempotent: true,
  response: {
    status: 201,
    description: 'Sent to the one person',
    schema: z.object({ thanksId: z.string(), recipients: z.number() }),
    alternative: {
      status: 202,
      description: 'A segment: the job that sends it to each member',
      schema: JobAnswer.extend({ thanksId: z.string() }),
    },
  },
  errors: [404],
  async handle({ body, caller, deps, answerWrites }) {
    const thanks: Thanks = {
      thanksId: randomUUID(),
      from: caller.userId,
      message: body.message,
      at: deps.now().toISOString(),
    };
    if (body.employeeId) {
      const person = await deps.employees.get(body.employeeId);
      if (!onBoard(person)) throw new NotFoundError('Employee', body.employeeId);
      const answer = { status: 201, body: { thanksId: thanks.thanksId, recipients: 1 } };
      await deps.recognition.thankOne(thanks, person.employeeId, answerWrites(answer));
      return answer;
    }
    const segmentId = body.segmentId ?? '';
    await deps.segments.get(segmentId);
    const job = segmentThanksJob(thanks, segmentId, caller.userId);
    const answer = { status: 202, body: { thanksId: thanks.thanksId, ...jobAnswer(job) } };
    await deps.recognition.thankSegment(thanks, segmentId, job.jobId, [
      ...deps.jobs.announcedWrites(
        job,
        [event(DETAIL_TYPES.jobRunDue, { jobId: job.jobId })],
        new Date(thanks.at),
      ),
      ...answerWrites(answer),
    ]);
    return answer;
  },
});

const LEDGER_PAGE = 50;
const THANKS_PAGE = 20;

export const myRecognition = defineRoute({
  summary: 'My points per period, the ledger entries behind them, and the thanks I received',
  description:
    'The ledger (50 a page) and the thanks (20 a page) come newest first; pass `ledgerCursor` or `thanksCursor` back for the next page of either.',
  tag: 'me',
  roles: ['employee'],
  query: z.strictObject({
    ledgerCursor: z.string().min(1).max(600).optional(),
    thanksCursor: z.string().min(1).max(600).optional(),
  }),
  response: {
    status: 200,
    description: 'Mine only',
    schema: MyRecognitionAnswer,
  },
  async handle({ query, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const now = deps.now();
    const points = Object.fromEntries(
      await Promise.all(
        Period.options.map(async (period) => {
          const total = await deps.recognition.pointsOf(
            employee.employeeId,
            countersFor(period, now),
          );
          return [period, total] as const;
        }),
      ),
    );
    const [ledger, thanks] = await Promise.all([
      deps.recognition.ledger(employee.employeeId, {
        limit: LEDGER_PAGE,
        cursor: query.ledgerCursor,
      }),
      deps.recognition.thanksFor(employee.employeeId, {
        limit: THANKS_PAGE,
        cursor: query.thanksCursor,
      }),
    ]);
    return {
      status: 200,
      body: {
        points,
        ledger: ledger.items,
        thanks: thanks.items,
        ...(ledger.cursor ? { ledgerCursor: ledger.cursor } : {}),
        ...(thanks.cursor ? { thanksCursor: thanks.cursor } : {}),
        hiddenFromLeaderboards: employee.consent.hiddenFromLeaderboards,
      },
    };
  },
});
