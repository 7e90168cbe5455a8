import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { openApiDocument } from '#functions/api/openapi';
import { apiRoutes } from '#functions/api/router';
import { noticeExpiringConnections } from '#functions/dispatcher/notice-expiring-connections';
import { createPollerDependencies } from '#functions/engagement-poller/dependencies';
import { pollEngagement } from '#functions/engagement-poller/poll-engagement';
import { createShareWorker } from '#functions/share-worker/worker';
import { dynamo } from '#shared/aws';
import { shareIdFor } from '#shared/ids';
import { logger } from '#shared/logger';
import { createNetworkRegistry } from '#shared/networks/registry';
import { NetworkSettings } from '#shared/networks/settings';
import { createInstanceAppStore } from '#shared/store/instance-apps';
import { keys } from '#shared/store/keys';
import { apiEvent, callApi } from '../fixtures/api-events';
import { testCipher, testCredentials } from '../fixtures/credentials';
import { type FakeBluesky, startFakeBluesky } from '../fixtures/fake-networks/bluesky';
import { type FakeMastodon, startFakeMastodon } from '../fixtures/fake-networks/mastodon';
import { is } from '../fixtures/fake-networks/server';
import { type FakeX, startFakeX } from '../fixtures/fake-networks/x';
import { documentValidator, type OpenApiDocument } from '../fixtures/openapi-document';
import { outboundTo } from '../fixtures/outbound';
import { committedEvents } from '../fixtures/outbox-items';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign, optedIn } from '../fixtures/sharing';
import { startTrap } from '../fixtures/trap';
import { TABLE } from './setup';

let x: FakeX;
let mastodon: FakeMastodon;
let bluesky: FakeBluesky;
let arranged: Arranged;
let deps: ReturnType<typeof createApiDependencies>;
let stack: ReturnType<typeof createShareStack>;

const credentials = testCredentials(TABLE);

beforeAll(async () => {
  [x, mastodon, bluesky] = await Promise.all([
    startFakeX(),
    startFakeMastodon(),
    startFakeBluesky(),
  ]);
  const networks = createNetworkRegistry(TABLE, {
    settings: NetworkSettings.parse({
      x: {
        clientId: x.clientId,
        clientSecret: x.clientSecret,
        appBearerToken: x.appBearer,
        authUrl: x.url,
        apiUrl: x.url,
      },
      bluesky: { service: bluesky.url, appView: bluesky.url, plcDirectory: bluesky.url },
    }),
    instanceApps: createInstanceAppStore(TABLE, testCipher),
    outbound: outboundTo(x.url, mastodon.url, bluesky.url),
  });
  deps = {
    ...createApiDependencies({ TABLE_NAME: TABLE }),
    networks: async () => networks,
    credentials,
    apiUrl: 'https://chorus.example',
  };
  stack = createShareStack({
    table: TABLE,
    queueUrl: 'unused',
    deadLetterUrl: 'unused',
    networks,
    leaseMs: 60_000,
  });
  arranged = await arrangeCampaign(stack.stores, {
    count: 1,
    person: (_, e) => ({
      ...e,
      consent: optedIn({ networks: { sandbox: { autoShare: true }, x: { autoShare: true } } }),
    }),
  });
});
afterAll(() => Promise.all([x.stop(), mastodon.stop(), bluesky.stop()]));

const employee = () => arranged.people[0] as NonNullable<Arranged['people'][0]>;
const as = (routeKey: string, options: Parameters<typeof apiEvent>[2] = {}) =>
  callApi(
    apiEvent(routeKey, { sub: 'u-emp', email: employee().email, groups: ['employee'] }, options),
    deps,
  );
const publicCall = (routeKey: string, options: Parameters<typeof apiEvent>[2] = {}) =>
  callApi(apiEvent(routeKey, undefined, options), deps);
const json = (r: { body?: string }) => JSON.parse(r.body ?? '{}');

