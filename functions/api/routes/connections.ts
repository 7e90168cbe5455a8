import { z } from 'zod';
import { AuthorizeAnswer, ConnectionsAnswer, DisconnectAnswer } from '#functions/api/answers/me';
import { cookiesOf, setCookie } from '#functions/api/cookies';
import { currentEmployee } from '#functions/api/current-employee';
import type { ApiDependencies } from '#functions/api/dependencies';
import { personPage } from '#functions/api/person-page';
import { defineRoute } from '#functions/api/route';
import { connectionEnd } from '#shared/employees/connection-lifetime';
import {
  type Connection,
  Connection as ConnectionSchema,
  SandboxConnectionRequest,
} from '#shared/employees/employee';
import { NotFoundError, UnprocessableError, ValidationError } from '#shared/errors';
import { sha256 } from '#shared/hash';
import { NETWORK_LIMITS } from '#shared/networks/limits';
import type { ConnectedProfile, Credentials, NetworkAdapter } from '#shared/networks/network';
import { NetworkName } from '#shared/networks/network';
import { codeChallengeOf, randomToken } from '#shared/networks/pkce';
import { sandboxAudienceOf } from '#shared/networks/sandbox';
import { pointsForConnecting } from '#shared/recognition/points';
import { SIGN_IN_MINUTES } from '#shared/store/oauth-states';

const NetworkPath = z.strictObject({ network: NetworkName });
const ConnectionAnswer = z.object({ connection: ConnectionSchema });

/** A Mastodon instance or Bluesky PDS, as a host name or https URL. */
const Instance = z.string().trim().min(3).max(200);

const BlueskyConnectionRequest = z.strictObject({
  identifier: z.string().trim().min(3).max(253),
  /** An app password (Settings → App passwords), never the account's own password. */
  appPassword: z
    .string()
    .trim()
    .regex(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/, 'an app password such as abcd-efgh-ijkl-mnop'),
  /**
   * Accepted for older clients and ignored: the PDS Chorus signs in at and posts to is the one
   * the account's DID document names, never a URL from the request.
   */
  service: Instance.optional(),
});

const adapterFor = async (deps: ApiDependencies, network: NetworkName): Promise<NetworkAdapter> => {
  const adapter = (await deps.networks())[network];
  if (!adapter) {
    throw new UnprocessableError(
      `${NETWORK_LIMITS[network].label} is not set up here yet: an admin must add the company’s ${NETWORK_LIMITS[network].label} app`,
    );
  }
  return adapter;
};

const callbackUrl = (deps: ApiDependencies, network: NetworkName) =>
  `${deps.apiUrl}/oauth/${network}/callback`;

/**
 * The cookie that ties a sign-in to the browser that asked for it. Without it, an employee could
 * send their sign-in link to a colleague, and the colleague's account would join the sender's
 * record; with it, only the browser that started (the console, same origin) can finish.
 */
const signInCookie = (network: NetworkName) => `chorus_sign_in_${network}`;

const PLAIN_ERROR_CODE = /^[a-z_]{1,60}$/;

/** Stores a new connection with its tokens sealed; only the handle and status reach the audit log. */
const saveConnection = async (
  deps: ApiDependencies,
  employeeId: string,
  network: NetworkName,
  actor: string,
  signedIn: { credentials: Credentials; profile: ConnectedProfile },
): Promise<Connection> => {
  const at = deps.now();
  const end = connectionEnd(signedIn.credentials);
  const connection: Connection = {
    employeeId,
    network,
    handle: signedIn.profile.handle,
    audienceSize: signedIn.profile.audienceSize,
    status: 'active',
    connectedAt: at.toISOString(),
    accountId: signedIn.profile.accountId,
    ...(signedIn.profile.instance ? { instance: signedIn.profile.instance } : {}),
    ...(end ? { expiresAt: end } : {}),
  };
  const sealed = await deps.credentials.seal(connection, signedIn.credentials);
  await deps.employees.putConnection(connection, actor, at, sealed);
  await recogniseConnecting(deps, connection, at);
  return connection;
};

/** Points for a network's first connection (the entry's id makes a reconnect earn nothing). */
const recogniseConnecting = async (deps: ApiDependencies, connection: Connection, at: Date) => {
  const entry = pointsForConnecting(
    connection.employeeId,
    connection.network,
    at,
    await deps.recognitionPolicies.current(),
  );
  if (entry) await deps.recognition.award(entry);
};

