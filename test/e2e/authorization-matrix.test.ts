import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRoute, routeKey, routes } from '#infra/declaration';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '#infra/local/issuer';
import { ROLES, type Role } from '#shared/auth/roles';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * Who gets what from every route: each role, and anyone whose token is missing, expired or from
 * another issuer (`outsider`, one column: the gateway refuses all three alike). A caller a route
 * admits sends it an empty request for an id that does not exist, so the answer is the route's
 * own 400 or 404 — proof the caller got past authorization — or its 200 for a read that needs no
 * input. Adding a route to infra/declaration.ts without a row here fails the first test below.
 */
type Row = Record<Role | 'outsider', number>;
const only = (statuses: Partial<Row>): Row => ({
  marketing: 403,
  legal: 403,
  employee: 403,
  admin: 403,
  outsider: 401,
  ...statuses,
});
const everyone = (status: number): Row => ({
  marketing: status,
  legal: status,
  employee: status,
  admin: status,
  outsider: status,
});

const MATRIX: Record<string, Row> = {
  'GET /posts': only({ marketing: 200, legal: 200, admin: 200 }),
  'POST /posts': only({ marketing: 400, admin: 400 }),
  'GET /posts/{postId}': only({ marketing: 404, legal: 404, admin: 404 }),
  'PUT /posts/{postId}': only({ marketing: 400, admin: 400 }),
  'DELETE /posts/{postId}': only({ marketing: 404, admin: 404 }),
  'GET /posts/{postId}/versions': only({ marketing: 404, legal: 404, admin: 404 }),
  'GET /posts/{postId}/diff': only({ marketing: 404, legal: 404, admin: 404 }),
  'POST /posts/{postId}/submit': only({ marketing: 404, admin: 404 }),
  'POST /posts/{postId}/withdraw': only({ marketing: 400, legal: 400, admin: 400 }),
  'POST /posts/{postId}/approve': only({ marketing: 404, legal: 404 }),
  'POST /posts/{postId}/reject': only({ marketing: 400, legal: 400 }),
  'POST /posts/{postId}/request-changes': only({ marketing: 400, legal: 400 }),
  'GET /posts/{postId}/approvals': only({ marketing: 404, legal: 404, admin: 404 }),
  'GET /posts/{postId}/review': only({ marketing: 404, legal: 404, admin: 404 }),
  'GET /posts/{postId}/comments': only({ marketing: 404, legal: 404, admin: 404 }),
  'POST /posts/{postId}/comments': only({ marketing: 400, legal: 400, admin: 400 }),
  'GET /posts/{postId}/analytics': only({ marketing: 404, admin: 404 }),
  'PUT /posts/{postId}/reviewers': only({ admin: 400 }),
  'GET /reviews': only({ marketing: 200, legal: 200, admin: 400 }),
  'GET /library': only({ employee: 200 }),
  'GET /policies/approval': only({ marketing: 200, legal: 200, admin: 200 }),
  'PUT /policies/approval': only({ admin: 400 }),
  'GET /policies/approval/versions': only({ legal: 200, admin: 200 }),
  'GET /policies/compliance': only({ marketing: 200, legal: 200, admin: 200 }),
  'PUT /policies/compliance': only({ legal: 400 }),
  'GET /policies/compliance/versions': only({ legal: 200, admin: 200 }),
  'POST /policies/compliance/impact': only({ legal: 400, admin: 400 }),
  'POST /policies/compliance/dry-run': only({ legal: 400, admin: 400 }),
  'GET /policies/sharing': only({ marketing: 200, legal: 200, admin: 200 }),
  'PUT /policies/sharing': only({ admin: 400 }),
  'GET /policies/sharing/versions': only({ legal: 200, admin: 200 }),
  'GET /policies/engagement': only({ marketing: 200, admin: 200 }),
  'PUT /policies/engagement': only({ admin: 400 }),
  'GET /policies/engagement/versions': only({ marketing: 200, admin: 200 }),
  'GET /policies/recognition': only({ employee: 200, marketing: 200, admin: 200 }),
  'PUT /policies/recognition': only({ admin: 400 }),
  'GET /policies/recognition/versions': only({ marketing: 200, admin: 200 }),
  'GET /leaderboards': only({ employee: 200, marketing: 200, admin: 200 }),
  'GET /leaderboards/teams': only({ employee: 200, marketing: 200, admin: 200 }),
  'POST /recognition/thanks': only({ marketing: 400, admin: 400 }),
  'GET /me/recognition': only({ employee: 200 }),
  'GET /analytics': only({ marketing: 200, admin: 200 }),
  // No body is the default scope (the last 30 days): the report's job starts.
  'POST /analytics/reports': only({ marketing: 202, admin: 202 }),
  'GET /analytics/reports/{jobId}': only({ marketing: 404, admin: 404 }),
  'GET /me/stats': only({ employee: 200 }),
  'POST /compliance/check': only({ marketing: 400, legal: 400, employee: 400, admin: 400 }),
  'PUT /me/personalisations/{postId}/{network}': only({ employee: 400 }),
  'GET /reviews/personalisations': only({ legal: 200 }),
  'POST /reviews/personalisations/{personalisationId}/approve': only({ legal: 404 }),
  'POST /reviews/personalisations/{personalisationId}/reject': only({ legal: 404 }),
  'GET /audit': only({ legal: 200, admin: 200 }),
  'GET /audit/verify': only({ legal: 400, admin: 400 }),
  'GET /campaigns': only({ marketing: 200, legal: 200, admin: 200 }),
  'POST /campaigns': only({ marketing: 400, admin: 400 }),
  'POST /campaigns/preview': only({ marketing: 400, admin: 400 }),
  'GET /campaigns/{campaignId}': only({ marketing: 404, legal: 404, admin: 404 }),
  'POST /campaigns/{campaignId}/cancel': only({ marketing: 404, admin: 404 }),
  'PUT /campaigns/{campaignId}/schedule': only({ marketing: 400, admin: 400 }),
  'GET /employees': only({ admin: 200 }),
  'POST /employees': only({ admin: 400 }),
  // No body opens an import waiting for its parts: a job, answered at once.
  'POST /employees/import': only({ admin: 202 }),
  'GET /employees/{employeeId}': only({ admin: 404 }),
  'PATCH /employees/{employeeId}': only({ admin: 404 }),
  'PUT /employees/{employeeId}/status': only({ admin: 400 }),
  'GET /jobs/{jobId}': only({ marketing: 404, legal: 404, admin: 404 }),
  'PUT /jobs/{jobId}/parts/{part}': only({ admin: 400 }),
  'POST /jobs/{jobId}/start': only({ admin: 404 }),
  'GET /segments': only({ marketing: 200, legal: 200, admin: 200 }),
  'POST /segments/preview': only({ marketing: 400, admin: 400 }),
  'PUT /segments/{segmentId}': only({ marketing: 400, admin: 400 }),
  'GET /segments/{segmentId}/members': only({ marketing: 404, admin: 404 }),
  'GET /me': only({ employee: 200 }),
  'PUT /me/consent': only({ employee: 200 }),
  'POST /me/leave': only({ employee: 200 }),
  'POST /me/join': only({ employee: 200 }),
  'PUT /me/connections/{network}': only({ employee: 400 }),
  'POST /me/connections/{network}/authorize': only({ employee: 422 }),
  'GET /oauth/{network}/callback': everyone(400),
  'DELETE /me/connections/{network}': only({ employee: 404 }),
  'GET /me/connections': only({ employee: 200 }),
  'GET /me/feed': only({ employee: 200 }),
  'POST /me/shares': only({ employee: 400 }),
  'POST /me/feed/{campaignId}/decline': only({ employee: 404 }),
  'GET /shares': only({ marketing: 400, admin: 400 }),
  'POST /shares/{shareId}/resolve': only({ marketing: 400, admin: 400 }),
  'GET /l/{code}': everyone(404),
  'HEAD /l/{code}': everyone(404),
  'GET /openapi.json': everyone(200),
  // The console's page and files: the same for everyone; its API calls carry the token.
  'GET /console': everyone(200),
  'GET /console/{path+}': everyone(200),
};

