import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { MEMBERS_READ_PER_SHARD } from '#functions/api/routes/segments';
import { DIRECTORY_SHARDS } from '#shared/store/employees';
import { apiEvent, callApi } from '../fixtures/api-events';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { directoryQueries } from '../fixtures/watched-queries';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const admin = { sub: 'user-ada', email: 'ada@preview.acme.example', groups: ['admin'] };
const marketer = { sub: 'user-mia', email: 'mia@preview.acme.example', groups: ['marketing'] };
const directory = directoryQueries();

let arranged: Arranged;
beforeAll(async () => {
  arranged = await arrangeCampaign(
    { table: TABLE, posts: deps.posts, campaigns: deps.campaigns, segments: deps.segments },
    { count: 5 },
  );
});

const preview = (body: unknown, caller = marketer, limit?: string) =>
  callApi(
    apiEvent('POST /segments/preview', caller, {
      body: JSON.stringify(body),
      ...(limit ? { query: { limit } } : {}),
    }),
    deps,
  );
const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? '{}');

describe('POST /segments/preview: who an unsaved definition would hold', () => {
  it('answers a rule as the saved segment’s members route does, from the same bounded read', async () => {
    const rule = { all: [{ attribute: 'department', in: [arranged.department.toUpperCase()] }] };
    const { result: previewed, queries } = await directory.during(() =>
      preview({ rule }, marketer, '2'),
    );
    expect(previewed.statusCode).toBe(200);
    const saved = await callApi(
      apiEvent('GET /segments/{segmentId}/members', marketer, {
        pathParameters: { segmentId: arranged.segmentId },
        query: { limit: '2' },
      }),
      deps,
    );
    const { segmentId, ...members } = bodyOf(saved);
    expect(segmentId).toBe(arranged.segmentId);
    expect(bodyOf(previewed)).toEqual(members);
    expect(members).toMatchObject({ count: 5, complete: true });
    expect(queries).toHaveLength(DIRECTORY_SHARDS);
    expect(queries.every((q) => q.limit === MEMBERS_READ_PER_SHARD)).toBe(true);
  });

  it('counts a list of members by email, and a rule nobody matches as none', async () => {
    const [first, second] = arranged.people;
    const listed = await preview({ members: [first?.email, second?.email.toUpperCase()] }, admin);
    expect(listed.statusCode).toBe(200);
    expect(bodyOf(listed)).toMatchObject({ count: 2, complete: true });
    const nobody = await preview({ rule: { all: [{ attribute: 'location', in: ['Atlantis'] }] } });
    expect(bodyOf(nobody)).toEqual({ count: 0, complete: true, members: [] });
  });

  it('refuses a list with emails nobody in the directory holds, naming every one', async () => {
    const known = arranged.people[0]?.email;
    const response = await preview(
      { members: [known, 'ghost.one@preview.acme.example', 'ghost.two@preview.acme.example'] },
      admin,
    );
    expect(response.statusCode).toBe(400);
    const { error } = bodyOf(response);
    expect(error.fields).toEqual([
      { field: 'members.1', message: expect.stringContaining('ghost.one@preview.acme.example') },
      { field: 'members.2', message: expect.stringContaining('ghost.two@preview.acme.example') },
    ]);
  });

  it('refuses what is not a rule or a list, and is not for legal', async () => {
    expect(
      (await preview({ rule: { all: [{ attribute: 'salary', in: ['1'] }] } })).statusCode,
    ).toBe(400);
    expect((await preview({ rule: { all: [] }, members: ['a@b.example'] })).statusCode).toBe(400);
    const legal = { sub: 'user-lou', email: 'lou@preview.acme.example', groups: ['legal'] };
    expect((await preview({ rule: { all: [] } }, legal)).statusCode).toBe(403);
  });
});

describe('PUT /segments/{segmentId} with a list of members', () => {
  it('refuses unknown emails with the list of them, and saves nothing', async () => {
    const known = arranged.people[0]?.email;
    const put = (members: unknown[]) =>
      callApi(
        apiEvent('PUT /segments/{segmentId}', admin, {
          pathParameters: { segmentId: 'listed-people' },
          body: JSON.stringify({ name: 'Listed people', members }),
        }),
        deps,
      );
    const refused = await put([known, 'nobody@preview.acme.example', 'NoOne@preview.acme.example']);
    expect(refused.statusCode).toBe(400);
    const { error } = bodyOf(refused);
    expect(error.message).toContain('2 emails');
    expect(error.fields.map((f: { message: string }) => f.message)).toEqual([
      expect.stringContaining('nobody@preview.acme.example'),
      expect.stringContaining('noone@preview.acme.example'),
    ]);
    expect(await deps.segments.find('listed-people')).toBeUndefined();

    const saved = await put([known]);
    expect(saved.statusCode).toBe(200);
    expect((await deps.segments.get('listed-people')).members).toEqual([known]);
  });
});
