import type { MiddlewareStack } from '@smithy/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import type { ApiResponse } from '#functions/api/http';
import { redirectClick } from '#functions/click-redirect/redirect';
import { dynamo } from '#shared/aws';
import { apiEvent, callApi } from '../fixtures/api-events';
import { clickDependencies } from '../fixtures/clicks';
import { defineSegment } from '../fixtures/segments';
import { TABLE } from './setup';

/**
 * Input the API cannot use gets a 4xx in our error shape and writes nothing: forged cursors,
 * lone surrogates anywhere text comes in, path values still percent-encoded (or malformed), and
 * ids that cannot exist.
 */
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
  queueShares: async () => {},
};
const legal = { sub: 'bad-input-legal', email: 'legal@acme.example', groups: ['legal'] };
const marketing = { sub: 'bad-input-mkt', email: 'mkt@acme.example', groups: ['marketing'] };
const admin = { sub: 'bad-input-admin', email: 'admin@acme.example', groups: ['admin'] };

let writes = 0;
(dynamo().middlewareStack as MiddlewareStack<any, any>).add(
  (next: any, context: any) => async (args: any) => {
    const result = await next(args);
    if (/^(Put|Update|Delete|TransactWrite|BatchWrite)/.test(context.commandName)) writes += 1;
    return result;
  },
  { step: 'initialize', name: 'badInputWrites' },
);

const errorOf = (response: ApiResponse) =>
  (JSON.parse(String(response.body)) as { error: { code: string; message: string } }).error;

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  await defineSegment(deps.segments, 'sales');
  // Entries in the log for a forged cursor to be aimed at, and for real cursors to page through.
  for (let n = 0; n < 3; n++) {
    const created = await callApi(
      apiEvent('POST /posts', marketing, {
        body: JSON.stringify({ title: 'T', variants: [{ text: 'Text' }], segments: ['sales'] }),
      }),
      deps,
    );
    expect(created.statusCode).toBe(201);
  }
});

describe('forged cursors', () => {
  const FORGED = {
    'a negative day': cursor({ day: -5 }),
    'a day past the range': cursor({ day: 10_000 }),
    'a fractional day': cursor({ day: 0.5 }),
    'a made-up key': cursor({ day: 0, key: { pk: 'x' } }),
    'a key of another partition': cursor({
      day: 0,
      key: { pk: 'POST#x', sk: 'META', gsi3pk: 'AUDIT#DAY#1999-01-01', gsi3sk: 'x' },
    }),
    'a key with a number where text goes': cursor({
      day: 0,
      key: { pk: 1, sk: 2, gsi3pk: 3, gsi3sk: 4 },
    }),
    'a key with extra attributes': cursor({
      day: 0,
      key: { pk: 'a', sk: 'b', gsi3pk: 'c', gsi3sk: 'd', status: 'x' },
    }),
    'not base64 JSON': '%%%',
  };

  for (const [name, value] of Object.entries(FORGED)) {
    it(`GET /audit refuses ${name} with a 400`, async () => {
      const response = await callApi(
        apiEvent('GET /audit', legal, { query: { cursor: value, limit: '1' } }),
        deps,
      );
      expect(response.statusCode, String(response.body)).toBe(400);
      expect(errorOf(response).code).toBe('invalid_request');
    });
  }

  it('GET /audit still pages through every entry with the cursors it hands out', async () => {
    const seen: unknown[] = [];
    let next: string | undefined;
    do {
      const answer = await callApi(
        apiEvent('GET /audit', legal, { query: { limit: '1', ...(next ? { cursor: next } : {}) } }),
        deps,
      );
      expect(answer.statusCode, String(answer.body)).toBe(200);
      const page = JSON.parse(String(answer.body)) as { entries: unknown[]; cursor?: string };
      seen.push(...page.entries);
      next = page.cursor;
    } while (next && seen.length < 50);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});

describe('lone surrogates', () => {
  it('are refused in a JSON body, and nothing is written', async () => {
    const before = writes;
    const response = await callApi(
      apiEvent('POST /posts', marketing, {
        body: '{"title":"\\ud800","variants":[{"text":"Text"}],"segments":["sales"]}',
      }),
      deps,
    );
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).message).toMatch(/unicode/i);
    expect(writes).toBe(before);
  });

  it('are refused in a JSON key, a query value and a path value', async () => {
    const inKey = await callApi(
      apiEvent('POST /posts', marketing, {
        body: '{"title":"T","variants":[{"text":"x","\\udc00":1}]}',
      }),
      deps,
    );
    const inQuery = await callApi(
      apiEvent('GET /audit', legal, { query: { actor: 'a\ud800' } }),
      deps,
    );
    const inPath = await callApi(
      apiEvent('GET /posts/{postId}', marketing, { pathParameters: { postId: 'p\udfff' } }),
      deps,
    );
    for (const response of [inKey, inQuery, inPath]) {
      expect(response.statusCode, String(response.body)).toBe(400);
      expect(errorOf(response).code).toBe('invalid_request');
    }
  });

  it('are refused in a CSV upload', async () => {
    const event = apiEvent('POST /employees/import', admin, {
      body: 'email,name\nx@acme.example,A\ud800\n',
    });
    event.headers = { 'content-type': 'text/csv' };
    const before = writes;
    const response = await callApi(event, deps);
    expect(response.statusCode).toBe(400);
    expect(writes).toBe(before);
  });
});

