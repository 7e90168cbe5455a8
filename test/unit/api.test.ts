import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import type { ApiEvent } from '#functions/api/http';
import { apiRoutes } from '#functions/api/router';
import { routeKey, routes } from '#infra/declaration';
import { publishEvents } from '#shared/events/publisher';
import { sendShareJobs } from '#shared/queue/share-queue';
import { apiEvent, callApi } from '../fixtures/api-events';
import { content, draftPost, T0 } from '../fixtures/posts';

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

/** The routes the API function serves; tracked links have a function of their own. */
const apiServed = routes.filter((r) => r.function === 'api');
const deps = createApiDependencies({ TABLE_NAME: 'chorus' });

const request = (
  key: string,
  groups: string,
  body?: string,
  pathParameters?: Record<string, string>,
): ApiEvent =>
  apiEvent(
    key,
    { sub: 'u1', email: 'u1@acme.example', groups: groups.replace(/^\[|\]$/g, '').split(' ') },
    { ...(body === undefined ? {} : { body }), ...(pathParameters ? { pathParameters } : {}) },
  );

const call = (event: ApiEvent) => callApi(event, deps);
const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? '{}');

describe('API routing', () => {
  it('serves exactly the routes the wiring declares', () => {
    expect(Object.keys(apiRoutes).sort()).toEqual(apiServed.map(routeKey).sort());
  });

  it('refuses a caller without the route’s role with 403', async () => {
    const response = await call(request('POST /posts', '[employee]', '{}'));
    expect(response.statusCode).toBe(403);
  });

  it('refuses a request without claims with 401', async () => {
    expect((await call(apiEvent('POST /posts', undefined))).statusCode).toBe(401);
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
        JSON.stringify({ title: 3, variants: [{ text: 'x' }], segments: ['s'], colour: 'red' }),
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

  it('turns a lost race on the post into 409, not 500, and announces nothing', async () => {
    const post = draftPost({}, 'u1');
    dynamo.on(GetCommand).resolves({ Item: { pk: 'POST#p1', sk: 'POST', ...post } });
    // The only query: the defined segments, which the post's target is one of.
    const sales = {
      segmentId: 'sales',
      name: 'Sales',
      updatedBy: 'admin',
      updatedAt: T0.toISOString(),
    };
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [{ pk: 'SEGMENTS', sk: 'SEGMENT#sales', ...sales }] });
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    const response = await call(
      request('POST /posts/{postId}/submit', '[marketing]', undefined, { postId: 'post_1' }),
    );
    expect(response.statusCode).toBe(409);
    expect(events.calls()).toHaveLength(0);
  });

  it('answers an Idempotency-Key reused for another request with 422', async () => {
    dynamo
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    dynamo.on(GetCommand).resolves({ Item: { requestHash: 'another', state: 'done' } });
    const event = request('POST /posts', '[marketing]', JSON.stringify(content()));
    event.headers = { 'idempotency-key': 'k1' };
    const response = await call(event);
    expect(response.statusCode).toBe(422);
  });

  it('serves its OpenAPI 3.1 description without sign-in, covering every route', async () => {
    const response = await call(apiEvent('GET /openapi.json', undefined));
    expect(response.statusCode).toBe(200);
    const document = bodyOf(response);
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths as Record<string, object>).flatMap(
      ([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(apiServed.map(routeKey).sort());
    const create = document.paths['/posts'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['title', 'variants', 'segments']),
    );
    expect(create.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    expect(Object.keys(document.paths['/posts/{postId}/approve'].post.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409']),
    );
  });

  it('documents both error shapes: ours, and the gateway’s own {"message"} answers', async () => {
    const document = bodyOf(await call(apiEvent('GET /openapi.json', undefined)));
    expect(document.components.schemas.GatewayError.required).toEqual(['message']);
    expect(document.components.schemas.Error.properties.error.required).toEqual(
      expect.arrayContaining(['code', 'message']),
    );
    const shapes = (response: { content: Record<string, { schema: object }> }) =>
      JSON.stringify(response.content['application/json']?.schema);
    const get = document.paths['/posts/{postId}'].get.responses;
    // The authorizer's 401 is the gateway's; a token the API itself refuses gets ours.
    expect(shapes(get['401'])).toContain('GatewayError');
    expect(shapes(get['401'])).toContain('#/components/schemas/Error');
    for (const status of ['413', '429', '503']) {
      expect(shapes(get[status]), status).toContain('GatewayError');
    }
    expect(shapes(get['404'])).toContain('#/components/schemas/Error');
    expect(document.info.description).toMatch(/\$default/);
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
        {
          detailType: 'PostRejected',
          detail: { postId: 'p', version: 1, from: 'in_review', to: 'rejected', actor: 'u' },
        },
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
      Array.from({ length: 15 }, (_, i) => ({ job: job(i) })),
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
    await expect(sendShareJobs('https://queue', [{ job: job(1) }])).rejects.toThrow(
      /refused 1 share job/,
    );
  });
});
