import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { SWEEP_AFTER_MS, sweepExpiredClaims } from '#functions/dispatcher/sweep-claims';
import { publishShare } from '#functions/share-worker/publish-share';
import { shareIdFor } from '#shared/ids';
import { createNetworkRegistry } from '#shared/networks/registry';
import { findSandboxPost } from '#shared/networks/sandbox';
import type { QueuedJob } from '#shared/queue/share-queue';
import { createShareOutcomes } from '#shared/shares/outcome';
import type { Share } from '#shared/shares/share';
import { apiEvent, callApi } from '../fixtures/api-events';
import { committedEvents } from '../fixtures/outbox-items';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const stack = createShareStack({
  table: TABLE,
  queueUrl: 'unused',
  deadLetterUrl: 'unused',
  networks: createNetworkRegistry(TABLE),
  leaseMs: 60_000,
});
const sent: QueuedJob[] = [];
const sweepDeps = {
  shares: deps.shares,
  shareIssues: deps.shareIssues,
  outcomes: createShareOutcomes({
    audit: deps.audit,
    shares: deps.shares,
    now: () => new Date(),
  }),
  send: async (jobs: readonly QueuedJob[]) => {
    sent.push(...jobs);
    return jobs.length;
  },
};
let arranged: Arranged;

const as = (role: string, routeKey: string, options: Parameters<typeof apiEvent>[2] = {}) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: `${role}-1`, email: `${role}@acme.example`, groups: [role] },
      options,
    ),
    deps,
  ).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body ?? '{}') }));

/** A share claimed by a worker, as the worker's first claim writes it. */
const claim = async (index: number, network: Share['network'], leaseUntil: Date) => {
  const person = arranged.people[index];
  if (!person) throw new Error('no such person');
  const share: Share = {
    shareId: shareIdFor(arranged.campaign.campaignId, person.employeeId, network),
    campaignId: arranged.campaign.campaignId,
    postId: arranged.post.postId,
    employeeId: person.employeeId,
    network,
    status: 'publishing',
    contentHash: arranged.campaign.contentHash,
    audienceSize: 10,
    startedAt: new Date(leaseUntil.getTime() - 60_000).toISOString(),
    attempt: 1,
    leaseUntil: leaseUntil.toISOString(),
  };
  const claimed = await deps.shares.claimFirst(share, {
    employeeId: person.employeeId,
    network,
    localDate: share.startedAt.slice(0, 10),
    limit: 100,
  });
  expect(claimed).toBe('claimed');
  return share;
};

const issues = async (status: string, query: Record<string, string> = {}) =>
  as('marketing', 'GET /shares', {
    query: { status, campaignId: arranged.campaign.campaignId, ...query },
  });

const auditOf = async (shareId: string) => {
  const { entries } = await deps.audit.list({
    postId: arranged.post.postId,
    from: new Date(Date.now() - 86_400_000).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
    limit: 500,
  });
  return entries.filter((e) => e.subject.shareId === shareId);
};

beforeAll(async () => {
  arranged = await arrangeCampaign(stack.stores, {
    count: 6,
    person: (_, e) => ({
      ...e,
      connections: {
        ...e.connections,
        x: { status: 'active', handle: `@${e.name.split(' ')[0]?.toLowerCase()}`, audienceSize: 5 },
        linkedin: { status: 'expired', handle: e.name, audienceSize: 5 },
      },
    }),
  });
});

