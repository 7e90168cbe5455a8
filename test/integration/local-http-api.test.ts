import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#infra/declaration';
import { type LocalHttpApi, startLocalHttpApi } from '#infra/local/http-api';

const clickRoute = routes.find((r) => r.method === 'GET' && r.path === '/l/{code}');
let api: LocalHttpApi;

beforeAll(async () => {
  if (!clickRoute) throw new Error('no GET /l/{code} route declared');
  api = await startLocalHttpApi({
    port: 0,
    // Echoes what the handler would be told about the reader.
    routes: [
      {
        declaration: clickRoute,
        target: async (event) => ({
          statusCode: 200,
          body: JSON.stringify({
            sourceIp: (event as APIGatewayProxyEventV2).requestContext.http.sourceIp,
          }),
        }),
      },
    ],
    verify: () => Promise.reject(new Error('no tokens here')),
    control: async () => undefined,
    log: () => {},
  });
});

afterAll(() => api.stop());

describe('the local HTTP API', () => {
  it('gives the handler the TCP peer as sourceIp, whatever forwarding headers the caller sends', async () => {
    const response = await fetch(`${api.url}/l/AAAAAAAAAA`, {
      headers: { 'x-forwarded-for': '203.0.113.77', forwarded: 'for=203.0.113.78' },
    });
    expect(await response.json()).toEqual({ sourceIp: '127.0.0.1' });
  });
});