/** The browser's part: open the network's sign-in, consent, and land on the callback. */
const consent = async (network: string, body: unknown = {}) => {
  const started = await as('POST /me/connections/{network}/authorize', {
    pathParameters: { network },
    body: JSON.stringify(body),
  });
  expect(started.statusCode).toBe(200);
  const { authorizationUrl } = json(started);
  const back = new URL(
    (await fetch(authorizationUrl, { redirect: 'manual' })).headers.get('location') ?? '',
  );
  expect(back.origin + back.pathname).toBe(`https://chorus.example/oauth/${network}/callback`);
  // The browser keeps the cookie authorize set and sends back its `name=value` on the callback.
  const cookies = (started.cookies ?? []).map((c) => c.split(';')[0] ?? '');
  return { ...(Object.fromEntries(back.searchParams) as { code: string; state: string }), cookies };
};

/** The network sends the browser back; the callback answers a page for a person. */
const callback = (network: string, query: Record<string, string>, cookies: string[] | undefined) =>
  publicCall('GET /oauth/{network}/callback', {
    pathParameters: { network },
    query,
    ...(cookies ? { cookies } : {}),
  });
const pageText = (r: { body?: string }) => (r.body ?? '').replace(/<[^>]+>/g, ' ');

const storedConnection = async (network: string) =>
  (
    await dynamo().send(
      new GetCommand({ TableName: TABLE, Key: keys.connection(employee().employeeId, network) }),
    )
  ).Item;

/** Every line the code logs while connecting and publishing, at the most verbose level. */
const logged: string[] = [];

