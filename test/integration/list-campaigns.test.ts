import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { dynamo } from '#shared/aws';
import type { Campaign } from '#shared/campaigns/campaign';
import { apiEvent, callApi } from '../fixtures/api-events';
import { TABLE } from './setup';

/**
 * `GET /campaigns` against DynamoDB Local: by status and scheduled time, all campaigns, a post's
 * campaigns; date ranges read as whole days in a time zone; paging finds every campaign once;
 * the index keys follow every write the store makes (create, dispatch, cancel, reschedule).
 */
const deps = createApiDependencies({ TABLE_NAME: TABLE });
const roles = { mia: ['marketing'], lou: ['legal'], ada: ['admin'], eve: ['employee'] } as const;
type Person = keyof typeof roles;

const call = (who: Person, query: Record<string, string> = {}) =>
  callApi(
    apiEvent(
      'GET /campaigns',
      { sub: `sub-${who}`, email: `${who}@acme.example`, groups: roles[who] },
      { query },
    ),
    deps,
  ).then((response) => ({ status: response.statusCode, body: JSON.parse(response.body ?? '{}') }));

const list = async (query: Record<string, string>, who: Person = 'mia') => {
  const answer = await call(who, query);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as { campaigns: Campaign[]; order: string; cursor?: string };
};

const ids = (campaigns: readonly Campaign[]) => campaigns.map((c) => c.campaignId);

const campaign = (
  id: string,
  postId: string,
  scheduledAt: string,
  createdAt: string,
): Campaign => ({
  campaignId: id,
  postId,
  postVersion: 1,
  contentHash: 'hash',
  segments: ['alpha'],
  networks: ['sandbox'],
  scheduledAt,
  staggerMinutes: 0,
  mode: 'auto',
  status: 'scheduled',
  createdBy: 'sub-mia',
  createdAt,
  estimates: [],
});

const at = (day: string, time = '12:00') =>
  new Date(`2026-05-${day}T${time}:00.000Z`).toISOString();

const c = {
  a: campaign('cmp_a', 'post_1', at('01'), at('01', '08:00')),
  b: campaign('cmp_b', 'post_1', at('03', '02:00'), at('01', '09:00')),
  c: campaign('cmp_c', 'post_2', at('03', '23:30'), at('01', '10:00')),
  d: campaign('cmp_d', 'post_2', at('05'), at('01', '11:00')),
  e: campaign('cmp_e', 'post_1', at('07'), at('01', '12:00')),
};

beforeAll(async () => {
  for (const one of Object.values(c)) {
    await dynamo().send(
      new TransactWriteCommand({ TransactItems: [deps.campaigns.creation(one)] }),
    );
  }
  // a went out, d was cancelled.
  expect(await deps.campaigns.dispatch(c.a, new Date(c.a.scheduledAt), 'system:test', [])).toBe(
    true,
  );
  await deps.campaigns.change(
    c.d,
    { ...c.d, status: 'cancelled', cancelledAt: at('02') },
    ['scheduled'],
    { actor: 'sub-mia', action: 'campaign.cancel', at: at('02') },
  );
});

