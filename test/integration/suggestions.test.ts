import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { publishShare } from '#functions/share-worker/publish-share';
import { createNetworkRegistry } from '#shared/networks/registry';
import { findSandboxPost } from '#shared/networks/sandbox';
import type { QueuedJob } from '#shared/queue/share-queue';
import { apiEvent, callApi } from '../fixtures/api-events';
import { committedEvents } from '../fixtures/outbox-items';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign, optedIn } from '../fixtures/sharing';
import { TABLE } from './setup';

const queued: QueuedJob[] = [];
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
  apiUrl: 'https://chorus.example',
  queueShares: async (jobs: readonly QueuedJob[]) => {
    queued.push(...jobs);
  },
};
const stack = createShareStack({
  table: TABLE,
  queueUrl: 'unused',
  deadLetterUrl: 'unused',
  networks: createNetworkRegistry(TABLE),
  leaseMs: 60_000,
});
let arranged: Arranged;

beforeAll(async () => {
  // Two people in the segment, neither on auto-share: the campaign suggests, it does not post.
  arranged = await arrangeCampaign(stack.stores, {
    count: 2,
    person: (_, e) => ({ ...e, consent: optedIn({ networks: { sandbox: { autoShare: false } } }) }),
  });
});

const as = (index: number | 'stranger', routeKey: string, body?: unknown) => {
  const email =
    index === 'stranger' ? 'someone@else.example' : (arranged.people[index]?.email ?? '');
  return callApi(
    apiEvent(
      routeKey,
      { sub: `u-${index}`, email, groups: ['employee'] },
      body === undefined ? {} : { body: JSON.stringify(body) },
    ),
    deps,
  ).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body ?? '{}') }));
};

describe('suggestion mode', () => {
  it('offers the post in the feed: one call for connected networks, a share dialog for Facebook', async () => {
    const feed = await as(0, 'GET /me/feed');
    expect(feed.status).toBe(200);
    const item = feed.body.items.find(
      (i: { campaignId: string }) => i.campaignId === arranged.campaign.campaignId,
    );
    expect(item.networks).toMatchObject([
      { network: 'sandbox', action: 'share', rendered: { reader: 'employee' } },
      {
        network: 'facebook',
        action: 'intent',
        intentUrl: expect.stringContaining(encodeURIComponent('https://chorus.example/l/')),
      },
    ]);
  });

  it('shares once through the same worker, however often the employee presses the button', async () => {
    const first = await as(0, 'POST /me/shares', {
      campaignId: arranged.campaign.campaignId,
      network: 'sandbox',
    });
    expect(first.status).toBe(202);
    expect(queued).toHaveLength(1);
    const job = queued[0]?.job;
    if (!job) throw new Error('no job');
    expect(job.mode).toBe('own');
    await Promise.all([publishShare(job, stack.worker), publishShare(job, stack.worker)]);
    expect((await findSandboxPost(TABLE, job.shareId))?.text).toContain('hiring');
    const again = await as(0, 'POST /me/shares', {
      campaignId: arranged.campaign.campaignId,
      network: 'sandbox',
    });
    expect(again.status).toBe(200);
    expect(again.body.share.status).toBe('published');
    expect(queued).toHaveLength(1);
    const feed = await as(0, 'GET /me/feed');
    expect(feed.body.items[0].networks[0]).toMatchObject({
      action: 'shared',
      share: { status: 'published' },
    });
  });

  it('checks the employee’s own words first: a blocked text is refused with its findings', async () => {
    const refused = await as(1, 'POST /me/shares', {
      campaignId: arranged.campaign.campaignId,
      network: 'sandbox',
      // Own words only (the link is placed for them), here with a shortener that hides where it goes.
      text: 'Guaranteed returns, risk-free! https://bit.ly/jobs',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('compliance_blocked');
    expect(queued).toHaveLength(1);
  });

  it('counts a Facebook share when the employee confirms it, once', async () => {
    const unconfirmed = await as(1, 'POST /me/shares', {
      campaignId: arranged.campaign.campaignId,
      network: 'facebook',
    });
    expect(unconfirmed.status).toBe(400);
    const confirmed = await as(1, 'POST /me/shares', {
      campaignId: arranged.campaign.campaignId,
      network: 'facebook',
      confirmed: true,
    });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.share).toMatchObject({ status: 'published', via: 'intent' });
    const twice = await as(1, 'POST /me/shares', {
      campaignId: arranged.campaign.campaignId,
      network: 'facebook',
      confirmed: true,
    });
    expect(twice.status).toBe(200);
    // Committed with the share, once, for the relay to deliver.
    const shareId = confirmed.body.share.shareId;
    expect((await committedEvents(TABLE, `share#${shareId}`)).map((e) => e.detailType)).toEqual([
      'SharePublished',
    ]);
  });

  it('puts a confirmed Facebook share on the audit record, once, as the worker records its shares', async () => {
    const confirm = () =>
      as(0, 'POST /me/shares', {
        campaignId: arranged.campaign.campaignId,
        network: 'facebook',
        confirmed: true,
      });
    const first = await confirm();
    expect(first.status).toBe(201);
    await confirm();
    const { entries } = await deps.audit.list({
      postId: arranged.campaign.postId,
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      limit: 500,
    });
    const recorded = entries.filter(
      (e) => e.action === 'share.published' && e.subject.shareId === first.body.share.shareId,
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      actor: 'u-0',
      after: {
        status: 'published',
        network: 'facebook',
        via: 'intent',
        employeeId: expect.any(String),
      },
    });
  });

  it('answers 404 to someone outside the campaign’s segments', async () => {
    const stranger = await as('stranger', 'POST /me/shares', {
      campaignId: arranged.campaign.campaignId,
      network: 'sandbox',
    });
    expect([403, 404]).toContain(stranger.status);
  });
});
