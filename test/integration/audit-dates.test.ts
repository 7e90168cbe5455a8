import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { apiEvent, callApi } from '../fixtures/api-events';
import { TABLE } from './setup';

/** `GET /audit` takes dates: each a whole day in the request's time zone (UTC unless named). */
const deps = createApiDependencies({ TABLE_NAME: TABLE });
const search = (query: Record<string, string>) =>
  callApi(
    apiEvent(
      'GET /audit',
      { sub: 'sub-lou', email: 'lou@acme.example', groups: ['legal'] },
      { query },
    ),
    deps,
  ).then((response) => ({ status: response.statusCode, body: JSON.parse(response.body ?? '{}') }));

const step = (at: string, n: number) => ({
  at,
  actor: 'sub-mia',
  action: 'post.edit',
  subject: { postId: 'post_dates' },
  before: null,
  after: { n },
});

beforeAll(async () => {
  await deps.audit.commit({
    stream: 'post#post_dates',
    records: [
      step('2026-03-02T00:00:00.000Z', 1),
      step('2026-03-02T23:30:00.000Z', 2),
      step('2026-03-03T00:30:00.000Z', 3),
    ],
  });
});

const seen = (body: { entries: { after: { n: number } }[] }) => body.entries.map((e) => e.after.n);

describe('GET /audit with dates', () => {
  it('reads a date as the whole day in UTC, `to` inclusive', async () => {
    const day = await search({ from: '2026-03-02', to: '2026-03-02' });
    expect(day.status, JSON.stringify(day.body)).toBe(200);
    expect(seen(day.body)).toEqual([1, 2]);
    expect(day.body.to).toBe('2026-03-02T23:59:59.999Z');
  });

  it('reads it in the time zone asked for', async () => {
    // 3 March in Berlin (UTC+1) starts at 23:00Z on the 2nd.
    const day = await search({ from: '2026-03-03', to: '2026-03-03', timeZone: 'Europe/Berlin' });
    expect(seen(day.body)).toEqual([2, 3]);
  });

  it('still takes instants, and refuses what is neither', async () => {
    const exact = await search({ from: '2026-03-02T23:00:00Z', to: '2026-03-03T01:00:00+00:00' });
    expect(seen(exact.body)).toEqual([2, 3]);
    expect((await search({ from: '2026-03-32' })).status).toBe(400);
    expect((await search({ from: '2026-03-02', timeZone: 'Nowhere/City' })).status).toBe(400);
  });
});
