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
            code: (event as APIGatewayProxyEventV2).pathParameters?.code,
          }),
        }),
      },
    ],
    fallback: async (event) => ({
      statusCode: 404,
      body: JSON.stringify({ routeKey: (event as APIGatewayProxyEventV2).routeKey }),
    }),
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
    expect(await response.json()).toMatchObject({ sourceIp: '127.0.0.1' });
  });

  it('hands path parameters over decoded, and one that does not decode as it came', async () => {
    const decoded = await fetch(`${api.url}/l/%41%42c`);
    expect(await decoded.json()).toMatchObject({ code: 'ABc' });
    const undecodable = await fetch(`${api.url}/l/%ff`);
    expect(undecodable.status).toBe(200);
    expect(await undecodable.json()).toMatchObject({ code: '%ff' });
  });

  it('sends what no route matches to the $default route', async () => {
    const response = await fetch(`${api.url}/nothing/here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ routeKey: '$default' });
  });
});
