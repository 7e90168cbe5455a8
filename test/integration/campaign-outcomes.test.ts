import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { fanOutSlice, startFanOut } from '#functions/share-fanout/fan-out';
import { publishShare } from '#functions/share-worker/publish-share';
import { leaveProgramme } from '#shared/employees/consent';
import { shareIdFor } from '#shared/ids';
import { createSandboxNetwork, type SandboxFault } from '#shared/networks/sandbox';
import type { ShareJob } from '#shared/shares/share';
import { DIRECTORY_SHARDS } from '#shared/store/employees';
import { apiEvent, callApi } from '../fixtures/api-events';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { watchQueries } from '../fixtures/watched-queries';
import { createTestQueues, drainJobs } from './queues';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const as = (role: string, routeKey: string, options: Parameters<typeof apiEvent>[2] = {}) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: `${role}-1`, email: `${role}@acme.example`, groups: [role] },
      options,
    ),
    deps,
  ).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body ?? '{}') }));

/** How the sandbox answers each person of the campaign, by the index in their handle. */
const FAULTS: Record<number, SandboxFault> = {
  7: 'auth_expired',
  8: 'server_error',
  9: 'server_error',
};
const faultOf = (handle: string): SandboxFault | undefined =>
  FAULTS[Number(handle.split('-').at(-1))];

let stack: ReturnType<typeof createShareStack>;
let queue: Awaited<ReturnType<typeof createTestQueues>>;
let arranged: Arranged;
let jobs: ShareJob[];
const watched = watchQueries(() => true);

const outcomesOf = async () => {
  const answer = await as('marketing', 'GET /campaigns/{campaignId}', {
    pathParameters: { campaignId: arranged.campaign.campaignId },
  });
  expect(answer.status).toBe(200);
  return answer.body.outcomes;
};

const resolve = (index: number, body: unknown) =>
  as('marketing', 'POST /shares/{shareId}/resolve', {
    pathParameters: {
      shareId: shareIdFor(
        arranged.campaign.campaignId,
        arranged.people[index]?.employeeId ?? '',
        'sandbox',
      ),
    },
    body: JSON.stringify(body),
  });

const jobOf = (index: number): ShareJob => {
  const employeeId = arranged.people[index]?.employeeId;
  const job = jobs.find((j) => j.employeeId === employeeId);
  if (!job) throw new Error(`no job for person ${index}`);
  return job;
};

beforeAll(async () => {
  queue = await createTestQueues('outcomes');
  stack = createShareStack({
    table: TABLE,
    queueUrl: queue.queueUrl,
    deadLetterUrl: queue.deadLetterUrl,
    // A network that may have posted on a 503 (as X): such a share ends `unknown`.
    networks: {
      sandbox: {
        ...createSandboxNetwork(TABLE, { fault: ({ handle }) => faultOf(handle) }),
        retryAfterUnknownOutcome: 'unsafe',
      },
    },
    leaseMs: 60_000,
  });
  arranged = await arrangeCampaign(stack.stores, { count: 10 });
  await startFanOut(
    {
      campaignId: arranged.campaign.campaignId,
      postId: arranged.post.postId,
      scheduledAt: arranged.campaign.scheduledAt,
    },
    stack.fanOut,
  );
  for (let shard = 0; shard < DIRECTORY_SHARDS; shard++) {
    await fanOutSlice(
      { campaignId: arranged.campaign.campaignId, shard },
      stack.fanOut,
      () => 300_000,
    );
  }
  jobs = await drainJobs(queue.client, queue.queueUrl);
});

describe('a campaign’s outcomes by state and reason, while it runs', () => {
  it('counts every queued share as pending before any has ended', async () => {
    expect(jobs).toHaveLength(10);
    expect(await outcomesOf()).toMatchObject({
      pending: 10,
      published: 0,
      failed: 0,
      skipped: 0,
      unknown: 0,
      groups: [],
    });
  });

  it('counts mixed ends exactly, grouped by reason with the fix, and a redelivered end once', async () => {
    // Person 6 leaves after the fan-out: their share is skipped when the worker reaches it.
    const leaver = await stack.worker.employees.get(arranged.people[6]?.employeeId ?? '');
    await stack.worker.employees.updateConsent(
      leaver,
      leaveProgramme(leaver.consent, new Date()),
      'consent.left',
      leaver.employeeId,
      new Date(),
    );
    const first = jobs.filter((job) => job.employeeId !== jobOf(0).employeeId);
    await Promise.all(first.map((job) => publishShare(job, stack.worker)));
    expect((await outcomesOf()).pending).toBe(1);
    await publishShare(jobOf(0), stack.worker);
    // Every job delivered again: the shares are ended already, and nothing counts twice.
    await Promise.all(jobs.map((job) => publishShare(job, stack.worker)));

    const { result: outcomes, queries } = await watched.during(outcomesOf);
    // Read from the tally: not one query of the campaign's shares.
    expect(queries.filter((q) => q.pk.includes('SHARE'))).toEqual([]);
    expect(outcomes).toMatchObject({
      published: 6,
      failed: 1,
      skipped: 1,
      unknown: 2,
      pending: 0,
      awaitingResolution: { unknown: 2, failed: 1 },
      resolved: { published: 0, notPublished: 0 },
      byNetwork: { sandbox: { published: 6, failed: 1, skipped: 1, unknown: 2 } },
    });
    expect(outcomes.groups).toEqual([
      {
        status: 'unknown',
        reason: 'outcome_unknown',
        count: 2,
        awaitingResolution: 2,
        networks: ['sandbox'],
        fix: expect.stringMatching(/^Check each employee’s Sandbox profile for the post/),
      },
      {
        status: 'skipped',
        reason: 'left_programme',
        count: 1,
        awaitingResolution: 0,
        networks: ['sandbox'],
        fix: expect.stringContaining('left the sharing programme'),
      },
      {
        status: 'failed',
        reason: 'reconnect_needed',
        count: 1,
        awaitingResolution: 1,
        networks: ['sandbox'],
        fix: expect.stringMatching(/^Ask these employees to reconnect Sandbox/),
      },
    ]);
  });

  it('moves a resolved share’s count to where the person put it, once, and a later redelivery changes nothing', async () => {
    expect(
      (await resolve(8, { outcome: 'published', postUrl: 'https://sandbox.example/p/8' })).status,
    ).toBe(200);
    expect((await resolve(7, { outcome: 'not_published', note: 'They left' })).status).toBe(200);
    // A second resolution is refused, and counts nothing.
    expect((await resolve(7, { outcome: 'not_published', note: 'again' })).status).toBe(409);
    // The resolved shares' jobs come back (a redrive): their ends are on the record already.
    await Promise.all([jobOf(7), jobOf(8)].map((job) => publishShare(job, stack.worker)));

    const outcomes = await outcomesOf();
    expect(outcomes).toMatchObject({
      published: 7,
      failed: 1,
      skipped: 1,
      unknown: 1,
      pending: 0,
      awaitingResolution: { unknown: 1, failed: 0 },
      resolved: { published: 1, notPublished: 1 },
    });
    expect(outcomes.groups).toContainEqual(
      expect.objectContaining({
        status: 'failed',
        reason: 'not_published',
        count: 1,
        awaitingResolution: 0,
        fix: expect.stringMatching(/^Resolved by a person/),
      }),
    );
    expect(outcomes.groups.map((g: { reason: string }) => g.reason)).not.toContain(
      'reconnect_needed',
    );
  });
});
