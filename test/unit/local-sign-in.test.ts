import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalIssuer,
  LOCAL_AUDIENCE,
  type LocalIssuer,
  localSubFor,
} from '#infra/local/issuer';
import { createLocalSignIn, type LocalSignIn } from '#infra/local/sign-in';

const API = 'http://127.0.0.1:4999';
const CALLBACK = `${API}/console/callback`;
let issuer: LocalIssuer;
let clock = Date.parse('2026-12-02T10:00:00Z');
let signIn: LocalSignIn;

beforeAll(async () => {
  issuer = await createLocalIssuer();
  signIn = createLocalSignIn({
    apiUrl: API,
    issuer,
    directory: async () => [{ email: 'ada@example.com', name: 'Ada <Lovelace>' }],
    now: () => clock,
  });
});

const verifier = () => randomBytes(32).toString('base64url');
const challengeOf = (v: string) => createHash('sha256').update(v).digest('base64url');

const authorizeQuery = (v: string, extra: Record<string, string> = {}) =>
  new URLSearchParams({
    response_type: 'code',
    client_id: LOCAL_AUDIENCE,
    redirect_uri: CALLBACK,
    state: 'state-1',
    scope: 'openid email profile',
    code_challenge: challengeOf(v),
    code_challenge_method: 'S256',
    ...extra,
  });

const call = (
  method: string,
  path: string,
  options: { body?: string; query?: URLSearchParams; cookie?: string } = {},
) =>
  signIn.control(method, path, options.body ?? '', {
    query: options.query ?? new URLSearchParams(),
    headers: options.cookie ? { cookie: options.cookie } : {},
  });

/** Signs in through the page's form, as the browser does; returns the code and the cookie. */
const signInAs = async (v: string, person = 'email=ada%40example.com&name=Ada&roles=employee') => {
  const answer = await call('POST', '/_local/oauth2/authorize', {
    body: `${authorizeQuery(v).toString()}&${person}`,
  });
  expect(answer?.status).toBe(302);
  const location = new URL(String(answer?.headers?.location));
  expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
  expect(location.searchParams.get('state')).toBe('state-1');
  const cookie = [answer?.headers?.['set-cookie'] ?? []].flat()[0] ?? '';
  return { code: location.searchParams.get('code') ?? '', cookie };
};

const exchange = (fields: Record<string, string>) =>
  call('POST', '/_local/oauth2/token', {
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: LOCAL_AUDIENCE,
      redirect_uri: CALLBACK,
      ...fields,
    }).toString(),
  });

