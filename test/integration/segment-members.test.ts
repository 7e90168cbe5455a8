import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { MEMBERS_READ_PER_SHARD } from '#functions/api/routes/segments';
import { DIRECTORY_SHARDS } from '#shared/store/employees';
import { apiEvent, callApi } from '../fixtures/api-events';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { directoryQueries } from '../fixtures/watched-queries';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const marketer = { sub: 'user-mia', email: 'mia@members.acme.example', groups: ['marketing'] };

/** The directory reads each request makes. */
const directory = directoryQueries();

let arranged: Arranged;
beforeAll(async () => {
  arranged = await arrangeCampaign(
    {
      table: TABLE,
      posts: deps.posts,
      campaigns: deps.campaigns,
      segments: deps.segments,
    },
    { count: 7 },
  );
});

describe('GET /segments/{segmentId}/members', () => {
  it('reads a bounded part of the directory, and says the count is exact when it read it all', async () => {
    const { result: response, queries } = await directory.during(() =>
      callApi(
        apiEvent('GET /segments/{segmentId}/members', marketer, {
          pathParameters: { segmentId: arranged.segmentId },
          query: { limit: '3' },
        }),
        deps,
      ),
    );
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body ?? '{}');
    expect(body).toMatchObject({ segmentId: arranged.segmentId, count: 7, complete: true });
    expect(body.members).toHaveLength(3);
    const names = arranged.people.map((p) => p.name).sort((a, b) => a.localeCompare(b));
    expect(body.members.map((m: { name: string }) => m.name)).toEqual(names.slice(0, 3));
    // One query per shard, each with a limit: the request's work does not grow with the directory.
    expect(queries).toHaveLength(DIRECTORY_SHARDS);
    expect(queries.every((q) => q.limit === MEMBERS_READ_PER_SHARD)).toBe(true);
  });
});
