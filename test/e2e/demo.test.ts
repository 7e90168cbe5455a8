import { execFile, execSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient } from '#infra/local/demo/client';
import { runDemo } from '#infra/local/demo/scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

let runtime: RunningRuntime;
let client: ApiClient;
/** The demo's campaign, once the first test ran it. */
let demoCampaignId: string | undefined;

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  client = createApiClient(runtime.apiUrl);
});

afterAll(async () => {
  await runtime?.stop();
});

describe('the local runtime, driven over HTTP', () => {
  it('runs submit → changes requested → edit → resubmit → legal approval → library → schedule → share', async () => {
    const result = await runDemo(runtime.apiUrl);
    demoCampaignId = result.campaignId;
    expect(result.statuses).toEqual([
      'draft',
      'in_review',
      'changes_requested',
      'draft',
      'in_review',
      'approved',
      'scheduled',
    ]);
    expect(result.versions).toBe(2);
    expect(result.compliance.regulated).toBe(true);
    expect(result.compliance.findings.map((f) => f.ruleId)).toContain('lexicon.guarantee');
    expect(result.compliance.disclaimers.length).toBeGreaterThan(0);
    expect(result.ownApprovalStatus).toBe(403);
    expect(result.staleApprovalStatus).toBe(409);
    expect(result.approvedBy).toMatch(/^legal /);
    expect(result.libraryForSegment).toContain(result.postId);
    expect(result.libraryOutsideSegment).not.toContain(result.postId);
    expect(result.auditActions).toEqual(
      expect.arrayContaining([
        'post.create',
        'post.requestChanges',
        'post.edit',
        'post.approve',
        'post.schedule',
        'share.published',
      ]),
    );
    const totals = result.analytics.totals;
    expect(totals.shares.value).toBe(result.expectedShares);
    expect(totals.failed.value).toBe(0);
    expect(totals.potentialReach).toMatchObject({ source: 'counted' });
    expect(totals.potentialReach.value).toBeGreaterThan(0);
    expect(totals.impressions).toMatchObject({ source: 'measured' });
    expect(totals.impressions.value).toBeGreaterThan(0);
    expect(totals.clicks).toMatchObject({ value: result.clicksMade, source: 'counted' });
    expect(totals.earnedMediaValueUsd.source).toBe('estimated');
    expect(totals.participation.value).toBe(1);
    expect(result.analytics.sandbox).toBe(true);
    expect(result.leaderboard).toHaveLength(3);
    expect(result.leaderboard[0]?.points).toBeGreaterThan(0);

    // Run without blocking this process: a blocked event loop keeps a keep-alive socket the
    // runtime has since closed, and the next test's first request would be sent down it.
    const verified = await promisify(execFile)('npm', [
      'run',
      '--silent',
      'audit:verify',
      '--',
      '--data',
      runtime.dataDir,
    ]);
    expect(verified.stdout).toMatch(/audit log intact: \d+ entries/);
  });

  it('computes a report in the background through the job runner, as GET /analytics does', async () => {
    expect(demoCampaignId).toBeDefined();
    const marketing = await client.token('marketing', 'e2e.analyst@acme.example');
    const started = await client.call<{ job: { jobId: string } }>(
      'POST',
      '/analytics/reports',
      marketing,
      { campaignId: demoCampaignId },
    );
    expect(started.status).toBe(202);
    const { jobId } = started.body.job;
    let state = 'queued';
    for (let tries = 0; state !== 'done' && tries < 150; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const followed = await client.call<{ job: { state: string } }>(
        'GET',
        `/jobs/${jobId}`,
        marketing,
      );
      state = followed.body.job.state;
    }
    expect(state).toBe('done');
    type Totals = { analytics: { totals: Record<string, { value: unknown }> } };
    const [background, direct] = await Promise.all([
      client.call<Totals>('GET', `/analytics/reports/${jobId}`, marketing),
      client.call<Totals>('GET', `/analytics?campaignId=${demoCampaignId}`, marketing),
    ]);
    expect(background.status).toBe(200);
    for (const figure of ['shares', 'failed', 'sharers', 'invited', 'participation']) {
      expect(background.body.analytics.totals[figure]?.value, figure).toEqual(
        direct.body.analytics.totals[figure]?.value,
      );
    }
  });

  it('answers bad input with the right 4xx and a JSON body', async () => {
    const marketing = await client.token('marketing', 'e2e.author@acme.example');
    const other = await client.token('marketing', 'e2e.reviewer@acme.example');
    const employee = await client.token('employee', 'nobody@acme.example');

    const malformed = await client.call('POST', '/posts', marketing, '{"title": ');
    expect(malformed.status).toBe(400);
    const wrongType = await client.call<{ error: { fields: { field: string }[] } }>(
      'POST',
      '/posts',
      marketing,
      { title: 'T', variants: [{ text: 42 }], segments: ['sales'] },
    );
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.fields.map((f) => f.field)).toEqual(['variants.0.text']);
    const unknownField = await client.call<{ error: { fields: { message: string }[] } }>(
      'POST',
      '/posts',
      marketing,
      { title: 'T', variants: [{ text: 'Hi {{employee.shoeSize}}' }], segments: ['sales'] },
    );
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.fields[0]?.message).toMatch(/unknown template field/);

    expect((await client.call('POST', '/posts', undefined, { title: 'T' })).status).toBe(401);
    expect((await client.call('POST', '/posts', 'not-a-jwt', { title: 'T' })).status).toBe(401);
    expect(
      (
        await client.call('POST', '/posts', employee, {
          title: 'T',
          variants: [{ text: 'C' }],
          segments: ['s'],
        })
      ).status,
    ).toBe(403);
    expect((await client.call('GET', '/posts/post_missing', marketing)).status).toBe(404);

    const newDraft = { title: 'T', variants: [{ text: 'Hello' }], segments: ['sales'] };
    const key = { 'idempotency-key': `e2e-${Date.now()}` };
    const { body } = await client.call<{ post: { postId: string } }>(
      'POST',
      '/posts',
      marketing,
      newDraft,
      key,
    );
    const retried = await client.call<{ post: { postId: string } }>(
      'POST',
      '/posts',
      marketing,
      newDraft,
      key,
    );
    expect(retried.body.post.postId).toBe(body.post.postId);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    const draftApproval = await client.call('POST', `/posts/${body.post.postId}/approve`, other, {
      version: 1,
    });
    expect(draftApproval.status).toBe(409);
    const staleEdit = await client.call('PUT', `/posts/${body.post.postId}`, marketing, {
      ...newDraft,
      version: 7,
    });
    expect(staleEdit.status).toBe(409);
    const openapi = await client.call<{ openapi: string }>('GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toBe('3.1.0');
    // Hours ahead: the demo moved the runtime's clock an hour past this machine's.
    const unapprovedCampaign = await client.call('POST', '/campaigns', marketing, {
      postId: body.post.postId,
      scheduledAt: new Date(Date.now() + 3 * 3_600_000).toISOString(),
    });
    expect(unapprovedCampaign.status).toBe(409);
  });

  it('stops every child process on Ctrl-C', async () => {
    const children = execSync(`ps -o pid= --ppid ${runtime.process.pid}`)
      .toString()
      .trim()
      .split(/\s+/)
      .map(Number);
    expect(children.length).toBeGreaterThan(0); // DynamoDB Local's JVM at least
    expect(await runtime.stop()).toBe(0);
    const isAlive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // tsx's esbuild service leaves when its parent's pipe closes, a moment after the parent.
    const deadline = Date.now() + 5000;
    let alive = children.filter(isAlive);
    while (alive.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      alive = children.filter(isAlive);
    }
    expect(alive).toEqual([]);
  });
});
