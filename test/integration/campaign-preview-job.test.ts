import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import {
  type PreviewRunnerDependencies,
  runCampaignPreview,
} from '#functions/job-runner/preview-campaign';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import { DIRECTORY_SHARDS } from '#shared/store/employees';
import { jobAggregate } from '#shared/store/jobs';
import { apiEvent, callApi } from '../fixtures/api-events';
import { outboxFeed } from '../fixtures/outbox';
import { type Arranged, arrangeCampaign, optedIn } from '../fixtures/sharing';
import { directoryQueries } from '../fixtures/watched-queries';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const outbox = outboxFeed(TABLE);
const call = (
  who: 'marketing' | 'admin' | 'legal',
  routeKey: string,
  options: { body?: unknown; pathParameters?: Record<string, string> } = {},
) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: `user-${who}`, email: `${who}@preview.acme.example`, groups: [who] },
      {
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
      },
    ),
    deps,
  ).then((response) => ({
    status: response.statusCode,
    body: JSON.parse(response.body ?? '{}'),
  }));

const runnerDeps = (pageSize: number): PreviewRunnerDependencies => ({
  jobs: deps.jobs,
  employees: deps.employees,
  posts: deps.posts,
  segments: deps.segments,
  sharingPolicy: async () => defaultSharingPolicy,
  now: () => new Date(),
  pageSize,
});

/** The directory reads each piece of work makes. */
const directory = directoryQueries();

let arranged: Arranged;
beforeAll(async () => {
  // 30 people: 20 opted in, 5 with auto-share off, 5 who left the programme.
  arranged = await arrangeCampaign(
    {
      table: TABLE,
      posts: deps.posts,
      campaigns: deps.campaigns,
      segments: deps.segments,
    },
    {
      count: 30,
      person: (i, e) =>
        i < 20
          ? e
          : i < 25
            ? { ...e, consent: optedIn({ networks: { sandbox: { autoShare: false } } }) }
            : { ...e, consent: { ...optedIn(), leftAt: new Date().toISOString() } },
    },
  );
});
afterAll(() => outbox.close());

describe('campaign preview as a background job', () => {
  it('answers 202 with a job, reads no directory in the request, and commits the job’s JobRunDue with it', async () => {
    await outbox.take();
    const { result: started, queries } = await directory.during(() =>
      call('marketing', 'POST /campaigns/preview', {
        body: { postId: arranged.post.postId, networks: ['sandbox'] },
      }),
    );
    expect(started.status).toBe(202);
    expect(started.body.job).toMatchObject({ kind: 'campaignPreview', state: 'queued' });
    expect(queries).toEqual([]);
    const jobId = started.body.job.jobId;
    const committed = (await outbox.take()).filter((e) => e.detailType === 'JobRunDue');
    expect(committed.map((e) => e.detail)).toEqual([
      expect.objectContaining({ jobId, aggregate: jobAggregate(jobId), sequence: 0 }),
    ]);
  });

  it('reports progress while it runs, survives duplicated runs, and ends with counts per network and a bounded sample', async () => {
    const started = await call('marketing', 'POST /campaigns/preview', {
      body: { postId: arranged.post.postId, networks: ['sandbox'] },
    });
    const jobId: string = started.body.job.jobId;
    await outbox.take();
    // The first run reads one page, then its time is up: it hands over to a fresh run.
    let pagesLeft = 1;
    // The watch sees the runner's directory reads: its silence in the requests means something.
    const run = await directory.during(() =>
      runCampaignPreview({ jobId }, runnerDeps(1000), () => (pagesLeft-- > 0 ? 300_000 : 0)),
    );
    expect(run.result).toBe('continued');
    expect(run.queries.length).toBeGreaterThan(0);
    const handOvers = (await outbox.take()).filter(
      (e) => e.detailType === 'JobRunDue' && e.detail.jobId === jobId,
    );
    expect(handOvers).toHaveLength(1);
    const midway = await call('marketing', 'GET /jobs/{jobId}', { pathParameters: { jobId } });
    expect(midway.status).toBe(200);
    expect(midway.body.job.state).toBe('running');
    expect(midway.body.preview.shardsDone).toBeGreaterThan(0);
    expect(midway.body.preview.shardsDone).toBeLessThan(DIRECTORY_SHARDS);

    // The hand-over delivered twice at once: one run finishes, the other stops.
    const outcomes = await Promise.all([
      runCampaignPreview({ jobId }, runnerDeps(3), () => 300_000),
      runCampaignPreview({ jobId }, runnerDeps(3), () => 300_000),
    ]);
    expect(outcomes).toContain('done');
    // And once more, stale: nothing changes.
    expect(await runCampaignPreview({ jobId }, runnerDeps(3), () => 300_000)).toBe('done');

    const done = await call('marketing', 'GET /jobs/{jobId}', { pathParameters: { jobId } });
    expect(done.body.job.state).toBe('done');
    const { preview } = done.body;
    expect(preview.shardsDone).toBe(DIRECTORY_SHARDS);
    expect(preview.inSegments).toBe(30);
    expect(preview.networks).toEqual([
      {
        network: 'sandbox',
        recipients: 20,
        costUsd: 0,
        excluded: { auto_share_off: 5, left_programme: 5 },
      },
    ]);
    expect(preview.sample).toHaveLength(20);
    const recipients = new Set(arranged.people.slice(0, 20).map((p) => p.employeeId));
    expect(preview.sample.every((s: { employeeId: string }) => recipients.has(s.employeeId))).toBe(
      true,
    );
    expect(preview.budget).toMatchObject({ monthlyBudgetUsd: null });
  });

  it('shows a preview to marketing but an import only to admins', async () => {
    const preview = await call('marketing', 'POST /campaigns/preview', {
      body: { postId: arranged.post.postId },
    });
    const jobId = preview.body.job.jobId;
    expect((await call('admin', 'GET /jobs/{jobId}', { pathParameters: { jobId } })).status).toBe(
      200,
    );
    expect((await call('legal', 'GET /jobs/{jobId}', { pathParameters: { jobId } })).status).toBe(
      403,
    );
    const importJob = await call('admin', 'POST /employees/import', { body: { parts: 1 } });
    expect(importJob.status).toBeLessThan(300);
    const importId = importJob.body.job.jobId;
    expect(
      (await call('marketing', 'GET /jobs/{jobId}', { pathParameters: { jobId: importId } }))
        .status,
    ).toBe(403);
  });

  it('creates a campaign without reading the directory in the request', async () => {
    const { result: created, queries } = await directory.during(() =>
      call('marketing', 'POST /campaigns', {
        body: {
          postId: arranged.post.postId,
          scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
          networks: ['sandbox'],
        },
      }),
    );
    expect(created.status).toBe(201);
    expect(queries).toEqual([]);
  });
});
