import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { type RouteDeclaration, routeKey } from '#infra/declaration';
import type { Invoke } from '#infra/local/lambda-runtime';
import { decodePathSegment } from '#shared/text/well-formed';

const MAX_BODY_BYTES = 1024 * 1024;

export interface LocalRoute {
  declaration: RouteDeclaration;
  target: Invoke;
}

/**
 * Runtime-only endpoints under /_local (token, clock, status, the issuer's sign-in pages): no JWT,
 * never in the cloud. A string body goes out as it is (a page), anything else as JSON.
 */
export type LocalControl = (
  method: string,
  path: string,
  body: string,
  request: { query: URLSearchParams; headers: IncomingHttpHeaders },
) => Promise<
  { status: number; body: unknown; headers?: Record<string, string | string[]> } | undefined
>;

/** The answers that are ours, not the gateway's: in the API's own error shape. */
const ourError = (code: string, message: string) => ({ error: { code, message } });

export interface LocalHttpApi {
  url: string;
  stop(): Promise<void>;
}

/**
 * A route's path as a pattern: `{name}` is one segment, `{name+}` (greedy, last) the rest of the
 * path, one segment or more, as API Gateway has them.
 */
const compile = (path: string) => {
  const names: string[] = [];
  const pattern = path.replace(/\{(\w+)(\+?)\}/g, (_, name: string, greedy: string) => {
    names.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { regex: new RegExp(`^${pattern}$`), names, greedy: path.includes('+}') };
};

/** Decoded segment by segment, so an encoded slash stays part of its segment's value. */
const decodeParameter = (raw: string) => raw.split('/').map(decodePathSegment).join('/');

/** API Gateway hands every claim over as a string: `true` becomes "true", arrays "[a b]". */
const flattenClaims = (payload: JWTPayload): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [
      key,
      Array.isArray(value)
        ? `[${value.join(' ')}]`
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value),
    ]),
  );

const readBody = (request: IncomingMessage): Promise<Buffer | 'too large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });

const send = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
};

/**
 * API Gateway HTTP API, locally: matches the declared routes, checks the bearer token as the JWT
 * authorizer would (401 `{"message":"Unauthorized"}` otherwise: the gateway's own answers keep
 * its shape, as in the cloud), sends what no route matches to the `$default` route, and turns the
 * request into a payload-format 2.0 event for the same handler the cloud runs.
 */
export const startLocalHttpApi = async (options: {
  port: number;
  routes: readonly LocalRoute[];
  /** The `$default` route's target: whatever no route matches goes there, without a token. */
  fallback: Invoke;
  verify: (token: string) => Promise<JWTPayload>;
  control: LocalControl;
  log: (line: string) => void;
}): Promise<LocalHttpApi> => {
  // As in API Gateway, a route with a greedy parameter takes only what no other route matches.
  const compiled = options.routes
    .map((route) => ({ route, ...compile(route.declaration.path) }))
    .sort((a, b) => Number(a.greedy) - Number(b.greedy));

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const raw = await readBody(request);
    if (raw === 'too large') return send(response, 413, { message: 'Request Entity Too Large' });
    const body = raw.toString('utf8');

    if (url.pathname.startsWith('/_local/')) {
      const answer = await options.control(method, url.pathname, body, {
        query: url.searchParams,
        headers: request.headers,
      });
      return answer
        ? send(response, answer.status, answer.body, answer.headers)
        : send(response, 404, ourError('not_found', `No local control at ${url.pathname}`));
    }

    let matched: { route: LocalRoute | undefined; params: Record<string, string> } | undefined;
    for (const candidate of compiled) {
      if (candidate.route.declaration.method !== method) continue;
      const match = candidate.regex.exec(url.pathname);
      if (match) {
        // Decoded as API Gateway hands path parameters over; a segment that does not decode
        // goes on as it came, for the handler to refuse (never a crash here).
        const params = Object.fromEntries(
          candidate.names.map((n, i) => [n, decodeParameter(match[i + 1] ?? '')]),
        );
        matched = { route: candidate.route, params };
        break;
      }
    }
    // No route: the `$default` route, public like the cloud's, gets it.
    matched ??= { route: undefined, params: {} };
    const target = matched.route?.target ?? options.fallback;

    // A public route has no authorizer, so its event carries no claims, as in the cloud.
    let claims: JWTPayload | undefined;
    const declaration = matched.route?.declaration;
    if (declaration && !('public' in declaration && declaration.public)) {
      const authorization = request.headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
      try {
        if (!token) throw new Error('no token');
        claims = await options.verify(token);
      } catch {
        return send(response, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
      }
    }

    const key = declaration ? routeKey(declaration) : '$default';
    const now = new Date();
    // As API Gateway does for payload 2.0: the Cookie header arrives as `cookies`, one each.
    const { cookie, ...others } = request.headers;
    const headers = Object.fromEntries(
      Object.entries(others).map(([k, v]) => [
        k.toLowerCase(),
        Array.isArray(v) ? v.join(',') : (v ?? ''),
      ]),
    );
    const cookies = cookie
      ?.split(';')
      .map((pair) => pair.trim())
      .filter(Boolean);
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey: key,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(cookies?.length ? { cookies } : {}),
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      ...(Object.keys(matched.params).length > 0 ? { pathParameters: matched.params } : {}),
      ...(body.length > 0 ? { body } : {}),
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        ...(claims
          ? {
              authorizer: {
                principalId: '',
                integrationLatency: 0,
                jwt: { claims: flattenClaims(claims), scopes: [] },
              },
            }
          : {}),
        domainName: url.host,
        domainPrefix: 'local',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${request.httpVersion}`,
          // The TCP peer, as API Gateway reports it (never a header the caller can write); an IPv4
          // peer on a dual-stack socket shows as ::ffff:a.b.c.d, which API Gateway never sends.
          sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.)/i, ''),
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: key,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
    };
    let result: unknown;
    try {
      result = await target(event);
    } catch (error) {
      options.log(`${key} failed: ${(error as Error).message}`);
      return send(response, 500, { message: 'Internal Server Error' });
    }
    const structured = result as APIGatewayProxyStructuredResultV2 | undefined;
    if (!structured || typeof structured !== 'object' || structured.statusCode === undefined) {
      return send(response, 200, JSON.stringify(result ?? null));
    }
    const outBody = structured.isBase64Encoded
      ? Buffer.from(structured.body ?? '', 'base64')
      : (structured.body ?? '');
    response.writeHead(structured.statusCode, {
      ...(structured.headers as Record<string, string>),
      ...(structured.cookies?.length ? { 'set-cookie': structured.cookies } : {}),
    });
    response.end(outBody);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      options.log(`request failed: ${error.message}`);
      if (!response.headersSent) send(response, 500, { message: 'Internal Server Error' });
    });
  });
  server.keepAliveTimeout = 5000;
  // A port taken between the start-up check and here fails the start, not the process.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
