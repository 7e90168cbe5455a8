import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#infra/declaration';
import { type LocalHttpApi, startLocalHttpApi } from '#infra/local/http-api';

const clickRoute = routes.find((r) => r.method === 'GET' && r.path === '/l/{code}');
const consoleRoutes = routes.filter((r) => r.function === 'console');
let api: LocalHttpApi;

/** Echoes which route took the request and the path parameters it was handed. */
const echo = async (event: unknown) => {
  const { routeKey, pathParameters } = event as APIGatewayProxyEventV2;
  return { statusCode: 200, body: JSON.stringify({ routeKey, pathParameters }) };
};

beforeAll(async () => {
  if (!clickRoute) throw new Error('no GET /l/{code} route declared');
  api = await startLocalHttpApi({
    port: 0,
    // Echoes what the handler would be told about the reader.
    routes: [
      // Declared first on purpose: the greedy route must still leave /l/{code} its own requests.
      ...consoleRoutes.map((declaration) => ({ declaration, target: echo })),
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

  it('matches greedy path parameters as API Gateway does: the rest of the path, never nothing', async () => {
    expect(consoleRoutes.map((r) => r.path).sort()).toEqual(['/console', '/console/{path+}']);
    const of = async (path: string) => (await fetch(`${api.url}${path}`)).json();
    expect(await of('/console')).toEqual({ routeKey: 'GET /console' });
    expect(await of('/console/reviews/123')).toEqual({
      routeKey: 'GET /console/{path+}',
      pathParameters: { path: 'reviews/123' },
    });
    expect(await of('/console/assets/main-ABC.js')).toMatchObject({
      pathParameters: { path: 'assets/main-ABC.js' },
    });
    expect(await of('/console/caf%C3%A9/x')).toMatchObject({ pathParameters: { path: 'café/x' } });
    // A greedy parameter takes one segment at least, and other routes keep theirs.
    expect(await of('/consoles/x')).toEqual({ routeKey: '$default' });
    expect(await of('/l/AAAAAAAAAA')).toMatchObject({ code: 'AAAAAAAAAA' });
  });

  it('sends what no route matches to the $default route', async () => {
    const response = await fetch(`${api.url}/nothing/here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ routeKey: '$default' });
  });
});
