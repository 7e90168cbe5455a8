import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlueskyNetwork } from '#shared/networks/bluesky';
import { NetworkError } from '#shared/networks/errors';
import { createLinkedInNetwork } from '#shared/networks/linkedin';
import { createMastodonNetwork, type InstanceApp } from '#shared/networks/mastodon';
import type { Account, NetworkAdapter, OAuthClient } from '#shared/networks/network';
import { codeChallengeOf, randomToken } from '#shared/networks/pkce';
import { NetworkSettings } from '#shared/networks/settings';
import { createXNetwork } from '#shared/networks/x';
import { createOutboundClient } from '#shared/outbound/client';
import { type FakeBluesky, startFakeBluesky } from '../fixtures/fake-networks/bluesky';
import { type FakeLinkedIn, startFakeLinkedIn } from '../fixtures/fake-networks/linkedin';
import { type FakeMastodon, startFakeMastodon } from '../fixtures/fake-networks/mastodon';
import { type FakeRequest, is } from '../fixtures/fake-networks/server';
import { type FakeX, startFakeX } from '../fixtures/fake-networks/x';
import { outboundTo } from '../fixtures/outbound';
import { startTrap } from '../fixtures/trap';

const REDIRECT = 'https://chorus.example/oauth/callback';
const now = () => new Date();

/** What the employee's browser does: follow the authorization URL, come back with a code. */
const signIn = async (client: OAuthClient, instance?: string) => {
  const state = randomToken();
  const verifier = randomToken();
  const url = await client.authorizationUrl({
    state,
    codeChallenge: codeChallengeOf(verifier),
    redirectUri: REDIRECT,
    instance,
  });
  const consent = await fetch(url, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  expect(back.searchParams.get('state')).toBe(state);
  return client.exchange({
    code: back.searchParams.get('code') ?? '',
    codeVerifier: verifier,
    redirectUri: REDIRECT,
    instance,
  });
};

const publishAs = (adapter: NetworkAdapter, account: Account, text: string, key = randomToken()) =>
  adapter.publish({ account, text, idempotencyKey: key, intentAt: new Date(), at: new Date() });

const failure = async (work: Promise<unknown>): Promise<NetworkError> => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NetworkError);
  return error as NetworkError;
};

const posting = (path: string) => (r: FakeRequest) => is('POST', path)(r);

describe('LinkedIn adapter (Posts API)', () => {
  let fake: FakeLinkedIn;
  let adapter: NetworkAdapter;
  let account: Account;
  beforeAll(async () => {
    fake = await startFakeLinkedIn();
    const settings = NetworkSettings.parse({
      linkedin: {
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        authUrl: fake.url,
        apiUrl: fake.url,
      },
    });
    adapter = createLinkedInNetwork(
      settings.linkedin as NonNullable<typeof settings.linkedin>,
      now,
      outboundTo(fake.url),
    );
    const { credentials, profile } = await signIn(adapter.oauth as OAuthClient);
    expect(profile.accountId).toMatch(/^urn:li:person:member\d+$/);
    expect(credentials.expiresAt).toBeDefined();
    account = { ...profile, credentials };
  });
  afterAll(() => fake.stop());

  it('posts as the member, escaping little text so LinkedIn cannot cut it, hashtags kept', async () => {
    const post = await publishAs(adapter, account, 'Q3 (record) results! #AcmeEmployee @you_know');
    expect(post.externalId).toMatch(/^urn:li:share:\d+$/);
    expect(post.url).toBe(`https://www.linkedin.com/feed/update/${post.externalId}/`);
    expect(fake.posts.get(post.externalId)?.commentary).toBe(
      'Q3 \\(record\\) results! {hashtag|\\#|AcmeEmployee} \\@you\\_know',
    );
  });

  it('answers a repeat with the existing post (422 DUPLICATE), so a retry finds it', async () => {
    const first = await publishAs(adapter, account, 'Only once, please');
    const error = await failure(publishAs(adapter, account, 'Only once, please'));
    expect(error.kind).toBe('duplicate');
    expect(error.details.existing?.externalId).toBe(first.externalId);
    expect(adapter.retryAfterUnknownOutcome).toBe('duplicate-detected');
  });

  it('reads 401 as an expired token, 429 daily quota as wait-until-midnight, 5xx as unknown', async () => {
    const token = account.credentials?.accessToken ?? '';
    fake.expire(token);
    expect((await failure(publishAs(adapter, account, 'expired'))).kind).toBe('auth_expired');
    const renewed = await signIn(adapter.oauth as OAuthClient);
    const fresh = { ...account, ...renewed.profile, credentials: renewed.credentials };
    account = fresh;
    fake.script(posting('/rest/posts'), {
      status: 429,
      body: {
        status: 429,
        message:
          'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.',
      },
    });
    const limited = await failure(publishAs(adapter, fresh, 'limited'));
    expect(limited.kind).toBe('rate_limited');
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.details.retryAfterSeconds).toBeLessThanOrEqual(86_400);
    fake.script(posting('/rest/posts'), {
      status: 503,
      body: { status: 503, message: 'Service Unavailable' },
    });
    expect((await failure(publishAs(adapter, fresh, 'down'))).kind).toBe('outcome_unknown');
  });

  it('after a reset connection, asking again names the post the first attempt made', async () => {
    fake.script(posting('/rest/posts'), { reset: true }, true);
    const lost = await failure(publishAs(adapter, account, 'Made, then the line dropped'));
    expect(lost.kind).toBe('outcome_unknown');
    const again = await failure(publishAs(adapter, account, 'Made, then the line dropped'));
    expect(again.kind).toBe('duplicate');
    expect(fake.posts.has(again.details.existing?.externalId ?? '')).toBe(true);
  });

  it('reports engagement as not available, never as zero', async () => {
    const readings = await adapter.fetchMetrics([{ externalId: 'urn:li:share:1', url: '' }], now());
    expect(readings.get('urn:li:share:1')).toMatchObject({ kind: 'unavailable' });
  });
});