/** Ids no one created, shaped as the route expects, so an admitted caller meets a 404 or 400. */
const PATH_VALUES: Record<string, string> = {
  postId: 'post-nobody-made',
  network: 'sandbox',
  personalisationId: 'personalisation-nobody-made',
  campaignId: 'campaign-nobody-made',
  employeeId: 'employee-nobody-made',
  segmentId: 'segment-nobody-made',
  jobId: 'job-nobody-made',
  part: '1',
  code: 'nocode00',
  path: 'reviews/post-nobody-made',
};
const pathOf = (path: string) =>
  path.replace(/\{(\w+)\+?\}/g, (_, name: string) => PATH_VALUES[name] ?? 'x');

let runtime: RunningRuntime;
const tokens = new Map<Role | 'expired' | 'foreign' | 'none', string | undefined>();

/** Signed with the runtime's own key and issuer, but an hour past its expiry. */
const expiredToken = async (dataDir: string) => {
  const stored = JSON.parse(readFileSync(join(dataDir, 'issuer-keys.json'), 'utf8')) as {
    kid: string;
    privateJwk: JWK;
  };
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ 'cognito:groups': ['admin'], email: 'late@chorus.local' })
    .setProtectedHeader({ alg: 'RS256', kid: stored.kid })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject('local-late@chorus.local')
    .setIssuedAt(now - 9 * 3600)
    .setExpirationTime(now - 3600)
    .sign(await importJWK(stored.privateJwk, 'RS256'));
};