describe('GET /campaigns', () => {
  it('lists a status by scheduled time, newest or oldest first', async () => {
    const scheduled = await list({ status: 'scheduled' });
    expect(scheduled.order).toBe('scheduled');
    expect(ids(scheduled.campaigns)).toEqual(ids([c.e, c.c, c.b]));
    expect(ids((await list({ status: 'scheduled', order: 'oldest' })).campaigns)).toEqual(
      ids([c.b, c.c, c.e]),
    );
    expect(ids((await list({ status: 'dispatched' })).campaigns)).toEqual(['cmp_a']);
    expect((await list({ status: 'dispatched' })).campaigns[0]?.status).toBe('dispatched');
    expect(ids((await list({ status: 'cancelled' })).campaigns)).toEqual(['cmp_d']);
  });

  it('lists every campaign by scheduled time, and a post’s by creation', async () => {
    expect(ids((await list({})).campaigns)).toEqual(ids([c.e, c.d, c.c, c.b, c.a]));
    const ofPost = await list({ postId: 'post_1' });
    expect(ofPost.order).toBe('created');
    expect(ids(ofPost.campaigns)).toEqual(ids([c.e, c.b, c.a]));
    expect(ids((await list({ postId: 'post_1', status: 'scheduled' })).campaigns)).toEqual(
      ids([c.e, c.b]),
    );
  });

  it('reads dates as whole days in the time zone asked for, `to` inclusive', async () => {
    // 3 May in UTC: b (02:00) and c (23:30).
    expect(ids((await list({ from: '2026-05-03', to: '2026-05-03' })).campaigns)).toEqual(
      ids([c.c, c.b]),
    );
    // 3 May in New York is 04:00Z on the 3rd to 04:00Z on the 4th: c only.
    expect(
      ids(
        (await list({ from: '2026-05-03', to: '2026-05-03', timeZone: 'America/New_York' }))
          .campaigns,
      ),
    ).toEqual(ids([c.c]));
    expect(
      ids((await list({ status: 'scheduled', from: '2026-05-02', to: '2026-05-05' })).campaigns),
    ).toEqual(ids([c.c, c.b]));
    // A post's list takes the range as a filter on scheduled time.
    expect(ids((await list({ postId: 'post_1', to: '2026-05-03T12:00:00Z' })).campaigns)).toEqual(
      ids([c.b, c.a]),
    );
    const reversed = await call('mia', { from: '2026-05-04', to: '2026-05-03' });
    expect(reversed.status).toBe(400);
    expect((await call('mia', { from: '2026-02-30' })).status).toBe(400);
    expect((await call('mia', { from: '2026-05-01', timeZone: 'Mars/Base' })).status).toBe(400);
  });

  it('pages through every list finding each campaign exactly once', async () => {
    for (const query of [{}, { status: 'scheduled' }, { postId: 'post_1' }] as Record<
      string,
      string
    >[]) {
      const whole = ids((await list(query)).campaigns);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list({ ...query, limit: '2', ...(cursor ? { cursor } : {}) });
        seen.push(...ids(page.campaigns));
        cursor = page.cursor;
      } while (cursor);
      expect(seen).toEqual(whole);
    }
  });

  it('refuses a forged cursor, or one from another list, with a 400', async () => {
    expect((await call('mia', { cursor: 'eyJ4IjoxfQ' })).status).toBe(400);
    const first = await list({ status: 'scheduled', limit: '1' });
    expect(first.cursor).toBeDefined();
    expect((await call('mia', { status: 'cancelled', cursor: first.cursor ?? '' })).status).toBe(
      400,
    );
  });

  it('is for marketing, legal and admin', async () => {
    expect((await list({}, 'lou')).campaigns).toHaveLength(5);
    expect((await list({}, 'ada')).campaigns).toHaveLength(5);
    expect((await call('eve')).status).toBe(403);
  });
});

describe('the index keys follow every campaign write', () => {
  it('a reschedule moves it in time and keeps it in its post’s list (and the feed’s lookup)', async () => {
    const moved = { ...c.e, scheduledAt: at('02') };
    await deps.campaigns.change(c.e, moved, ['scheduled'], {
      actor: 'sub-mia',
      action: 'campaign.reschedule',
      at: at('01', '13:00'),
    });
    expect(ids((await list({ status: 'scheduled' })).campaigns)).toEqual(ids([c.c, c.b, c.e]));
    expect(ids((await list({ postId: 'post_1' })).campaigns)).toContain('cmp_e');
    expect(ids(await deps.campaigns.ofPost('post_1'))).toContain('cmp_e');
    expect((await list({ from: '2026-05-02', to: '2026-05-02' })).campaigns).toMatchObject([
      { campaignId: 'cmp_e', scheduledAt: at('02') },
    ]);
    // Still due for the dispatcher at its new time.
    expect(ids(await deps.campaigns.findDue(new Date(at('02', '12:01')), 10))).toContain('cmp_e');
  });

  it('a cancel after a reschedule moves it between status lists', async () => {
    const current = await deps.campaigns.get('cmp_b');
    await deps.campaigns.change(
      current,
      { ...current, status: 'cancelled', cancelledAt: at('02') },
      ['scheduled'],
      { actor: 'sub-mia', action: 'campaign.cancel', at: at('02') },
    );
    expect(ids((await list({ status: 'scheduled' })).campaigns)).not.toContain('cmp_b');
    expect(ids((await list({ status: 'cancelled' })).campaigns)).toEqual(ids([c.d, c.b]));
    expect(ids(await deps.campaigns.findDue(new Date(at('09')), 10))).not.toContain('cmp_b');
  });
});
