import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import type { ApiEvent } from '#functions/api/http';
import { toResponse } from '#functions/api/http-errors';
import { apiRoutes, routeRequest } from '#functions/api/router';
import { routeKey, routes } from '#infra/declaration';
import { publishEvents } from '#shared/events/publisher';
import { sendShareJobs } from '#shared/queue/share-queue';

const dynamo = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);

beforeAll(() => {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
  });
});
afterEach(() => {
  dynamo.reset();
  events.reset();
  sqs.reset();
});

const deps = createApiDependencies({ TABLE_NAME: 'chorus', EVENT_BUS_NAME: 'chorus' });

const request = (
  key: string,
  groups: string,
  body?: string,
  pathParameters?: Record<string, string>,
): ApiEvent =>
  ({
    routeKey: key,
    body,
    pathParameters,
    isBase64Encoded: false,
    requestContext: {
      authorizer: {
        jwt: {
          claims: { sub: 'u1', email: 'u1@acme.example', 'cognito:groups': groups },
          scopes: [],
        },
      },
    },
  }) as unknown as ApiEvent;

const call = async (event: ApiEvent) => {
  try {
    return await routeRequest(event, deps);
  } catch (error) {
    return toResponse(error);
  }
};
const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? '{}');

describe('API routing', () => {
  it('serves exactly the routes the wiring declares', () => {
    expect(Object.keys(apiRoutes).sort()).toEqual(routes.map(routeKey).sort());
  });

  it('refuses a caller without the route’s role with 403', async () => {
    const response = await call(request('POST /posts', '[employee]', '{}'));
    expect(response.statusCode).toBe(403);
  });

  it('refuses a request without claims with 401', async () => {
    const event = {
      ...request('POST /posts', '[marketing]'),
      requestContext: {},
    } as unknown as ApiEvent;
    expect((await call(event)).statusCode).toBe(401);
  });

  it('answers malformed JSON with 400 and writes nothing', async () => {
    const response = await call(request('POST /posts', '[marketing]', '{"title": '));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.fields).toEqual([{ field: '(body)', message: 'malformed JSON' }]);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('names each bad and unknown field', async () => {
    const response = await call(
      request(
        'POST /posts',
        '[marketing]',
        JSON.stringify({ title: 3, copy: 'x', segment: 's', colour: 'red' }),
      ),
    );
    expect(response.statusCode).toBe(400);
    expect(
      bodyOf(response)
        .error.fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['colour', 'title']);
  });

  it('answers an unknown post with 404', async () => {
    dynamo.on(GetCommand).resolves({});
    const response = await call(
      request('GET /posts/{postId}', '[marketing]', undefined, { postId: 'nope' }),
    );
    expect(response.statusCode).toBe(404);
  });

  it('turns a lost race on the post into 409, not 500', async () => {
    const post = {
      postId: 'p1',
      version: 1,
      status: 'draft',
      authorId: 'u1',
      title: 'T',
      copy: 'C',
      topics: [],
      segment: 's',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    dynamo.on(GetCommand).resolves({ Item: { pk: 'POST#p1', sk: 'POST', ...post } });
    dynamo
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    const response = await call(
      request('POST /posts/{postId}/submit', '[marketing]', undefined, { postId: 'p1' }),
    );
    expect(response.statusCode).toBe(409);
    expect(events.calls()).toHaveLength(0);
  });

  it('answers an unexpected SDK failure with a generic 500 that leaks nothing', async () => {
    dynamo.on(GetCommand).rejects(new Error('socket hang up to secret-host'));
    const response = await call(
      request('GET /posts/{postId}', '[marketing]', undefined, { postId: 'p1' }),
    );
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret-host');
  });
});

describe('event publishing', () => {
  it('treats entries EventBridge refused as an error, so the caller retries', async () => {
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
    });
    await expect(
      publishEvents('chorus', [
        { detailType: 'PostRejected', detail: { postId: 'p', version: 1, rejectedBy: 'u' } },
      ]),
    ).rejects.toThrow(/ThrottlingException/);
  });

  it('refuses an event whose detail does not match the catalogue before sending it', async () => {
    await expect(
      publishEvents('chorus', [{ detailType: 'PostRejected', detail: { postId: 'p' } as never }]),
    ).rejects.toThrow();
    expect(events.calls()).toHaveLength(0);
  });
});

describe('share queue', () => {
  const job = (n: number) => ({
    shareId: `s${n}`,
    campaignId: 'c',
    postId: 'p',
    employeeId: `e${n}`,
    network: 'sandbox' as const,
  });

  it('sends ten jobs a call and re-sends only the entries SQS refused', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [],
        Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false }],
      })
      .resolves({ Successful: [], Failed: [] });
    const sent = await sendShareJobs(
      'https://queue',
      Array.from({ length: 15 }, (_, i) => job(i)),
    );
    expect(sent).toBe(15);
    const sizes = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((c) => c.args[0].input.Entries?.length);
    expect(sizes.sort()).toEqual([1, 10, 5].sort());
  });

  it('gives up with an error when SQS keeps refusing', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }],
    });
    await expect(sendShareJobs('https://queue', [job(1)])).rejects.toThrow(/refused 1 share job/);
  });
});
