import type { ConsoleConfig } from '#functions/console/config';
import type { Role } from '#shared/auth/roles';

/**
 * OAuth 2.0 authorization code with PKCE (S256), in the browser: Cognito's hosted sign-in in AWS,
 * the local issuer's pages locally, the same code for both. Tokens live in this module's memory
 * only; a reload signs in again through the authorize endpoint (silently while the sign-in
 * session lasts). Only the PKCE verifier and state wait in sessionStorage across the redirect.
 */

export interface Person {
  sub: string;
  email: string;
  name: string;
  roles: Role[];
}

interface Session {
  idToken: string;
  person: Person;
  expiresAt: number;
}

interface Pending {
  state: string;
  verifier: string;
  returnTo: string;
}

const PENDING_KEY = 'chorus.sign-in';
export const CALLBACK_PATH = '/console/callback';
export const SIGNED_OUT_PATH = '/console/signed-out';

let config: ConsoleConfig | undefined;
let session: Session | undefined;

export class SignInError extends Error {
  override readonly name = 'SignInError';
}

export const loadConfig = async (): Promise<ConsoleConfig> => {
  if (config) return config;
  const answer = await fetch('/console/config.json');
  if (!answer.ok) throw new SignInError(`The console’s settings did not load (${answer.status})`);
  config = (await answer.json()) as ConsoleConfig;
  return config;
};

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

const challengeOf = async (verifier: string) =>
  base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );

const redirectUri = () => `${location.origin}${CALLBACK_PATH}`;

/** Leaves for the sign-in page; comes back to `returnTo` signed in. */
export const startSignIn = async (returnTo = location.pathname + location.search) => {
  const settings = await loadConfig();
  const pending: Pending = { state: randomText(), verifier: randomText(), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(settings.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
};

const claimsOf = (idToken: string): Record<string, unknown> => {
  const payload = idToken.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
};

const personOf = (claims: Record<string, unknown>): Person => {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const groups = claims['cognito:groups'];
  const email = text(claims.email);
  return {
    sub: text(claims.sub),
    email,
    name: text(claims.name) || email,
    roles: (Array.isArray(groups) ? groups : []) as Role[],
  };
};

/** On the callback page: trades the code for tokens, and says where to go next. */
export const completeSignIn = async (): Promise<string> => {
  const settings = await loadConfig();
  const params = new URLSearchParams(location.search);
  const stored = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = stored ? (JSON.parse(stored) as Pending) : undefined;
  const error = params.get('error');
  if (error) {
    throw new SignInError(`Sign-in failed: ${params.get('error_description') ?? error}`);
  }
  const code = params.get('code');
  if (!code || !pending || params.get('state') !== pending.state) {
    throw new SignInError('This sign-in was not started here, or has already been used.');
  }
  const answer = await fetch(settings.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  const tokens = (await answer.json().catch(() => ({}))) as {
    id_token?: string;
    expires_in?: number;
    error_description?: string;
    error?: string;
  };
  if (!answer.ok || !tokens.id_token) {
    throw new SignInError(
      `Sign-in failed: ${tokens.error_description ?? tokens.error ?? answer.status}`,
    );
  }
  session = {
    idToken: tokens.id_token,
    person: personOf(claimsOf(tokens.id_token)),
    expiresAt: Date.now() + (tokens.expires_in ?? 3600) * 1000,
  };
  return pending.returnTo.startsWith('/console') ? pending.returnTo : '/console';
};

/** The ID token for API calls, while it is valid; the API takes no other. */
export const idToken = (): string | undefined =>
  session && session.expiresAt > Date.now() ? session.idToken : undefined;

export const signedInPerson = (): Person | undefined => session?.person;

/** Forgets the tokens here and ends the sign-in session there. */
export const signOut = async () => {
  const settings = await loadConfig();
  session = undefined;
  const url = new URL(settings.logoutUrl);
  url.search = new URLSearchParams({
    client_id: settings.clientId,
    logout_uri: `${location.origin}${SIGNED_OUT_PATH}`,
  }).toString();
  location.assign(url.toString());
};