describe('X adapter (API v2, OAuth 2.0 with PKCE)', () => {
  let fake: FakeX;
  let adapter: NetworkAdapter;
  let account: Account;
  beforeAll(async () => {
    fake = await startFakeX();
    const settings = NetworkSettings.parse({
      x: {
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        appBearerToken: fake.appBearer,
        authUrl: fake.url,
        apiUrl: fake.url,
      },
    });
    adapter = createXNetwork(
      settings.x as NonNullable<typeof settings.x>,
      now,
      outboundTo(fake.url),
    );
    const { credentials, profile } = await signIn(adapter.oauth as OAuthClient);
    expect(credentials.refreshToken).toBeDefined();
    expect(profile).toMatchObject({
      handle: expect.stringMatching(/^user\d+$/),
      audienceSize: 321,
    });
    account = { ...profile, credentials };
  });
  afterAll(() => fake.stop());

  it('refuses an exchange whose PKCE verifier does not match the challenge', async () => {
    const client = adapter.oauth as OAuthClient;
    const url = await client.authorizationUrl({
      state: 's',
      codeChallenge: codeChallengeOf('right'),
      redirectUri: REDIRECT,
    });
    const code =
      new URL(
        (await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '',
      ).searchParams.get('code') ?? '';
    const error = await failure(
      client.exchange({ code, codeVerifier: 'wrong', redirectUri: REDIRECT }),
    );
    expect(error.kind).toBe('auth_expired');
  });

  it('posts, and reads a duplicate (403, no id) as something a person must check', async () => {
    const post = await publishAs(adapter, account, 'Hello from Chorus');
    expect(fake.tweets.get(post.externalId)?.text).toBe('Hello from Chorus');
    expect(post.url).toBe(`https://x.com/${account.handle}/status/${post.externalId}`);
    const error = await failure(publishAs(adapter, account, 'Hello from Chorus'));
    expect(error.kind).toBe('duplicate');
    expect(error.details.existing).toBeUndefined();
    expect(adapter.retryAfterUnknownOutcome).toBe('unsafe');
  });

  it('waits until x-rate-limit-reset (Unix seconds) on 429; 401 is an expired token', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    fake.script(posting('/2/tweets'), {
      status: 429,
      headers: { 'x-rate-limit-reset': String(reset), 'x-rate-limit-remaining': '0' },
      body: { title: 'Too Many Requests', status: 429 },
    });
    const limited = await failure(publishAs(adapter, account, 'rate'));
    expect(limited.kind).toBe('rate_limited');
    expect(limited.details.retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect(limited.details.retryAfterSeconds).toBeLessThanOrEqual(121);
    fake.expire(account.credentials?.accessToken ?? '');
    expect((await failure(publishAs(adapter, account, 'expired'))).kind).toBe('auth_expired');
  });

  it('refreshes with the rotating refresh token, once', async () => {
    const renewed = await adapter.refresh?.(account);
    expect(renewed?.accessToken).not.toBe(account.credentials?.accessToken);
    expect(renewed?.refreshToken).not.toBe(account.credentials?.refreshToken);
    // The old refresh token was spent: using it again is refused.
    expect((await failure(adapter.refresh?.(account) ?? Promise.resolve())).kind).toBe(
      'auth_expired',
    );
    account = { ...account, credentials: renewed };
    const post = await publishAs(adapter, account, 'After the refresh');
    expect(fake.tweets.has(post.externalId)).toBe(true);
  });

  it('reads metrics 100 at a time with the app token; a deleted post is reported deleted', async () => {
    const post = await publishAs(adapter, account, 'Count me');
    const readings = await adapter.fetchMetrics(
      [
        { externalId: post.externalId, url: post.url },
        { externalId: '42', url: '' },
      ],
      now(),
    );
    expect(readings.get(post.externalId)).toEqual({
      kind: 'counts',
      counts: { impressions: 250, reactions: 7, comments: 1, reshares: 3 },
    });
    expect(readings.get('42')).toEqual({ kind: 'deleted' });
  });

  it('reads followers 100 users at a time with the app token; an unknown user is left out', async () => {
    fake.followers.set(account.accountId ?? '', 4_321);
    const audiences = await adapter.fetchAudiences?.(
      [{ accountId: account.accountId ?? '' }, { accountId: '9' }],
      now(),
    );
    expect(audiences).toEqual(new Map([[account.accountId, 4_321]]));
    const read = fake.requests.filter(is('GET', '/2/users')).at(-1);
    expect(read?.bearer).toBe(fake.appBearer);
    expect(read?.query.get('user.fields')).toBe('public_metrics');
  });
});

describe('Bluesky adapter (AT Protocol, app password)', () => {
  let fake: FakeBluesky;
  let adapter: NetworkAdapter;
  let account: Account;
  beforeAll(async () => {
    fake = await startFakeBluesky();
    adapter = createBlueskyNetwork(
      { service: fake.url, appView: fake.url, plcDirectory: fake.url },
      outboundTo(fake.url),
    );
    const login = await adapter.appPassword?.login({
      identifier: fake.account.handle,
      appPassword: fake.account.appPassword,
    });
    if (!login) throw new Error('no login');
    expect(login.profile).toMatchObject({ accountId: fake.account.did, audienceSize: 812 });
    expect(login.credentials.expiresAt).toBeDefined();
    account = { ...login.profile, credentials: login.credentials };
  });
  afterAll(() => fake.stop());

  it('refuses a wrong app password in our words, never the network’s reply', async () => {
    const error = await failure(
      adapter.appPassword?.login({ identifier: fake.account.handle, appPassword: 'nope' }) ??
        Promise.resolve(),
    );
    expect(error.kind).toBe('rejected');
    expect(error.message).toBe('bluesky: 401 (the server did not accept the sign-in)');
    expect(error.message).not.toContain('Invalid identifier or password');
  });

  it('signs in at the PDS of the DID document, and refuses one on a private address', async () => {
    const trap = await startTrap();
    const refusing = createBlueskyNetwork(
      { service: fake.url, appView: fake.url, plcDirectory: fake.url },
      createOutboundClient({
        allowOrigins: [fake.url],
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      }),
    );
    for (const pds of [trap.url, `https://pds.internal-host.example:${trap.port}`]) {
      fake.account.pds = pds;
      const error = await failure(
        refusing.appPassword?.login({
          identifier: fake.account.handle,
          appPassword: fake.account.appPassword,
        }) ?? Promise.resolve(),
      );
      expect(error.kind).toBe('rejected');
    }
    fake.account.pds = undefined;
    expect(trap.connections).toBe(0);
    await trap.stop();
  });

  it('posts with link and tag facets in UTF-8 byte offsets', async () => {
    const text = 'Größte News 🚀 https://acme.example/q3 #AcmeEmployee';
    const post = await publishAs(adapter, account, text);
    const record = fake.records.get(post.externalId);
    expect(record?.text).toBe(text);
    const bytes = Buffer.from(text, 'utf8');
    const facets = record?.facets as { index: { byteStart: number; byteEnd: number } }[];
    expect(
      facets.map((f) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8')),
    ).toEqual(['https://acme.example/q3', '#AcmeEmployee']);
  });

  it('retries with the same record key: the PDS refuses a second post and the first is named', async () => {
    const key = randomToken();
    const intentAt = new Date();
    fake.script(posting('/xrpc/com.atproto.repo.createRecord'), { reset: true }, true);
    const input = { account, text: 'once only', idempotencyKey: key, intentAt, at: new Date() };
    expect((await failure(adapter.publish(input))).kind).toBe('outcome_unknown');
    const again = await failure(adapter.publish({ ...input, at: new Date() }));
    expect(again.kind).toBe('duplicate');
    expect(fake.records.has(again.details.existing?.externalId ?? '')).toBe(true);
    expect([...fake.records.values()].filter((r) => r.text === 'once only')).toHaveLength(1);
  });

  it('reads 400 ExpiredToken as expired, refreshes the session without logging in again', async () => {
    fake.expireAccess(account.credentials?.accessToken ?? '');
    expect((await failure(publishAs(adapter, account, 'expired'))).kind).toBe('auth_expired');
    const logins = fake.logins;
    const renewed = await adapter.refresh?.(account);
    expect(fake.logins).toBe(logins);
    account = { ...account, credentials: renewed };
    expect((await publishAs(adapter, account, 'fresh session')).externalId).toMatch(/^at:\/\//);
  });

  it('waits for RateLimit-Reset on 429; reads 25 posts at a time, a deleted one as deleted', async () => {
    fake.script(posting('/xrpc/com.atproto.repo.createRecord'), {
      status: 429,
      headers: { 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30) },
      body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
    });
    const limited = await failure(publishAs(adapter, account, 'rate'));
    expect(limited).toMatchObject({ kind: 'rate_limited' });
    expect(limited.details.retryAfterSeconds).toBeLessThanOrEqual(31);
    const post = await publishAs(adapter, account, 'count me');
    const gone = `at://${fake.account.did}/app.bsky.feed.post/3kgone222222a`;
    const readings = await adapter.fetchMetrics(
      [
        { externalId: post.externalId, url: post.url },
        { externalId: gone, url: '' },
      ],
      now(),
    );
    expect(readings.get(post.externalId)).toEqual({
      kind: 'counts',
      counts: { impressions: null, reactions: 9, comments: 3, reshares: 3 },
    });
    expect(readings.get(gone)).toEqual({ kind: 'deleted' });
  });

  it('reads followers from the AppView’s profiles, without a session; an unknown one is left out', async () => {
    fake.account.followers = 900;
    const audiences = await adapter.fetchAudiences?.(
      [{ accountId: fake.account.did }, { accountId: 'did:plc:gone' }],
      now(),
    );
    expect(audiences).toEqual(new Map([[fake.account.did, 900]]));
    const read = fake.requests.filter(is('GET', '/xrpc/app.bsky.actor.getProfiles')).at(-1);
    expect(read?.bearer).toBeUndefined();
  });
});

describe('Mastodon adapter (per-instance app, Idempotency-Key)', () => {
  let fake: FakeMastodon;
  let adapter: NetworkAdapter;
  let account: Account;
  const registrations = new Map<string, InstanceApp>();
  beforeAll(async () => {
    fake = await startFakeMastodon();
    adapter = createMastodonNetwork(
      { clientName: 'Chorus' },
      {
        get: async (i) => registrations.get(i),
        keep: async (i, app) => {
          if (!registrations.has(i)) registrations.set(i, app);
          return registrations.get(i) as InstanceApp;
        },
      },
      outboundTo(fake.url),
    );
    const { credentials, profile } = await signIn(adapter.oauth as OAuthClient, fake.url);
    expect(profile.handle).toMatch(/^@user\d+@127\.0\.0\.1:\d+$/);
    account = { ...profile, credentials };
  });
  afterAll(() => fake.stop());

  it('registers once per instance and reuses the registration', async () => {
    await signIn(adapter.oauth as OAuthClient, fake.url);
    expect(fake.apps.size).toBe(1);
    expect(registrations.size).toBe(1);
  });

  it('a repeat with the same Idempotency-Key returns the status it made, not a second one', async () => {
    const key = randomToken();
    fake.script(posting('/api/v1/statuses'), { reset: true }, true);
    expect((await failure(publishAs(adapter, account, 'exactly once', key))).kind).toBe(
      'outcome_unknown',
    );
    const again = await publishAs(adapter, account, 'exactly once', key);
    expect(fake.statuses.get(again.externalId)?.text).toBe('exactly once');
    expect([...fake.statuses.values()].filter((s) => s.text === 'exactly once')).toHaveLength(1);
  });

  it('waits for the ISO X-RateLimit-Reset; 422 is a refusal; a revoked token is 401', async () => {
    fake.script(posting('/api/v1/statuses'), {
      status: 429,
      headers: { 'x-ratelimit-reset': new Date(Date.now() + 90_000).toISOString() },
      body: { error: 'Too many requests' },
    });
    const limited = await failure(publishAs(adapter, account, 'rate'));
    expect(limited.kind).toBe('rate_limited');
    expect(limited.details.retryAfterSeconds).toBeGreaterThanOrEqual(88);
    expect((await failure(publishAs(adapter, account, 'x'.repeat(501)))).kind).toBe('rejected');
    fake.script(posting('/api/v1/statuses'), { status: 502, body: '<html>Bad Gateway</html>' });
    expect((await failure(publishAs(adapter, account, 'gateway'))).kind).toBe('outcome_unknown');
    fake.revoke(account.credentials?.accessToken ?? '');
    expect((await failure(publishAs(adapter, account, 'revoked'))).kind).toBe('auth_expired');
  });

  it('reads statuses per instance; a deleted one (404 when read alone) is deleted', async () => {
    const fresh = await signIn(adapter.oauth as OAuthClient, fake.url);
    const mine = { ...fresh.profile, credentials: fresh.credentials };
    const post = await publishAs(adapter, mine, 'count me');
    const gone = { externalId: '1', url: `${fake.url}/@x/1` };
    const readings = await adapter.fetchMetrics([{ ...post }, gone], now());
    expect(readings.get(post.externalId)).toEqual({
      kind: 'counts',
      counts: { impressions: null, reactions: 11, comments: 2, reshares: 3 },
    });
    expect(readings.get('1')).toEqual({ kind: 'deleted' });
  });

  it('reads followers per instance, in one call from 4.3 and one by one before', async () => {
    const id = account.accountId ?? '';
    fake.followers.set(id, 77);
    const refs = [
      { accountId: id, instance: account.instance },
      { accountId: '999', instance: account.instance },
    ];
    const batched = await adapter.fetchAudiences?.(refs, now());
    expect(batched).toEqual(new Map([[id, 77]]));
    // An instance before 4.3 has no `GET /api/v1/accounts`: each account is read alone.
    fake.script(is('GET', '/api/v1/accounts'), { status: 404, body: { error: 'Not Found' } });
    const alone = await adapter.fetchAudiences?.(refs, now());
    expect(alone).toEqual(new Map([[id, 77]]));
    expect(fake.requests.filter((r) => r.path === `/api/v1/accounts/${id}`)).toHaveLength(1);
  });

  it('calls only instances whose every address is public, and nothing reaches the others', async () => {
    const trap = await startTrap();
    const strict = createMastodonNetwork(
      { clientName: 'Chorus' },
      { get: async () => undefined, keep: async (_, a) => a },
      createOutboundClient({
        resolve: async (name) =>
          name === 'evil.example' ? [{ address: '127.0.0.1', family: 4 }] : [],
      }),
    );
    for (const instance of [
      'http://mastodon.social',
      trap.url,
      `https://127.0.0.1:${trap.port}`,
      `https://localhost:${trap.port}`,
      `https://localhost.:${trap.port}`,
      `https://a.localhost:${trap.port}`,
      `https://[::1]:${trap.port}`,
      `https://[::ffff:127.0.0.1]:${trap.port}`,
      `https://evil.example:${trap.port}`,
    ]) {
      const error = await failure(
        (strict.oauth as OAuthClient).authorizationUrl({
          state: 's',
          codeChallenge: 'c',
          redirectUri: REDIRECT,
          instance,
        }),
      );
      expect(error.kind).toBe('rejected');
    }
    expect(trap.connections).toBe(0);
    await trap.stop();
  });
});