describe('shares whose worker died holding them (the dispatcher’s sweep)', () => {
  it('ends an abandoned X claim as unknown, on the record, and never sends it again', async () => {
    const now = new Date();
    const share = await claim(0, 'x', new Date(now.getTime() - SWEEP_AFTER_MS - 60_000));
    const result = await sweepExpiredClaims(now, sweepDeps);
    expect(result.unknown).toBeGreaterThanOrEqual(1);
    expect(await deps.shares.get(share.shareId)).toMatchObject({
      status: 'unknown',
      reason: 'outcome_unknown',
    });
    expect(sent.filter((j) => j.job.shareId === share.shareId)).toEqual([]);
    expect((await auditOf(share.shareId)).map((e) => [e.action, e.actor])).toEqual([
      ['share.unknown', 'system:dispatcher'],
    ]);
    // Committed with the share's write, for the relay to deliver.
    expect(
      (await committedEvents(TABLE, `share#${share.shareId}`)).map((e) => e.detailType),
    ).toEqual(['ShareOutcomeUnknown']);
    // A later minute finds nothing more to do with it.
    await sweepExpiredClaims(new Date(now.getTime() + 60_000), sweepDeps);
    expect(sent.filter((j) => j.job.shareId === share.shareId)).toEqual([]);
    expect(await auditOf(share.shareId)).toHaveLength(1);
  });

  it('ends an abandoned LinkedIn claim as unknown too: its duplicate check does not reach back', async () => {
    const now = new Date();
    const share = await claim(1, 'linkedin', new Date(now.getTime() - SWEEP_AFTER_MS - 60_000));
    await sweepExpiredClaims(now, sweepDeps);
    expect((await deps.shares.get(share.shareId))?.status).toBe('unknown');
    expect(sent.filter((j) => j.job.shareId === share.shareId)).toEqual([]);
  });

  it('sends an abandoned claim on a network with an idempotency key again, once, and it publishes once', async () => {
    const now = new Date();
    const share = await claim(2, 'sandbox', new Date(now.getTime() - SWEEP_AFTER_MS - 60_000));
    await sweepExpiredClaims(now, sweepDeps);
    await sweepExpiredClaims(new Date(now.getTime() + 60_000), sweepDeps);
    const resent = sent.filter((j) => j.job.shareId === share.shareId);
    expect(resent).toEqual([
      {
        job: {
          shareId: share.shareId,
          campaignId: share.campaignId,
          postId: share.postId,
          employeeId: share.employeeId,
          network: 'sandbox',
        },
      },
    ]);
    expect((await deps.shares.get(share.shareId))?.status).toBe('publishing');
    const [job] = resent;
    if (!job) throw new Error('not resent');
    const result = await publishShare(job.job, stack.worker);
    expect(result.kind === 'done' && result.share.status).toBe('published');
    expect((await findSandboxPost(TABLE, share.shareId))?.text).toBeTruthy();
  });

  it('leaves a claim alone while its worker or its retry may still come back', async () => {
    const now = new Date();
    const share = await claim(3, 'x', new Date(now.getTime() - 60_000));
    await sweepExpiredClaims(now, sweepDeps);
    expect((await deps.shares.get(share.shareId))?.status).toBe('publishing');
  });
});