export const connect = defineRoute({
  summary:
    'Connect the sandbox (a handle) or Bluesky (an app password); others sign in via authorize',
  description:
    'Bluesky: the app password is used once to open a session and never stored; the session tokens are kept encrypted. The session is opened at the PDS the account’s DID document names (`service` is ignored). LinkedIn, X and Mastodon answer 422 pointing at POST /me/connections/{network}/authorize.',
  tag: 'me',
  roles: ['employee'],
  params: NetworkPath,
  body: z.union([SandboxConnectionRequest, BlueskyConnectionRequest]),
  response: { status: 200, description: 'The connection', schema: ConnectionAnswer },
  // A social network is called while answering: its rate limit is our 429, its silence our 502.
  callsNetwork: true,
  unprocessable: [
    'The network is not set up here: an admin must add the company’s app (`unprocessable`)',
    'LinkedIn, X and Mastodon connect through POST /me/connections/{network}/authorize (`unprocessable`)',
    'The network refused the credentials (`network_refused`)',
  ],
  async handle({ params, body, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    if (params.network === 'sandbox' && 'handle' in body) {
      const at = deps.now();
      const connection: Connection = {
        employeeId: employee.employeeId,
        network: 'sandbox',
        handle: body.handle,
        audienceSize: sandboxAudienceOf(body.handle),
        status: 'active',
        connectedAt: at.toISOString(),
      };
      await deps.employees.putConnection(connection, caller.userId, at);
      await recogniseConnecting(deps, connection, at);
      return { status: 200, body: { connection } };
    }
    const adapter = await adapterFor(deps, params.network);
    if (!adapter.appPassword) {
      throw new UnprocessableError(
        `Connect ${adapter.label} through its sign-in: POST /me/connections/${params.network}/authorize`,
      );
    }
    if (!('appPassword' in body)) {
      throw new ValidationError(`${adapter.label} needs your handle and an app password`, [
        { field: 'appPassword', message: 'required' },
      ]);
    }
    const signedIn = await adapter.appPassword.login({
      identifier: body.identifier,
      appPassword: body.appPassword,
    });
    const connection = await saveConnection(
      deps,
      employee.employeeId,
      params.network,
      caller.userId,
      signedIn,
    );
    return { status: 200, body: { connection } };
  },
});

export const authorize = defineRoute({
  summary: 'Start connecting LinkedIn, X or Mastodon: where to send my browser to sign in',
  description: `Answers the network's sign-in URL, with a one-time \`state\` and (X, Mastodon) a PKCE challenge; it works for ${SIGN_IN_MINUTES} minutes. Mastodon needs \`instance\`.`,
  tag: 'me',
  roles: ['employee'],
  params: NetworkPath,
  body: z.strictObject({ instance: Instance.optional() }),
  response: {
    status: 200,
    description: 'Open `authorizationUrl` in the browser',
    schema: AuthorizeAnswer,
  },
  // A social network is called while answering: its rate limit is our 429, its silence our 502.
  callsNetwork: true,
  unprocessable: [
    'The network is not set up here: an admin must add the company’s app (`unprocessable`)',
    'The network does not sign in through a browser (`unprocessable`)',
    'The network refused to start a sign-in, e.g. an unknown Mastodon server (`network_refused`)',
  ],
  async handle({ params, body, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const adapter = await adapterFor(deps, params.network);
    if (!adapter.oauth) {
      throw new UnprocessableError(`${adapter.label} does not sign in through a browser`);
    }
    if (params.network === 'mastodon' && !body.instance) {
      throw new ValidationError('Say which Mastodon server you are on', [
        { field: 'instance', message: 'required for Mastodon, e.g. mastodon.social' },
      ]);
    }
    const state = randomToken();
    const verifier = randomToken();
    const browserKey = randomToken();
    const redirectUri = callbackUrl(deps, params.network);
    // Asking for the URL first: for Mastodon it checks and registers the instance.
    const authorizationUrl = await adapter.oauth.authorizationUrl({
      state,
      codeChallenge: codeChallengeOf(verifier),
      redirectUri,
      instance: body.instance,
    });
    const instance = params.network === 'mastodon' ? new URL(authorizationUrl).origin : undefined;
    const expiresAt = new Date(deps.now().getTime() + SIGN_IN_MINUTES * 60_000).toISOString();
    await deps.signIns.begin({
      state,
      browserBinding: sha256(browserKey),
      employeeId: employee.employeeId,
      userId: caller.userId,
      network: params.network,
      sealedVerifier: await deps.credentials.seal(
        { employeeId: employee.employeeId, network: params.network },
        verifier,
      ),
      ...(instance ? { instance } : {}),
      expiresAt,
    });
    const cookie = setCookie(signInCookie(params.network), browserKey, {
      path: new URL(redirectUri).pathname,
      maxAgeSeconds: SIGN_IN_MINUTES * 60,
      secure: redirectUri.startsWith('https:'),
    });
    return { status: 200, body: { authorizationUrl, expiresAt }, cookies: [cookie] };
  },
});

export const oauthCallback = defineRoute({
  summary: 'Where a network sends the browser back after sign-in: a page for a person, not JSON',
  description: `No Chorus token: the one-time \`state\` and the cookie set by authorize in the same browser are the proof. A link opened in another browser connects nothing. Answers an HTML page that says what happened, with the status of what happened (200, 400, 422, 502).`,
  tag: 'me',
  roles: 'public',
  params: NetworkPath,
  query: z.object({
    code: z.string().min(1).max(2000).optional(),
    state: z.string().min(1).max(200),
    error: z.string().max(200).optional(),
    error_description: z.string().max(1000).optional(),
  }),
  response: {
    status: 200,
    description: 'An HTML page: connected, the window can be closed',
    schema: z.string(),
    mediaTypes: ['text/html'],
  },
  // A social network is called while answering: its rate limit is our 429, its silence our 502.
  callsNetwork: true,
  unprocessable: [
    'Sign-in was declined at the network (`unprocessable`)',
    'The network is not set up here: an admin must add the company’s app (`unprocessable`)',
    'The network refused the sign-in code (`network_refused`)',
  ],
  refusalPage: 'Your account is not connected',
  async handle({ params, query, deps, request }) {
    const label = NETWORK_LIMITS[params.network].label;
    const connection = await completeSignIn(deps, params.network, query, request);
    return personPage({
      status: 200,
      title: `${label} is connected`,
      message: `Chorus will share on ${label} as ${connection.handle}, as your settings allow. You can close this window.`,
      next: { href: '/console/me/connections', label: 'Back to my connections' },
    });
  },
});

interface CallbackQuery {
  code?: string;
  state: string;
  error?: string;
}

const completeSignIn = async (
  deps: ApiDependencies,
  network: NetworkName,
  query: CallbackQuery,
  request: Parameters<typeof cookiesOf>[0],
): Promise<Connection> => {
  const browserKey = cookiesOf(request).get(signInCookie(network));
  if (!browserKey) {
    throw new ValidationError(
      'This sign-in was not started in this browser: open Chorus here and connect again',
      [{ field: 'cookie', message: 'the browser that started the sign-in holds it' }],
    );
  }
  const signIn = await deps.signIns.take(query.state, sha256(browserKey), deps.now());
  if (!signIn || signIn.network !== network) {
    throw new ValidationError(
      'This sign-in link is unknown, used, expired or from another browser: start again',
      [{ field: 'query.state', message: 'not a sign-in this browser started' }],
    );
  }
  const label = NETWORK_LIMITS[network].label;
  if (query.error || !query.code) {
    // The network's own words stay out of the page: only a plain error code is named.
    const code = query.error && PLAIN_ERROR_CODE.test(query.error) ? ` (${query.error})` : '';
    throw new UnprocessableError(`${label} did not connect: sign-in was declined${code}`);
  }
  const adapter = await adapterFor(deps, network);
  if (!adapter.oauth)
    throw new UnprocessableError(`${adapter.label} does not sign in through a browser`);
  const codeVerifier = await deps.credentials.open(
    { employeeId: signIn.employeeId, network: signIn.network },
    signIn.sealedVerifier,
  );
  const signedIn = await adapter.oauth.exchange({
    code: query.code,
    codeVerifier,
    redirectUri: callbackUrl(deps, network),
    instance: signIn.instance,
  });
  return saveConnection(deps, signIn.employeeId, network, signIn.userId, signedIn);
};

export const disconnect = defineRoute({
  summary: 'Disconnect one of my networks (its tokens are deleted)',
  tag: 'me',
  roles: ['employee'],
  params: NetworkPath,
  response: {
    status: 200,
    description: 'Disconnected',
    schema: DisconnectAnswer,
  },
  errors: [404],
  async handle({ params, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    if (!(await deps.employees.removeConnection(employee.employeeId, params.network, deps.now()))) {
      throw new NotFoundError('Connection', params.network);
    }
    return { status: 200, body: { disconnected: params.network } };
  },
});

export const listConnections = defineRoute({
  summary: 'My connected networks (never their tokens)',
  tag: 'me',
  roles: ['employee'],
  response: {
    status: 200,
    description: 'The connections',
    schema: ConnectionsAnswer,
  },
  async handle({ caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    return {
      status: 200,
      body: { connections: await deps.employees.listConnections(employee.employeeId) },
    };
  },
});
