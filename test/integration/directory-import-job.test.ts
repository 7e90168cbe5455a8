import { describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { runDirectoryImport, SAFETY_MARGIN_MS } from '#functions/job-runner/import-directory';
import type { EventDetail } from '#shared/events/catalogue';
import { jobAggregate } from '#shared/store/jobs';
import { apiEvent, callApi, type TestCaller } from '../fixtures/api-events';
import { committedEvents } from '../fixtures/outbox-items';
import { soakSize } from '../soak';
import { TABLE } from './setup';

/**
 * A directory import is a background job: the requests that open it, send its parts and start it
 * answer at once, the runner works through it in checkpointed slices (handing itself on when its
 * time runs short), and its progress and rejections are readable while it runs.
 */
// Nothing here puts events on the bus: the start and each hand-on commit theirs in the outbox.
const deps = createApiDependencies({ TABLE_NAME: TABLE });
const run = Math.random().toString(36).slice(2, 8);
const admin: TestCaller = {
  sub: `admin-${run}`,
  email: `admin-${run}@acme.example`,
  groups: ['admin'],
};
const marketing: TestCaller = { ...admin, sub: `mkt-${run}`, groups: ['marketing'] };
// Two thousand rows take about a minute against DynamoDB Local on two cores; the soak run takes 20,000.
const ROWS = soakSize('IMPORT_ROWS', 2_000, 20_000);

const call = (
  who: TestCaller,
  routeKey: string,
  options: {
    body?: string;
    csv?: boolean;
    path?: Record<string, string>;
    query?: Record<string, string>;
  } = {},
) => {
  const event = apiEvent(routeKey, who, {
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.path ? { pathParameters: options.path } : {}),
    ...(options.query ? { query: options.query } : {}),
  });
  if (options.csv) event.headers['content-type'] = 'text/csv';
  return callApi(event, deps).then((r) => ({
    status: r.statusCode,
    body: JSON.parse(r.body ?? '{}'),
  }));
};

/**
 * Runs every job run a job committed to its outbox (as the relay would deliver them), each
 * invocation allowed `slices` slices before time runs short.
 */
const drainRuns = async (
  jobId: string,
  slices: number,
  onEachRun: () => Promise<void> = async () => {},
) => {
  const ran = new Set<string>();
  let invocations = 0;
  for (;;) {
    const due = (await committedEvents(TABLE, jobAggregate(jobId))).find(
      (e) => !ran.has(e.detail.id),
    );
    if (!due) return invocations;
    ran.add(due.detail.id);
    expect(due.detailType).toBe('JobRunDue');
    let left = slices;
    await runDirectoryImport(
      due.detail as unknown as EventDetail<'JobRunDue'>,
      { ...deps, sliceRows: 200 },
      () => (left-- > 0 ? 10 * SAFETY_MARGIN_MS : 0),
    );
    invocations += 1;
    await onEachRun();
  }
};

const emailOf = (i: number) => `person-${i}-${run}@import.acme.example`;
const header = 'email,name,department,location';
const row = (i: number) => `${emailOf(i)},Person ${i},Dept ${i % 7},Berlin`;

/** The file in three parts of whole rows, with three bad rows and a person repeated across parts. */
const partsOf = (rows: number) => {
  const lines = Array.from({ length: rows }, (_, i) => row(i));
  lines[10] = `not-an-email,Bad Email,Ops,Berlin`; // file line 12
  lines[rows - 1] = `${emailOf(5)},Person Five Again,Ops,Berlin`; // same as file line 7
  const third = Math.ceil(rows / 3);
  return [
    `${header}\n${lines.slice(0, third).join('\n')}\n`,
    `${lines.slice(third, 2 * third).join('\n')}\n`,
    lines.slice(2 * third).join('\n'),
  ];
};