describe('unknown and failed shares, listed and resolved by marketing', () => {
  it('lists unknown shares with what to check, and failed ones with their fix', async () => {
    const lost = await claim(4, 'x', new Date(Date.now() + 60_000));
    expect(await deps.shares.settle(lost, 'unknown', 'outcome_unknown', 'timed out')).toBe(true);
    const refused = await claim(4, 'linkedin', new Date(Date.now() + 60_000));
    expect(await deps.shares.settle(refused, 'failed', 'reconnect_needed', 'token revoked')).toBe(
      true,
    );

    const unknown = await issues('unknown');
    expect(unknown.status).toBe(200);
    const row = unknown.body.shares.find((s: Share) => s.shareId === lost.shareId);
    expect(row).toMatchObject({ status: 'unknown', handle: '@person4', network: 'x' });
    expect(row.fix).toMatch(/^Check @person4's X profile for the post, then resolve/);
    expect(unknown.body.shares.every((s: Share) => s.status === 'unknown')).toBe(true);

    const failed = await issues('failed');
    const failure = failed.body.shares.find((s: Share) => s.shareId === refused.shareId);
    expect(failure).toMatchObject({ reason: 'reconnect_needed', employeeName: 'Person4 Example' });
    expect(failure.fix).toMatch(/^Ask Person4 Example to reconnect LinkedIn/);
  });

  it('pages with a bounded size and a cursor, and refuses a cursor it did not give', async () => {
    const first = await issues('unknown', { limit: '1' });
    expect(first.body.shares).toHaveLength(1);
    expect(first.body.cursor).toEqual(expect.any(String));
    const second = await issues('unknown', { limit: '1', cursor: first.body.cursor });
    expect(second.status).toBe(200);
    expect(second.body.shares[0]?.shareId).not.toBe(first.body.shares[0].shareId);
    for (const cursor of [
      'bm90LWEtY3Vyc29y',
      Buffer.from('{"pk":"EMPLOYEE#x"}').toString('base64url'),
    ]) {
      expect((await issues('unknown', { cursor })).status).toBe(400);
    }
    expect((await issues('unknown', { limit: '1000' })).status).toBe(400);
    expect((await issues('skipped')).status).toBe(400);
  });

  it('resolves an unknown share as published: its post counts, on the record, and only once', async () => {
    const listed = (await issues('unknown')).body.shares as Share[];
    const target = listed.find((s) => s.network === 'x');
    if (!target) throw new Error('nothing unknown');
    const resolve = (body: unknown, role = 'marketing') =>
      as(role, 'POST /shares/{shareId}/resolve', {
        pathParameters: { shareId: target.shareId },
        body: JSON.stringify(body),
      });
    expect((await resolve({ outcome: 'published', postUrl: 'http://x.com/a/1' })).status).toBe(400);
    expect((await resolve({ outcome: 'published' })).status).toBe(400);
    expect(
      (await resolve({ outcome: 'published', postUrl: 'https://x.com/a/1' }, 'employee')).status,
    ).toBe(403);
    expect((await deps.shares.get(target.shareId))?.status).toBe('unknown');

    const resolved = await resolve({ outcome: 'published', postUrl: 'https://x.com/a/status/1' });
    expect(resolved.status).toBe(200);
    const stored = await deps.shares.get(target.shareId);
    expect(stored).toMatchObject({
      status: 'published',
      url: 'https://x.com/a/status/1',
      publishedAt: target.startedAt,
      resolution: { outcome: 'published', by: 'marketing-1', was: { status: 'unknown' } },
    });
    const { shares } = (await issues('unknown')).body as { shares: Share[] };
    expect(shares.map((s) => s.shareId)).not.toContain(target.shareId);
    const again = await resolve({ outcome: 'not_published', note: 'changed my mind' });
    expect(again.status).toBe(409);
    expect((await auditOf(target.shareId)).filter((e) => e.action === 'share.resolved')).toEqual([
      expect.objectContaining({
        actor: 'marketing-1',
        before: { status: 'unknown', reason: expect.any(String) },
        after: expect.objectContaining({ status: 'published', url: 'https://x.com/a/status/1' }),
      }),
    ]);
    const analytics = await as('marketing', 'GET /posts/{postId}/analytics', {
      pathParameters: { postId: target.postId },
    });
    expect(analytics.status).toBe(200);
    expect(JSON.stringify(analytics.body)).toMatch(/"shares":\{"value":[1-9]/);
  });

  it('resolves a failed share as not published, off the list, and refuses a published one', async () => {
    const listed = (await issues('failed')).body.shares as Share[];
    const target = listed[0];
    if (!target) throw new Error('nothing failed');
    const resolve = (shareId: string, body: unknown) =>
      as('admin', 'POST /shares/{shareId}/resolve', {
        pathParameters: { shareId },
        body: JSON.stringify(body),
      });
    const done = await resolve(target.shareId, {
      outcome: 'not_published',
      note: 'Left the company',
    });
    expect(done.status).toBe(200);
    expect(await deps.shares.get(target.shareId)).toMatchObject({
      status: 'failed',
      reason: 'not_published',
      resolution: { was: { status: 'failed', reason: 'reconnect_needed' } },
    });
    const after = (await issues('failed')).body.shares as Share[];
    expect(after.map((s) => s.shareId)).not.toContain(target.shareId);
    const published = (await resolve(target.shareId, { outcome: 'not_published', note: 'again' }))
      .status;
    expect(published).toBe(409);
    expect(
      (
        await resolve('shr_00000000000000000000000000000000', {
          outcome: 'not_published',
          note: 'x',
        })
      ).status,
    ).toBe(404);
    expect(
      (await resolve(target.shareId, { outcome: 'not_published', note: '\ud800' })).status,
    ).toBe(400);
  });
});
