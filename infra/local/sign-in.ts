import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { LocalControl } from '#infra/local/http-api';
import { LOCAL_AUDIENCE, type LocalIssuer } from '#infra/local/issuer';
import { ROLES, Role } from '#shared/auth/roles';

/**
 * Cognito's hosted sign-in, locally: `GET /_local/oauth2/authorize` (a page: pick a person from
 * the directory, or type an email and roles), `POST /_local/oauth2/token` (the code, checked
 * against its PKCE challenge, redirect URI, client and expiry, once) and `GET /_local/logout`.
 * The paths are Cognito's under the base URL `${apiUrl}/_local`, so the console's sign-in code is
 * the same in both places. Never in the cloud.
 */
export const LOCAL_SIGN_IN_PATH = '/_local';

/** Cognito's codes last five minutes. */
const CODE_LIFETIME_MS = 5 * 60_000;
/** Where the page remembers who signed in last, so a reload signs in again without asking. */
const COOKIE = 'chorus_local_sign_in';
const COOKIE_PATH = `${LOCAL_SIGN_IN_PATH}/oauth2`;

export interface DirectoryPerson {
  email: string;
  name: string;
}

type Answer = NonNullable<Awaited<ReturnType<LocalControl>>>;

const Person = z.object({
  email: z.email().max(254).toLowerCase(),
  name: z.string().trim().max(200).optional(),
  roles: z.array(Role).min(1),
});
type Person = z.infer<typeof Person>;

const AuthorizeRequest = z.object({
  response_type: z.literal('code'),
  client_id: z.string(),
  redirect_uri: z.string(),
  state: z.string().max(1000).optional(),
  scope: z.string().max(1000).optional(),
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43,128}$/),
  code_challenge_method: z.literal('S256'),
  prompt: z.string().optional(),
});
type AuthorizeRequest = z.infer<typeof AuthorizeRequest>;

const TokenRequest = z.object({
  grant_type: z.literal('authorization_code'),
  code: z.string(),
  redirect_uri: z.string(),
  client_id: z.string(),
  code_verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/),
});