describe('a directory import of a few thousand rows in parts', () => {
  it('answers at once, runs in checkpointed slices with progress readable, and reports rejections by file line', async () => {
    const opened = await call(admin, 'POST /employees/import', { body: '{"parts":3}' });
    expect(opened.status).toBe(202);
    const jobId = opened.body.job.jobId as string;
    expect(opened.body.job).toMatchObject({ state: 'receiving', partsMissing: [1, 2, 3] });

    const parts = partsOf(ROWS);
    // Parts may arrive in any order; the runner still takes them in order.
    for (const n of [2, 3, 1]) {
      const sent = await call(admin, 'PUT /jobs/{jobId}/parts/{part}', {
        body: parts[n - 1],
        csv: true,
        path: { jobId, part: String(n) },
      });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    }
    const again = await call(admin, 'PUT /jobs/{jobId}/parts/{part}', {
      body: parts[1],
      csv: true,
      path: { jobId, part: '2' },
    });
    expect(again).toMatchObject({ status: 200, body: { replayed: true } });
    const changed = await call(admin, 'PUT /jobs/{jobId}/parts/{part}', {
      body: `${row(999_999)}\n`,
      csv: true,
      path: { jobId, part: '2' },
    });
    expect(changed.status).toBe(409);

    const started = await call(admin, 'POST /jobs/{jobId}/start', { body: '{}', path: { jobId } });
    expect(started.status).toBe(202);
    expect(started.body.job).toMatchObject({ state: 'queued', rowsTotal: ROWS, rowsDone: 0 });

    const seen: number[] = [];
    const invocations = await drainRuns(jobId, 3, async () => {
      const progress = await call(admin, 'GET /jobs/{jobId}', { path: { jobId } });
      expect(progress.status).toBe(200);
      seen.push(progress.body.job.rowsDone);
    });
    expect(invocations).toBeGreaterThan(2);
    expect(seen.some((done) => done > 0 && done < ROWS)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));

    const finished = await call(admin, 'GET /jobs/{jobId}', { path: { jobId } });
    expect(finished.body.job).toMatchObject({
      state: 'done',
      rowsDone: ROWS,
      counts: { created: ROWS - 2, updated: 0, unchanged: 0, rejected: 2 },
    });
    expect(finished.body.rejections.map((r: { line: number }) => r.line)).toEqual([12, ROWS + 1]);
    expect(finished.body.rejections[1].problems[0].message).toBe('same person as line 7');
    expect(await deps.employees.findByEmail(emailOf(ROWS - 2))).toBeDefined();
    expect((await call(marketing, 'GET /jobs/{jobId}', { path: { jobId } })).status).toBe(403);
  }, 300_000);

  it('changes nothing when the same people are imported again', async () => {
    const csv = [header, ...Array.from({ length: 30 }, (_, i) => row(100_000 + i))].join('\n');
    for (const expected of [{ created: 30 }, { created: 0, unchanged: 30 }]) {
      const opened = await call(admin, 'POST /employees/import', { body: csv, csv: true });
      expect(opened.status).toBe(202);
      expect(opened.body.job.state).toBe('queued');
      await drainRuns(opened.body.job.jobId, 100);
      const done = await call(admin, 'GET /jobs/{jobId}', {
        path: { jobId: opened.body.job.jobId },
      });
      expect(done.body.job).toMatchObject({ state: 'done', counts: expected });
    }
  });

  it('pages through rejections in line order', async () => {
    const bad = Array.from({ length: 250 }, (_, i) => `bad-${i},Nobody,Ops,Berlin`);
    const opened = await call(admin, 'POST /employees/import', {
      body: [header, ...bad].join('\n'),
      csv: true,
    });
    await drainRuns(opened.body.job.jobId, 100);
    const lines: number[] = [];
    let after: string | undefined;
    do {
      const page = await call(admin, 'GET /jobs/{jobId}', {
        path: { jobId: opened.body.job.jobId },
        ...(after ? { query: { after } } : {}),
      });
      lines.push(...page.body.rejections.map((r: { line: number }) => r.line));
      after = page.body.nextAfter === undefined ? undefined : String(page.body.nextAfter);
    } while (after);
    expect(lines).toEqual(Array.from({ length: 250 }, (_, i) => i + 2));
  });

  it('refuses to start before every declared part is in, and a header it does not understand', async () => {
    const opened = await call(admin, 'POST /employees/import', { body: '{"parts":2}' });
    const jobId = opened.body.job.jobId;
    await call(admin, 'PUT /jobs/{jobId}/parts/{part}', {
      body: `${header}\n${row(1)}\n`,
      csv: true,
      path: { jobId, part: '1' },
    });
    expect(
      (await call(admin, 'POST /jobs/{jobId}/start', { body: '{}', path: { jobId } })).status,
    ).toBe(409);
    const badHeader = await call(admin, 'POST /employees/import', {
      body: 'mail,nom\nx,y',
      csv: true,
    });
    expect(badHeader.status).toBe(400);
    expect((await call(admin, 'GET /jobs/{jobId}', { path: { jobId: 'job_nope' } })).status).toBe(
      404,
    );
  });
});