describe('connecting networks', () => {
  const level = logger.getLevelName();
  beforeAll(() => {
    logger.setLogLevel('DEBUG');
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        logged.push(String(chunk));
        return true;
      });
    }
  });
  afterAll(() => {
    vi.restoreAllMocks();
    logger.setLogLevel(level);
  });

  it('connects X through OAuth with state and PKCE; tokens are sealed, never answered or audited', async () => {
    const { code, state, cookies } = await consent('x');
    const done = await callback('x', { code, state }, cookies);
    expect(done.statusCode).toBe(200);
    expect(done.headers?.['content-type']).toMatch(/^text\/html/);
    expect(pageText(done)).toContain('X is connected');
    expect(await storedConnection('x')).toMatchObject({
      network: 'x',
      status: 'active',
      audienceSize: 321,
    });

    const item = await storedConnection('x');
    const tokenRequest = x.requests.filter(is('POST', '/2/oauth2/token')).at(-1);
    expect(tokenRequest?.body.code_verifier).toBeTypeOf('string');
    const accessTokens = [...x.requests.filter(is('GET', '/2/users/me'))].map((r) => r.bearer);
    expect(item?.sealedCredentials).toMatch(/^local:/);
    const everywhere = JSON.stringify([
      item,
      json(await as('GET /me/connections')),
      json(await as('GET /me')),
      (
        await dynamo().send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `AUDIT#employee#${employee().employeeId}` },
          }),
        )
      ).Items,
    ]);
    for (const token of accessTokens) expect(everywhere).not.toContain(token);
    expect(json(await as('GET /me/connections')).connections[0]).not.toHaveProperty(
      'sealedCredentials',
    );
  });

  it('refuses a callback with a wrong, replayed or other network’s state, writing nothing', async () => {
    const { code, state, cookies } = await consent('x');
    const wrong = await callback('x', { code, state: 'forged' }, cookies);
    expect(wrong.statusCode).toBe(400);
    expect(pageText(wrong)).toContain('unknown, used, expired');
    // The cookie is named for the network: X's does not open Mastodon's callback.
    const otherNetwork = await callback('mastodon', { code, state }, cookies);
    expect(otherNetwork.statusCode).toBe(400);
    const done = await callback('x', { code, state }, cookies);
    expect(done.statusCode).toBe(200);
    const replay = await callback('x', { code, state }, cookies);
    expect(replay.statusCode).toBe(400);
    const declined = await consent('x');
    const denied = await callback(
      'x',
      { state: declined.state, error: 'access_denied', error_description: 'Call +1 555 0100' },
      declined.cookies,
    );
    expect(denied.statusCode).toBe(422);
    expect(pageText(denied)).toContain('access_denied');
    expect(pageText(denied)).not.toContain('555');
  });

  it('finishes a sign-in only in the browser that started it: a colleague who opens the link connects nothing', async () => {
    const before = await storedConnection('x');
    // Ada starts connecting X and forwards the sign-in link; Ben opens it and signs in as
    // himself. His browser has no cookie from Ada's authorize call, or has one of his own.
    const { code, state, cookies } = await consent('x');
    const bens = [undefined, ['chorus_sign_in_x=bens-own-browser-secret']];
    for (const bensCookies of bens) {
      const refused = await callback('x', { code, state }, bensCookies);
      expect(refused.statusCode).toBe(400);
      expect(refused.headers?.['content-type']).toMatch(/^text\/html/);
      expect(pageText(refused)).toMatch(/browser/);
    }
    expect(await storedConnection('x')).toEqual(before);
    // Ben's attempts spent nothing: Ada can still finish in her own browser.
    expect((await callback('x', { code, state }, cookies)).statusCode).toBe(200);
  });

  it('sets the sign-in cookie so that scripts cannot read it and other sites cannot send it', async () => {
    const started = await as('POST /me/connections/{network}/authorize', {
      pathParameters: { network: 'x' },
      body: '{}',
    });
    expect(started.cookies).toEqual([
      expect.stringMatching(
        /^chorus_sign_in_x=[\w-]{20,}; Path=\/oauth\/x\/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/,
      ),
    ]);
  });

  it('connects Mastodon on the employee’s own instance, registering Chorus there once', async () => {
    const missing = await as('POST /me/connections/{network}/authorize', {
      pathParameters: { network: 'mastodon' },
      body: '{}',
    });
    expect(missing.statusCode).toBe(400);
    for (let i = 0; i < 2; i++) {
      const { code, state, cookies } = await consent('mastodon', { instance: mastodon.url });
      const done = await callback('mastodon', { code, state }, cookies);
      expect(done.statusCode).toBe(200);
      expect(await storedConnection('mastodon')).toMatchObject({
        network: 'mastodon',
        instance: mastodon.url,
      });
    }
    expect(mastodon.apps.size).toBe(1);
  });

  it('connects Bluesky with an app password, which is not kept; a wrong one is a 422', async () => {
    const wrong = await as('PUT /me/connections/{network}', {
      pathParameters: { network: 'bluesky' },
      body: JSON.stringify({
        identifier: bluesky.account.handle,
        appPassword: 'aaaa-bbbb-cccc-dddd',
      }),
    });
    expect(wrong.statusCode).toBe(422);
    expect(json(wrong).error.code).toBe('network_refused');
    const right = await as('PUT /me/connections/{network}', {
      pathParameters: { network: 'bluesky' },
      body: JSON.stringify({
        identifier: bluesky.account.handle,
        appPassword: bluesky.account.appPassword,
      }),
    });
    expect(right.statusCode).toBe(200);
    expect(JSON.stringify(await storedConnection('bluesky'))).not.toContain(
      bluesky.account.appPassword,
    );
    const notConfigured = await as('POST /me/connections/{network}/authorize', {
      pathParameters: { network: 'linkedin' },
      body: '{}',
    });
    expect(notConfigured.statusCode).toBe(422);
    expect(json(notConfigured).error.message).toContain('not set up here');
  });

  it('never calls the Bluesky service an employee types: the PDS stored is the DID document’s', async () => {
    const trap = await startTrap();
    try {
      const answer = await as('PUT /me/connections/{network}', {
        pathParameters: { network: 'bluesky' },
        body: JSON.stringify({
          identifier: bluesky.account.handle,
          appPassword: bluesky.account.appPassword,
          service: `${trap.url}/admin/secret?x=`,
        }),
      });
      expect(trap.connections).toBe(0);
      expect(answer.body).not.toContain('TRAP-SECRET');
      expect(answer.statusCode).toBe(200);
      expect((await storedConnection('bluesky'))?.instance).toBe(bluesky.url);
    } finally {
      await trap.stop();
    }
  });

  it('answers a refused Bluesky sign-in with a message of ours, never the PDS’s reply', async () => {
    bluesky.script(is('POST', '/xrpc/com.atproto.server.createSession'), {
      status: 403,
      body: 'FOREIGN-REPLY internal stack trace and data',
    });
    const answer = await as('PUT /me/connections/{network}', {
      pathParameters: { network: 'bluesky' },
      body: JSON.stringify({
        identifier: bluesky.account.handle,
        appPassword: bluesky.account.appPassword,
      }),
    });
    expect(answer.statusCode).toBe(422);
    expect(json(answer).error.code).toBe('network_refused');
    expect(answer.body).not.toContain('FOREIGN-REPLY');
  });

  it('answers a network’s rate limit 429 with its Retry-After, and its silence 502, as the document says', async () => {
    const { check } = documentValidator(
      JSON.parse(JSON.stringify(openApiDocument(apiRoutes))) as OpenApiDocument,
    );
    const answered = (method: string, path: string, r: Awaited<ReturnType<typeof as>>) => ({
      method,
      path,
      status: r.statusCode ?? 200,
      headers: new Headers(r.headers as Record<string, string>),
      text: String(r.body ?? ''),
    });
    const connectBluesky = () =>
      as('PUT /me/connections/{network}', {
        pathParameters: { network: 'bluesky' },
        body: JSON.stringify({
          identifier: bluesky.account.handle,
          appPassword: bluesky.account.appPassword,
        }),
      });
    const session = is('POST', '/xrpc/com.atproto.server.createSession');
    bluesky.script(session, { status: 429, headers: { 'retry-after': '42' }, body: {} });
    const limited = await connectBluesky();
    expect(limited.statusCode).toBe(429);
    expect(json(limited).error.code).toBe('network_rate_limited');
    expect(limited.headers?.['retry-after']).toBe('42');
    expect(check(answered('PUT', '/me/connections/{network}', limited))).toEqual([]);
    // Bluesky down as the employee signs in: its silence, not their password refused.
    bluesky.script(session, { status: 503, body: { error: 'UpstreamFailure' } });
    const down = await connectBluesky();
    expect(down.statusCode).toBe(502);
    expect(json(down).error.code).toBe('network_unavailable');
    expect(check(answered('PUT', '/me/connections/{network}', down))).toEqual([]);
    // X down as the browser comes back (its profile read fails): the person reads a 502 page.
    const { code, state, cookies } = await consent('x');
    x.script(is('GET', '/2/users/me'), { status: 503, body: 'upstream down' });
    const silent = await callback('x', { code, state }, cookies);
    expect(silent.statusCode).toBe(502);
    expect(pageText(silent)).toMatch(/not connected/i);
    expect(check(answered('GET', '/oauth/{network}/callback', silent))).toEqual([]);
  });

  it('publishes a share on X; a refused token is renewed once, single-flight, and the post made once', async () => {
    const job = {
      shareId: shareIdFor(arranged.campaign.campaignId, employee().employeeId, 'x'),
      campaignId: arranged.campaign.campaignId,
      postId: arranged.campaign.postId,
      employeeId: employee().employeeId,
      network: 'x' as const,
    };
    // Every access token X issued so far stops working: the worker must renew before it posts.
    for (const r of x.requests.filter(is('GET', '/2/users/me'))) x.expire(r.bearer ?? '');
    const refreshesBefore = x.requests.filter(
      (r) => is('POST', '/2/oauth2/token')(r) && r.body.grant_type === 'refresh_token',
    ).length;
    const worker = createShareWorker(stack.worker, stack.queue);
    const delivery = { messageId: 'm-x', body: JSON.stringify(job), attributes: {} };
    const response = await worker({ Records: [delivery as SQSRecord] }, {} as Context);
    expect(response.batchItemFailures).toEqual([]);
    expect((await stack.worker.shares.get(job.shareId))?.status).toBe('published');
    const refreshes = x.requests.filter(
      (r) => is('POST', '/2/oauth2/token')(r) && r.body.grant_type === 'refresh_token',
    ).length;
    expect(refreshes - refreshesBefore).toBe(1);
    expect([...x.tweets.values()].filter((t) => t.text.includes('hiring'))).toHaveLength(1);
    // Two workers renewing one account at once: one calls X, the other waits or reuses it.
    const connection = await deps.employees.getConnection(employee().employeeId, 'x');
    const adapter = (await deps.networks()).x;
    if (!connection || !adapter) throw new Error('no X connection');
    const both = await Promise.all([
      credentials.forCall(connection, adapter, new Date(), true),
      credentials.forCall(connection, adapter, new Date(), true),
    ]);
    // The loser is told to wait, or (if the winner already stored them) takes the new tokens.
    const ready = both.flatMap((b) =>
      b.kind === 'ready' ? [b.account.credentials?.accessToken] : [],
    );
    expect(ready.length).toBeGreaterThan(0);
    expect(new Set(ready).size).toBe(1);
    const after = x.requests.filter(
      (r) => is('POST', '/2/oauth2/token')(r) && r.body.grant_type === 'refresh_token',
    ).length;
    expect(after - refreshes).toBe(1);
  });

  it('the engagement poller reads the sharer’s followers anew once a day, on the connection and its summary', async () => {
    const { employeeId } = employee();
    const connection = await deps.employees.getConnection(employeeId, 'x');
    x.followers.set(connection?.accountId ?? '', 4_321);
    const poller = createPollerDependencies(TABLE, { x: (await deps.networks()).x });
    const userReads = () => x.requests.filter(is('GET', '/2/users')).length;
    const before = userReads();
    const dayLater = new Date(Date.now() + 25 * 3_600_000);

    const run = await pollEngagement(dayLater, poller);
    expect(run.x).toMatchObject({ polled: 1, audiences: 1 });
    expect((await deps.employees.getConnection(employeeId, 'x'))?.audienceSize).toBe(4_321);
    expect((await deps.employees.get(employeeId)).connections.x?.audienceSize).toBe(4_321);
    // The next readings of that day spend no call on it.
    await pollEngagement(new Date(dayLater.getTime() + 6 * 3_600_000), poller);
    expect(userReads() - before).toBe(1);
  });

  it('logged no token, refresh token, app password, client secret or code in any of the above', () => {
    const all = logged.join('');
    // The logs were written: the X share above, and the renewal of its refused tokens.
    expect(all).toContain('Network tokens renewed');
    expect(all).toContain(shareIdFor(arranged.campaign.campaignId, employee().employeeId, 'x'));
    for (const secret of [x.clientSecret, x.appBearer, bluesky.account.appPassword]) {
      expect(all).not.toContain(secret);
    }
    // What the fake networks issue: X and Mastodon tokens, OAuth codes, Bluesky's JWTs.
    expect(all).not.toMatch(/x_at_|x_rt_|md_at_|md_secret_|code_|eyJ[\w-]{8,}|Bearer /);
  });
});