describe('the local issuer’s authorize page', () => {
  it('lists the directory’s people, escaped, and a form for anyone else', async () => {
    const answer = await call('GET', '/_local/oauth2/authorize', {
      query: authorizeQuery(verifier()),
    });
    expect(answer?.status).toBe(200);
    expect(answer?.headers?.['content-type']).toMatch(/text\/html/);
    expect(answer?.body).toContain('Ada &lt;Lovelace&gt; (ada@example.com)');
    expect(answer?.body).toContain('name="roles" value="legal"');
  });

  it('never sends the browser to a URL the client did not register, nor serves another client', async () => {
    const elsewhere = await call('GET', '/_local/oauth2/authorize', {
      query: authorizeQuery(verifier(), { redirect_uri: 'https://evil.example/cb' }),
    });
    expect(elsewhere?.status).toBe(400);
    expect(elsewhere?.headers?.location).toBeUndefined();
    const stranger = await call('GET', '/_local/oauth2/authorize', {
      query: authorizeQuery(verifier(), { client_id: 'someone-else' }),
    });
    expect(stranger?.status).toBe(400);
  });

  it('requires PKCE (S256): without it the browser goes back with invalid_request', async () => {
    const answer = await call('GET', '/_local/oauth2/authorize', {
      query: authorizeQuery(verifier(), { code_challenge_method: 'plain' }),
    });
    expect(answer?.status).toBe(302);
    const back = new URL(String(answer?.headers?.location));
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('state')).toBe('state-1');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('remembers the last choice on its own path, signs in silently with it, and asks again on prompt=login or after sign-out', async () => {
    const { cookie } = await signInAs(verifier());
    expect(cookie).toContain('Path=/_local/oauth2');
    expect(cookie).toContain('HttpOnly');
    const pair = cookie.split(';')[0] ?? '';
    const silent = await call('GET', '/_local/oauth2/authorize', {
      query: authorizeQuery(verifier()),
      cookie: pair,
    });
    expect(silent?.status).toBe(302);
    expect(new URL(String(silent?.headers?.location)).searchParams.get('code')).toBeTruthy();
    const asked = await call('GET', '/_local/oauth2/authorize', {
      query: authorizeQuery(verifier(), { prompt: 'login' }),
      cookie: pair,
    });
    expect(asked?.status).toBe(200);

    const out = await call('GET', '/_local/logout', {
      query: new URLSearchParams({
        client_id: LOCAL_AUDIENCE,
        logout_uri: `${API}/console/signed-out`,
      }),
    });
    expect(out?.status).toBe(302);
    expect(out?.headers?.location).toBe(`${API}/console/signed-out`);
    expect(String(out?.headers?.['set-cookie'])).toMatch(/Max-Age=0/);
    const elsewhere = await call('GET', '/_local/logout', {
      query: new URLSearchParams({ client_id: LOCAL_AUDIENCE, logout_uri: 'https://evil.example' }),
    });
    expect(elsewhere?.status).toBe(400);
  });
});

describe('the local issuer’s token endpoint', () => {
  it('trades a code and its verifier for an ID token as Cognito’s: token_use id, sub, verified email, groups', async () => {
    const v = verifier();
    const { code } = await signInAs(
      v,
      'email=Lee%40Example.com&name=Lee&roles=legal&roles=marketing',
    );
    const answer = await exchange({ code, code_verifier: v });
    expect(answer?.status).toBe(200);
    expect(answer?.headers?.['cache-control']).toBe('no-store');
    const body = answer?.body as { id_token: string; access_token: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    const claims = await issuer.verify(body.id_token);
    expect(claims).toMatchObject({
      token_use: 'id',
      sub: localSubFor('lee@example.com'),
      email: 'lee@example.com',
      email_verified: true,
      name: 'Lee',
      'cognito:groups': ['legal', 'marketing'],
    });
    expect(await issuer.verify(body.access_token)).toMatchObject({ token_use: 'access' });
  });

  it('refuses a wrong verifier, and the code is spent even so', async () => {
    const v = verifier();
    const { code } = await signInAs(v);
    expect(await exchange({ code, code_verifier: verifier() })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(await exchange({ code, code_verifier: v })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('takes a code once only', async () => {
    const v = verifier();
    const { code } = await signInAs(v);
    expect((await exchange({ code, code_verifier: v }))?.status).toBe(200);
    expect((await exchange({ code, code_verifier: v }))?.body).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a code sent with another redirect URI or client, or after five minutes', async () => {
    const v1 = verifier();
    const first = await signInAs(v1);
    expect(
      (await exchange({ code: first.code, code_verifier: v1, redirect_uri: `${API}/console/x` }))
        ?.body,
    ).toMatchObject({ error: 'invalid_grant' });
    const v2 = verifier();
    const second = await signInAs(v2);
    expect(
      (await exchange({ code: second.code, code_verifier: v2, client_id: 'other' }))?.body,
    ).toMatchObject({ error: 'invalid_client' });
    const v3 = verifier();
    const third = await signInAs(v3);
    clock += 5 * 60_000 + 1;
    expect((await exchange({ code: third.code, code_verifier: v3 }))?.body).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('answers a malformed request invalid_request, not a crash', async () => {
    expect(
      await call('POST', '/_local/oauth2/token', { body: 'grant_type=password' }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
  });
});