/** Well-formed and unexpired, claiming every role, but signed by someone else's key. */
const foreignToken = async () => {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ 'cognito:groups': [...ROLES], email: 'mallory@elsewhere.example' })
    .setProtectedHeader({ alg: 'RS256', kid: 'elsewhere' })
    .setIssuer('https://issuer.elsewhere.example')
    .setAudience(LOCAL_AUDIENCE)
    .setSubject('mallory')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
};

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  for (const role of ROLES) {
    const answer = await fetch(`${runtime.apiUrl}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role, email: `${role}-matrix@chorus.local` }),
    });
    tokens.set(role, ((await answer.json()) as { token: string }).token);
  }
  // The employee column is someone in the directory; a stranger with the role gets 403 from /me.
  const joined = await fetch(`${runtime.apiUrl}/employees`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.get('admin')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'employee-matrix@chorus.local', name: 'Matrix Employee' }),
  });
  expect(joined.status).toBe(201);
  tokens.set('expired', await expiredToken(runtime.dataDir));
  tokens.set('foreign', await foreignToken());
  tokens.set('none', undefined);
});

afterAll(async () => {
  await runtime?.stop();
});

describe('the authorization matrix', () => {
  it('has exactly one row per declared route', () => {
    const declared = routes.map(routeKey).sort();
    expect(Object.keys(MATRIX).sort()).toEqual(declared);
  });

  it('answers every route × caller as the matrix says', async () => {
    const callers = [...ROLES, 'expired', 'foreign', 'none'] as const;
    const wrong: string[] = [];
    for (const route of routes) {
      const key = routeKey(route);
      const row = MATRIX[key];
      if (!row) continue;
      await Promise.all(
        callers.map(async (caller) => {
          const token = tokens.get(caller);
          const answer = await fetch(`${runtime.apiUrl}${pathOf(route.path)}`, {
            method: route.method,
            redirect: 'manual',
            headers: token ? { authorization: `Bearer ${token}` } : {},
          });
          const expected = caller in row ? row[caller as Role] : row.outsider;
          if (answer.status !== expected) {
            wrong.push(`${key} as ${caller}: ${answer.status}, expected ${expected}`);
          }
          if (answer.status === 401 || answer.status === 403) {
            // Refusals are JSON and say nothing about the route's data.
            expect(answer.headers.get('content-type')).toMatch(/application\/json/);
          }
        }),
      );
    }
    expect(wrong).toEqual([]);
  });

  it('answers the $default route (a path no route serves) 404 to every caller alike', async () => {
    expect(defaultRoute.routeKey).toBe('$default');
    const callers = [...ROLES, 'expired', 'foreign', 'none'] as const;
    const statuses = await Promise.all(
      callers.map(async (caller) => {
        const token = tokens.get(caller);
        const answer = await fetch(`${runtime.apiUrl}/no-route-here/${caller}`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        return `${caller} ${answer.status}`;
      }),
    );
    expect(statuses).toEqual(callers.map((caller) => `${caller} 404`));
  });
});

describe('who a token is, through the local issuer as through Cognito', () => {
  const asBearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const me = (token: string) =>
    fetch(`${runtime.apiUrl}/me`, { headers: asBearer(token) }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { employee?: { employeeId: string; email: string } },
    }));
  const issue = async (request: Record<string, unknown>) => {
    const answer = await fetch(`${runtime.apiUrl}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'employee', ...request }),
    });
    return (await answer.json()) as { token: string; sub: string };
  };

  it('finds the employee by sub: an email changed to a colleague’s reaches nobody else', async () => {
    const colleague = await fetch(`${runtime.apiUrl}/employees`, {
      method: 'POST',
      headers: { ...asBearer(tokens.get('admin') ?? ''), 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'colleague-matrix@chorus.local', name: 'Colleague' }),
    });
    expect(colleague.status).toBe(201);
    const own = await issue({ email: 'employee-matrix@chorus.local' });
    const mine = await me(own.token);
    expect(mine.status).toBe(200);

    const changed = await issue({ sub: own.sub, email: 'colleague-matrix@chorus.local' });
    expect((await me(changed.token)).body.employee).toEqual(mine.body.employee);
    const pending = await issue({
      sub: own.sub,
      email: 'colleague-matrix@chorus.local',
      emailVerified: false,
    });
    expect((await me(pending.token)).status).toBe(403);
  });

  it('refuses an access token signed by the issuer: the API takes ID tokens only', async () => {
    const stored = JSON.parse(readFileSync(join(runtime.dataDir, 'issuer-keys.json'), 'utf8')) as {
      kid: string;
      privateJwk: JWK;
    };
    const own = await issue({ email: 'employee-matrix@chorus.local' });
    const access = await new SignJWT({ 'cognito:groups': ['employee'], token_use: 'access' })
      .setProtectedHeader({ alg: 'RS256', kid: stored.kid })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(own.sub)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(await importJWK(stored.privateJwk, 'RS256'));
    expect((await me(access)).status).toBe(401);
  });
});