describe('connection expiry notices', () => {
  it('warns 3 days before a non-renewable token ends (10 had passed), then marks it expired, once each', async () => {
    const at = new Date();
    const end = new Date(at.getTime() + 9 * 86_400_000);
    const connection = {
      employeeId: employee().employeeId,
      network: 'linkedin' as const,
      handle: 'Member',
      audienceSize: 0,
      status: 'active' as const,
      connectedAt: at.toISOString(),
      expiresAt: end.toISOString(),
    };
    await deps.employees.putConnection(
      connection,
      'u-emp',
      at,
      await credentials.seal(connection, { accessToken: 'li-token', expiresAt: end.toISOString() }),
    );
    // Committed with each notice, in the outbox the relay puts on the bus.
    const notices = async () =>
      (await committedEvents(TABLE, `employee#${connection.employeeId}`)).filter(
        (e) => e.detail.network === 'linkedin' && e.detailType.startsWith('Connection'),
      );
    const sweepDeps = { employees: deps.employees };
    const sweep = (days: number) =>
      noticeExpiringConnections(new Date(at.getTime() + days * 86_400_000 + 60_000), sweepDeps);

    await sweep(1);
    expect(await notices()).toHaveLength(0);
    await Promise.all([sweep(6), sweep(6)]);
    expect(
      (await notices()).map((e) => [e.detailType, (e.detail as { daysLeft?: number }).daysLeft]),
    ).toEqual([['ConnectionExpiring', 3]]);
    expect((await deps.employees.getConnection(connection.employeeId, 'linkedin'))?.status).toBe(
      'expiring',
    );
    await Promise.all([sweep(9), sweep(9)]);
    expect((await notices()).map((e) => e.detailType)).toEqual([
      'ConnectionExpiring',
      'ConnectionExpired',
    ]);
    expect((await deps.employees.get(connection.employeeId)).connections.linkedin?.status).toBe(
      'expired',
    );
  });
});