describe('path values', () => {
  it('a malformed percent-encoding is a 400 in our shape, whoever decoded the path', async () => {
    for (const postId of ['%ff', '%E0%A4%A', 'a%zz']) {
      const response = await callApi(
        apiEvent('GET /posts/{postId}', marketing, { pathParameters: { postId } }),
        deps,
      );
      expect(response.statusCode, postId).toBe(400);
      expect(errorOf(response).code).toBe('invalid_request');
    }
  });

  it('an id that cannot exist is a 404, not a 400', async () => {
    const cases = [
      ['GET /posts/{postId}', marketing, { postId: 'p'.repeat(101) }],
      ['GET /employees/{employeeId}', admin, { employeeId: 'e'.repeat(101) }],
      ['GET /segments/{segmentId}/members', marketing, { segmentId: 'no such segment!' }],
      ['GET /campaigns/{campaignId}', marketing, { campaignId: 'c'.repeat(101) }],
    ] as const;
    for (const [routeKey, who, pathParameters] of cases) {
      const response = await callApi(apiEvent(routeKey, who, { pathParameters }), deps);
      expect(response.statusCode, routeKey).toBe(404);
      expect(errorOf(response).code).toBe('not_found');
    }
  });

  it('the click redirect answers a malformed percent-encoding with a 400 in our shape', async () => {
    const event = apiEvent('GET /l/{code}', undefined, { pathParameters: { code: '%ff' } });
    event.requestContext.http = {
      method: 'GET',
      path: '/l/%ff',
      protocol: 'HTTP/1.1',
      sourceIp: '203.0.113.9',
      userAgent: '',
    };
    const response = await redirectClick(event as never, clickDependencies(TABLE));
    expect(response.statusCode).toBe(400);
    expect(errorOf(response as ApiResponse).code).toBe('invalid_request');
  });
});

describe('unknown routes', () => {
  it('the $default route answers 404 in our shape, signed in or not', async () => {
    for (const who of [marketing, undefined]) {
      const event = apiEvent('$default', who);
      event.rawPath = '/no/such/thing';
      event.requestContext.http = {
        method: 'GET',
        path: '/no/such/thing',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: '',
      };
      const response = await callApi(event, deps);
      expect(response.statusCode).toBe(404);
      expect(errorOf(response).code).toBe('not_found');
    }
  });

  it('a known path with a method it does not take is a 405 naming the ones it does', async () => {
    const event = apiEvent('$default', marketing);
    event.rawPath = '/posts/abc';
    event.requestContext.http = {
      method: 'PATCH',
      path: '/posts/abc',
      protocol: 'HTTP/1.1',
      sourceIp: '203.0.113.9',
      userAgent: '',
    };
    const response = await callApi(event, deps);
    expect(response.statusCode).toBe(405);
    expect(errorOf(response).code).toBe('method_not_allowed');
    expect(response.headers?.allow).toBe('GET, PUT, DELETE');
  });
});
