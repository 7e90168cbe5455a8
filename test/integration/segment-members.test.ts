import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { MEMBERS_READ_PER_SHARD } from '#functions/api/routes/segments';
import { dynamo } from '#shared/aws';
import { DIRECTORY_SHARDS } from '#shared/store/employees';
import { apiEvent, callApi } from '../fixtures/api-events';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const marketer = { sub: 'user-mia', email: 'mia@members.acme.example', groups: ['marketing'] };

/** The items each directory query of a request may return (its Limit), while `watching`. */
let watching = false;
const directoryLimits: (number | undefined)[] = [];
dynamo().middlewareStack.add(
  (next, context) => async (args) => {
    const input = args.input as {
      ExpressionAttributeValues?: Record<string, unknown>;
      Limit?: number;
    };
    const pk = input.ExpressionAttributeValues?.[':pk'];
    if (watching && context.commandName === 'QueryCommand' && String(pk).startsWith('DIRECTORY#')) {
      directoryLimits.push(input.Limit);
    }
    return next(args);
  },
  { step: 'initialize', name: 'watchDirectoryReads' },
);

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
    watching = true;
    const response = await callApi(
      apiEvent('GET /segments/{segmentId}/members', marketer, {
        pathParameters: { segmentId: arranged.segmentId },
        query: { limit: '3' },
      }),
      deps,
    );
    watching = false;
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body ?? '{}');
    expect(body).toMatchObject({ segmentId: arranged.segmentId, count: 7, complete: true });
    expect(body.members).toHaveLength(3);
    const names = arranged.people.map((p) => p.name).sort((a, b) => a.localeCompare(b));
    expect(body.members.map((m: { name: string }) => m.name)).toEqual(names.slice(0, 3));
    // One query per shard, each with a limit: the request's work does not grow with the directory.
    expect(directoryLimits).toHaveLength(DIRECTORY_SHARDS);
    expect(directoryLimits.every((l) => l === MEMBERS_READ_PER_SHARD)).toBe(true);
  });
});
