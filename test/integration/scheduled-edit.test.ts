import { describe, expect, it } from 'vitest';
import { type ApiDependencies, createApiDependencies } from '#functions/api/dependencies';
import { apiEvent, callApi } from '../fixtures/api-events';
import { arrangeCampaign } from '../fixtures/sharing';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const stores = { table: TABLE, ...deps };

const call = (
  routeKey: string,
  options: { body?: unknown; pathParameters?: Record<string, string> },
  through: ApiDependencies = deps,
) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: 'user-mia', email: 'mia@acme.example', groups: ['marketing'] },
      {
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
      },
    ),
    through,
  ).then((response) => ({ status: response.statusCode, body: JSON.parse(response.body ?? '{}') }));

/**
 * An edit while a campaign is scheduled would leave the campaign on the approved version and
 * fail every one of its shares (`content_not_approved`): it is refused, naming the campaign.
 */
describe('editing a post whose campaign is scheduled', () => {
  it('is a 409 naming the campaign and what to do, changes nothing, and is accepted once it is cancelled', async () => {
    const scheduledAt = new Date(Date.now() + 86_400_000);
    const { post, campaign } = await arrangeCampaign(stores, { count: 0, scheduledAt });
    const { postId } = post;
    const edit = (version: number) =>
      call('PUT /posts/{postId}', {
        pathParameters: { postId },
        body: {
          title: post.title,
          variants: [{ text: 'We are hiring engineers, and designers too.' }],
          link: post.link,
          topics: post.topics,
          segments: post.segments,
          version,
        },
      });

    // Bad input is still a 400, and a stale version its own 409: the campaigns are looked at
    // only for a well-formed edit of the current version.
    expect((await edit(post.version + 1)).body.error.message).toMatch(/reload it/);
    expect(
      (
        await call('PUT /posts/{postId}', {
          pathParameters: { postId },
          body: { title: post.title, variants: post.variants, segments: post.segments },
        })
      ).status,
    ).toBe(400);

    const refused = await edit(post.version);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect(refused.body.error.message).toContain(campaign.campaignId);
    expect(refused.body.error.message).toContain(campaign.scheduledAt);
    expect(refused.body.error.message).toMatch(/cancel/i);

    // Nothing moved: the post keeps its approved version, the campaign is still scheduled.
    const after = await deps.posts.get(postId);
    expect(after).toMatchObject({ version: post.version, status: 'scheduled' });
    expect(after.revision).toBe(post.revision);
    expect(await deps.posts.listVersions(postId)).toHaveLength(1);
    expect(await deps.campaigns.get(campaign.campaignId)).toEqual(campaign);

    const cancelled = await call('POST /campaigns/{campaignId}/cancel', {
      pathParameters: { campaignId: campaign.campaignId },
    });
    expect(cancelled.status).toBe(200);

    const accepted = await edit(post.version);
    expect(accepted.status).toBe(200);
    expect(accepted.body.post).toMatchObject({ version: post.version + 1, status: 'draft' });
  });

  it('names every scheduled campaign, and not the ones already cancelled', async () => {
    const { post, campaign: first } = await arrangeCampaign(stores, {
      count: 0,
      scheduledAt: new Date(Date.now() + 86_400_000),
    });
    const second = await call('POST /campaigns', {
      body: {
        postId: post.postId,
        networks: ['sandbox'],
        scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      },
    });
    expect(second.status).toBe(201);
    const third = await call('POST /campaigns', {
      body: {
        postId: post.postId,
        networks: ['sandbox'],
        scheduledAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      },
    });
    expect(third.status).toBe(201);
    await call('POST /campaigns/{campaignId}/cancel', {
      pathParameters: { campaignId: third.body.campaign.campaignId },
    });
    const current = await deps.posts.get(post.postId);
    const refused = await call('PUT /posts/{postId}', {
      pathParameters: { postId: post.postId },
      body: {
        title: 'Hiring, again',
        variants: current.variants,
        segments: current.segments,
        version: current.version,
      },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(first.campaignId);
    expect(refused.body.error.message).toContain(second.body.campaign.campaignId);
    expect(refused.body.error.message).not.toContain(third.body.campaign.campaignId);
  });

  it('does not let a campaign scheduled between the check and the commit slip through', async () => {
    const { post, campaign } = await arrangeCampaign(stores, {
      count: 0,
      scheduledAt: new Date(Date.now() + 86_400_000),
    });
    await call('POST /campaigns/{campaignId}/cancel', {
      pathParameters: { campaignId: campaign.campaignId },
    });
    // The edit reads the post, then its campaigns (none scheduled); before it commits, another
    // request schedules a campaign of the post.
    let raced: Awaited<ReturnType<typeof call>> | undefined;
    const racing: ApiDependencies = {
      ...deps,
      campaigns: {
        ...deps.campaigns,
        async list(query, page) {
          const read = await deps.campaigns.list(query, page);
          raced ??= await call('POST /campaigns', {
            body: {
              postId: post.postId,
              networks: ['sandbox'],
              scheduledAt: new Date(Date.now() + 86_400_000).toISOString(),
            },
          });
          return read;
        },
      },
    };
    const edit = await call(
      'PUT /posts/{postId}',
      {
        pathParameters: { postId: post.postId },
        body: {
          title: 'Hiring, edited',
          variants: post.variants,
          segments: post.segments,
          version: post.version,
        },
      },
      racing,
    );
    expect(raced?.status).toBe(201);
    expect(edit.status).toBe(409);
    const after = await deps.posts.get(post.postId);
    expect(after).toMatchObject({ version: post.version, status: 'scheduled' });
    expect(await deps.posts.listVersions(post.postId)).toHaveLength(1);
    const scheduled = await deps.campaigns.get(raced?.body.campaign.campaignId ?? '');
    expect(scheduled).toMatchObject({ status: 'scheduled', postVersion: post.version });

    // Asked again, the edit sees the campaign and names it.
    const again = await call('PUT /posts/{postId}', {
      pathParameters: { postId: post.postId },
      body: {
        title: 'Hiring, edited',
        variants: post.variants,
        segments: post.segments,
        version: post.version,
      },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(scheduled.campaignId);
  });
});
