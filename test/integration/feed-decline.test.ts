import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { publishShare } from '#functions/share-worker/publish-share';
import { shareIdFor } from '#shared/ids';
import { createNetworkRegistry } from '#shared/networks/registry';
import { findSandboxPost } from '#shared/networks/sandbox';
import { planShares } from '#shared/sharing/plan';
import { apiEvent, callApi } from '../fixtures/api-events';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign, optedIn } from '../fixtures/sharing';
import { TABLE } from './setup';

/**
 * An employee on auto-share sees in the feed when a campaign will post for them, and can say
 * "not this one" before it does: the share ends skipped, on the record, and is never posted.
 */
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
  apiUrl: 'https://chorus.example',
};
const stack = createShareStack({
  table: TABLE,
  queueUrl: 'unused',
  deadLetterUrl: 'unused',
  networks: createNetworkRegistry(TABLE),
  leaseMs: 60_000,
});

let upcoming: Arranged;
beforeAll(async () => {
  // Person 0 auto-shares; person 1 does not. The campaign starts in an hour, staggered over one.
  upcoming = await arrangeCampaign(stack.stores, {
    count: 2,
    scheduledAt: new Date(Date.now() + 3_600_000),
    staggerMinutes: 60,
    person: (i, e) =>
      i === 0 ? e : { ...e, consent: optedIn({ networks: { sandbox: { autoShare: false } } }) },
  });
});

const as = (index: number | 'stranger', routeKey: string, campaignId?: string) => {
  const email = index === 'stranger' ? 'nobody@else.example' : upcoming.people[index]?.email;
  return callApi(
    apiEvent(
      routeKey,
      { sub: `decline-${index}`, email: email ?? '', groups: ['employee'] },
      campaignId ? { pathParameters: { campaignId } } : {},
    ),
    deps,
  ).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body ?? '{}') }));
};

const itemOf = (feed: { items: { campaignId: string }[] }) =>
  feed.items.find((i) => i.campaignId === upcoming.campaign.campaignId);

describe('what auto-share will post for me, and "not this one"', () => {
  it('shows an upcoming campaign with the time the fan-out will post it for me', async () => {
    const feed = await as(0, 'GET /me/feed');
    expect(feed.status).toBe(200);
    const [person] = upcoming.people;
    if (!person) throw new Error('nobody arranged');
    const plan = planShares({
      campaign: upcoming.campaign,
      postTopics: upcoming.post.topics,
      inCampaignSegments: () => true,
      policy: await deps.sharingPolicies.current(),
      employees: [person],
    });
    expect(itemOf(feed.body)).toMatchObject({
      networks: [
        { network: 'sandbox', action: 'auto', autoShareAt: plan.jobs[0]?.at.toISOString() },
      ],
    });
  });

  it('does not list a campaign that has not started to someone it will not post for', async () => {
    const feed = await as(1, 'GET /me/feed');
    expect(feed.status).toBe(200);
    expect(itemOf(feed.body)).toBeUndefined();
  });

  it('declines it: the share ends skipped before the worker gets to it, and nothing is posted', async () => {
    const { campaignId } = upcoming.campaign;
    const declined = await as(0, 'POST /me/feed/{campaignId}/decline', campaignId);
    expect(declined.status).toBe(200);
    expect(declined.body.networks).toEqual([{ network: 'sandbox', outcome: 'declined' }]);
    const again = await as(0, 'POST /me/feed/{campaignId}/decline', campaignId);
    expect(again.body.networks).toEqual([{ network: 'sandbox', outcome: 'declined' }]);

    const [person] = upcoming.people;
    if (!person) throw new Error('nobody arranged');
    const shareId = shareIdFor(campaignId, person.employeeId, 'sandbox');
    const job = {
      shareId,
      campaignId,
      postId: upcoming.post.postId,
      employeeId: person.employeeId,
      network: 'sandbox' as const,
    };
    const result = await publishShare(job, stack.worker);
    expect(result.kind === 'done' && result.share).toMatchObject({
      status: 'skipped',
      reason: 'declined',
    });
    expect(await findSandboxPost(TABLE, shareId)).toBeUndefined();

    const feed = await as(0, 'GET /me/feed');
    expect(itemOf(feed.body)).toMatchObject({
      networks: [{ network: 'sandbox', action: 'declined' }],
    });
    const { entries } = await deps.audit.list({
      postId: upcoming.post.postId,
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      limit: 100,
    });
    expect(
      entries.filter((e) => e.action === 'share.skipped' && e.subject.shareId === shareId),
    ).toEqual([expect.objectContaining({ actor: 'decline-0' })]);
  });

  it('answers 404 for a campaign that is not offered to the caller', async () => {
    const { campaignId } = upcoming.campaign;
    // Someone not in the directory is refused before any campaign is looked at.
    const stranger = await as('stranger', 'POST /me/feed/{campaignId}/decline', campaignId);
    expect(stranger.status).toBe(403);
    expect((await as(1, 'POST /me/feed/{campaignId}/decline', campaignId)).status).toBe(404);
    expect((await as(0, 'POST /me/feed/{campaignId}/decline', 'no-such-campaign')).status).toBe(
      404,
    );
  });
});