interface Grant {
  person: Person;
  clientId: string;
  redirectUri: string;
  challenge: string;
  expiresAt: number;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

const errorPage = (status: number, message: string): Answer => ({
  status,
  headers: PAGE_HEADERS,
  body: `<!doctype html><html lang="en"><meta charset="utf-8"><title>Sign-in failed</title><h1>Sign-in failed</h1><p>${escapeHtml(message)}</p></html>`,
});

const redirect = (location: string, cookies: string[] = []): Answer => ({
  status: 302,
  headers: {
    location,
    'cache-control': 'no-store',
    ...(cookies.length ? { 'set-cookie': cookies } : {}),
  },
  body: '',
});

const tokenError = (error: string, description: string): Answer => ({
  status: 400,
  headers: { 'cache-control': 'no-store' },
  body: { error, error_description: description },
});

const base64url = (buffer: Buffer) => buffer.toString('base64url');

const cookieOf = (header: string | undefined): Person | undefined => {
  const value = header
    ?.split(';')
    .map((pair) => pair.trim().split('='))
    .find(([name]) => name === COOKIE)?.[1];
  if (!value) return undefined;
  try {
    const parsed = Person.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const hiddenFields = (request: AuthorizeRequest) =>
  Object.entries(request)
    .filter(([name, value]) => value !== undefined && name !== 'prompt')
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${name}" value="${escapeHtml(String(value))}">`,
    )
    .join('');

const authorizePage = (request: AuthorizeRequest, people: readonly DirectoryPerson[]) => {
  const hidden = hiddenFields(request);
  const directory = people.length
    ? `<ul>${people
        .map(
          (person) => `<li><form method="post">${hidden}
<input type="hidden" name="email" value="${escapeHtml(person.email)}">
<input type="hidden" name="name" value="${escapeHtml(person.name)}">
<input type="hidden" name="roles" value="employee">
<button type="submit">${escapeHtml(person.name)} (${escapeHtml(person.email)})</button></form></li>`,
        )
        .join('')}</ul>`
    : '<p>No one is in the directory yet.</p>';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to Chorus (local)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}
ul{padding:0;list-style:none}li{margin:.5rem 0}button{font:inherit;padding:.5rem 1rem;min-height:44px}
input[type=email],input[type=text]{font:inherit;width:100%;padding:.4rem;box-sizing:border-box}
fieldset{margin:1rem 0}label{display:block;margin:.5rem 0}</style></head>
<body><main>
<h1>Sign in to Chorus (local)</h1>
<p>The local issuer stands in for Cognito’s hosted sign-in. Anyone may be anyone here.</p>
<section aria-labelledby="directory"><h2 id="directory">People in the directory</h2>
<p>Signs in as an employee.</p>${directory}</section>
<section aria-labelledby="someone"><h2 id="someone">Someone else</h2>
<form method="post">${hidden}
<label>Email <input type="email" name="email" required autocomplete="email"></label>
<label>Name <input type="text" name="name" autocomplete="name"></label>
<fieldset><legend>Roles</legend>
${ROLES.map((role) => `<label><input type="checkbox" name="roles" value="${role}"${role === 'employee' ? ' checked' : ''}> ${role}</label>`).join('\n')}
</fieldset>
<button type="submit">Sign in</button>
</form></section>
</main></body></html>`;
};

export interface LocalSignIn {
  control: LocalControl;
}

export const createLocalSignIn = (options: {
  apiUrl: string;
  issuer: LocalIssuer;
  /** People to offer on the page: the directory's, as far as it is small. */
  directory: () => Promise<DirectoryPerson[]>;
  now?: () => number;
}): LocalSignIn => {
  const now = options.now ?? Date.now;
  // The console's app client, registered as Cognito's is in the stack.
  const client = {
    id: LOCAL_AUDIENCE,
    callbackUrls: [`${options.apiUrl}/console/callback`],
    logoutUrls: [`${options.apiUrl}/console/signed-out`],
  };
  const grants = new Map<string, Grant>();

  /** Checks the client and where to send the browser; only then may errors go back there. */
  const checkAuthorize = (
    input: Record<string, unknown>,
  ): { request: AuthorizeRequest } | { refusal: Answer } => {
    if (input.client_id !== client.id) return { refusal: errorPage(400, 'Unknown client_id.') };
    if (
      typeof input.redirect_uri !== 'string' ||
      !client.callbackUrls.includes(input.redirect_uri)
    ) {
      return { refusal: errorPage(400, 'redirect_uri is not one of the client’s callback URLs.') };
    }
    const parsed = AuthorizeRequest.safeParse(input);
    if (!parsed.success) {
      const back = new URL(input.redirect_uri);
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set(
        'error_description',
        'response_type=code with a code_challenge (S256) is required',
      );
      if (typeof input.state === 'string') back.searchParams.set('state', input.state);
      return { refusal: redirect(back.toString()) };
    }
    return { request: parsed.data };
  };

  const grantCode = (request: AuthorizeRequest, person: Person, cookies: string[] = []) => {
    const code = base64url(randomBytes(32));
    grants.set(code, {
      person,
      clientId: request.client_id,
      redirectUri: request.redirect_uri,
      challenge: request.code_challenge,
      expiresAt: now() + CODE_LIFETIME_MS,
    });
    for (const [old, grant] of grants) if (grant.expiresAt < now()) grants.delete(old);
    const back = new URL(request.redirect_uri);
    back.searchParams.set('code', code);
    if (request.state !== undefined) back.searchParams.set('state', request.state);
    return redirect(back.toString(), cookies);
  };

  const control: LocalControl = async (method, path, body, { query, headers }) => {
    if (path === `${LOCAL_SIGN_IN_PATH}/oauth2/authorize` && method === 'GET') {
      const checked = checkAuthorize(Object.fromEntries(query));
      if ('refusal' in checked) return checked.refusal;
      const remembered = checked.request.prompt === 'login' ? undefined : cookieOf(headers.cookie);
      if (remembered) return grantCode(checked.request, remembered);
      const people = await options.directory();
      return { status: 200, headers: PAGE_HEADERS, body: authorizePage(checked.request, people) };
    }
    if (path === `${LOCAL_SIGN_IN_PATH}/oauth2/authorize` && method === 'POST') {
      const form = new URLSearchParams(body);
      const checked = checkAuthorize(Object.fromEntries(form));
      if ('refusal' in checked) return checked.refusal;
      const person = Person.safeParse({
        email: form.get('email') ?? '',
        name: form.get('name') || undefined,
        roles: form.getAll('roles'),
      });
      if (!person.success) {
        return errorPage(400, 'Give an email address and at least one role.');
      }
      const remember = `${COOKIE}=${base64url(Buffer.from(JSON.stringify(person.data)))}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=${30 * 86_400}`;
      return grantCode(checked.request, person.data, [remember]);
    }
    if (path === `${LOCAL_SIGN_IN_PATH}/oauth2/token` && method === 'POST') {
      const parsed = TokenRequest.safeParse(Object.fromEntries(new URLSearchParams(body)));
      if (!parsed.success) {
        return tokenError(
          'invalid_request',
          'grant_type, code, redirect_uri, client_id and code_verifier are required',
        );
      }
      const request = parsed.data;
      const grant = grants.get(request.code);
      // One use, whatever happens next.
      grants.delete(request.code);
      if (!grant || grant.expiresAt < now()) {
        return tokenError('invalid_grant', 'The code is unknown, used or expired');
      }
      if (grant.clientId !== request.client_id) {
        return tokenError('invalid_client', 'The code was issued to another client');
      }
      if (grant.redirectUri !== request.redirect_uri) {
        return tokenError('invalid_grant', 'redirect_uri differs from the authorization request’s');
      }
      const challenge = base64url(createHash('sha256').update(request.code_verifier).digest());
      if (challenge !== grant.challenge) {
        return tokenError('invalid_grant', 'code_verifier does not match the code_challenge');
      }
      const [role = 'employee', ...others] = grant.person.roles;
      const person = {
        role,
        roles: others,
        email: grant.person.email,
        ...(grant.person.name ? { name: grant.person.name } : {}),
      };
      const id = await options.issuer.issue(person);
      const access = await options.issuer.issue({ ...person, tokenUse: 'access' });
      return {
        status: 200,
        headers: { 'cache-control': 'no-store' },
        body: {
          id_token: id.token,
          access_token: access.token,
          token_type: 'Bearer',
          expires_in: Math.round((Date.parse(id.expiresAt) - now()) / 1000),
        },
      };
    }
    if (path === `${LOCAL_SIGN_IN_PATH}/logout` && method === 'GET') {
      if (query.get('client_id') !== client.id) return errorPage(400, 'Unknown client_id.');
      const to = query.get('logout_uri') ?? '';
      if (!client.logoutUrls.includes(to)) {
        return errorPage(400, 'logout_uri is not one of the client’s sign-out URLs.');
      }
      return redirect(to, [`${COOKIE}=; Path=${COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=0`]);
    }
    return undefined;
  };
  return { control };
};
