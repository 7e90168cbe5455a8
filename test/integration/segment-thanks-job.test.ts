import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import {
  runSegmentThanks,
  type ThanksRunnerDependencies,
} from '#functions/job-runner/thank-segment';
import { jobAggregate } from '#shared/store/jobs';
import { apiEvent, callApi } from '../fixtures/api-events';
import { outboxFeed } from '../fixtures/outbox';
import { type Arranged, arrangeCampaign, optedIn } from '../fixtures/sharing';
import { directoryQueries } from '../fixtures/watched-queries';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const outbox = outboxFeed(TABLE);
const marketer = { sub: 'user-mia', email: 'mia@thanks.acme.example', groups: ['marketing'] };
const call = (
  who: { sub: string; email: string; groups: readonly string[] },
  routeKey: string,
  options: { body?: unknown; pathParameters?: Record<string, string> } = {},
) =>
  callApi(
    apiEvent(routeKey, who, {
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    }),
    deps,
  ).then((response) => ({
    status: response.statusCode,
    body: JSON.parse(response.body ?? '{}'),
  }));

const runnerDeps = (pageSize: number): ThanksRunnerDependencies => ({
  jobs: deps.jobs,
  employees: deps.employees,
  segments: deps.segments,
  recognition: deps.recognition,
  now: () => new Date(),
  pageSize,
});

/** The directory reads each piece of work makes. */
const directory = directoryQueries();

let arranged: Arranged;
beforeAll(async () => {
  // 12 people in the segment: 10 in the programme, 2 who left it (they are thanked by no one).
  arranged = await arrangeCampaign(
    {
      table: TABLE,
      posts: deps.posts,
      campaigns: deps.campaigns,
      segments: deps.segments,
    },
    {
      count: 12,
      person: (i, e) =>
        i < 10 ? e : { ...e, consent: { ...optedIn(), leftAt: new Date().toISOString() } },
    },
  );
});
afterAll(() => outbox.close());

/** How many copies of a thanks each person holds. */
const copiesOf = async (thanksId: string) =>
  Promise.all(
    arranged.people.map(
      async (p) =>
        (await deps.recognition.thanksFor(p.employeeId, { limit: 100 })).items.filter(
          (t) => t.thanksId === thanksId,
        ).length,
    ),
  );

describe("a segment's thanks as a background job", () => {
  it('answers 202 with the thanks and a job, reading no directory, its JobRunDue committed with it', async () => {
    await outbox.take();
    const { result: sent, queries } = await directory.during(() =>
      call(marketer, 'POST /recognition/thanks', {
        body: { segmentId: arranged.segmentId, message: 'Thank you all for the launch.' },
      }),
    );
    expect(sent.status).toBe(202);
    expect(queries).toEqual([]);
    expect(sent.body.thanksId).toEqual(expect.any(String));
    expect(sent.body.job).toMatchObject({ kind: 'segmentThanks', state: 'queued' });
    const jobId = sent.body.job.jobId;
    const committed = (await outbox.take()).filter((e) => e.detailType === 'JobRunDue');
    expect(committed.map((e) => e.detail)).toEqual([
      expect.objectContaining({ jobId, aggregate: jobAggregate(jobId), sequence: 0 }),
    ]);
  });

  it('thanks each member once when its JobRunDue is delivered twice and out of order', async () => {
    const sent = await call(marketer, 'POST /recognition/thanks', {
      body: { segmentId: arranged.segmentId, message: 'Thanks again, twice delivered.' },
    });
    const { thanksId } = sent.body;
    const jobId: string = sent.body.job.jobId;
    await outbox.take();
    // The first run reads one page, then its time is up: it commits a hand-over JobRunDue.
    let pagesLeft = 1;
    expect(
      await runSegmentThanks({ jobId }, runnerDeps(2), () => (pagesLeft-- > 0 ? 300_000 : 0)),
    ).toBe('continued');
    const handOver = (await outbox.take()).filter(
      (e) => e.detailType === 'JobRunDue' && e.detail.jobId === jobId,
    );
    expect(handOver).toHaveLength(1);
    const midway = await call(marketer, 'GET /jobs/{jobId}', { pathParameters: { jobId } });
    expect(midway.body.job.state).toBe('running');
    expect(midway.body.thanks.shardsDone).toBeLessThan(midway.body.thanks.shardsTotal);

    // The hand-over and the first JobRunDue again, delivered at once (out of order, duplicated),
    // then the first once more after the job is done.
    const outcomes = await Promise.all([
      runSegmentThanks({ jobId }, runnerDeps(2), () => 300_000),
      runSegmentThanks({ jobId }, runnerDeps(3), () => 300_000),
    ]);
    expect(outcomes).toContain('done');
    expect(await runSegmentThanks({ jobId }, runnerDeps(2), () => 300_000)).toBe('done');

    expect(await copiesOf(thanksId)).toEqual([...Array(10).fill(1), 0, 0]);
    const done = await call(marketer, 'GET /jobs/{jobId}', { pathParameters: { jobId } });
    expect(done.body.job.state).toBe('done');
    expect(done.body.thanks).toMatchObject({ thanksId, recipients: 10 });
    expect(done.body.thanks.shardsDone).toBe(done.body.thanks.shardsTotal);

    // The recipient sees it under /me/recognition, as before.
    const first = arranged.people[0];
    const mine = await call(
      { sub: 'e-0', email: first?.email ?? '', groups: ['employee'] },
      'GET /me/recognition',
    );
    expect(mine.status).toBe(200);
    expect(mine.body.thanks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ thanksId, message: 'Thanks again, twice delivered.' }),
      ]),
    );
  });

  it('an unknown segment is 404 and starts nothing', async () => {
    await outbox.take();
    const sent = await call(marketer, 'POST /recognition/thanks', {
      body: { segmentId: 'no-such-segment', message: 'Hello?' },
    });
    expect(sent.status).toBe(404);
    expect(await outbox.take()).toEqual([]);
  });
});
