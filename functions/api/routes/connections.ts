import { z } from 'zod';
import { currentEmployee } from '#functions/api/current-employee';
import type { ApiDependencies } from '#functions/api/dependencies';
import { defineRoute } from '#functions/api/route';
import { connectionEnd } from '#shared/employees/connection-lifetime';
import {
  type Connection,
  Connection as ConnectionSchema,
  SandboxConnectionRequest,
} from '#shared/employees/employee';
import { NotFoundError, UnprocessableError, ValidationError } from '#shared/errors';
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
  errors: [422],
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
    schema: z.object({ authorizationUrl: z.string(), expiresAt: z.iso.datetime() }),
  },
  errors: [422],
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
    return { status: 200, body: { authorizationUrl, expiresAt } };
  },
});

export const oauthCallback = defineRoute({
  summary:
    'Where a network sends the browser back after sign-in (no Chorus token: the state is the proof)',
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
    description: 'Connected; the window can be closed',
    schema: z.object({ connected: ConnectionSchema, message: z.string() }),
  },
  errors: [422],
  async handle({ params, query, deps }) {
    const signIn = await deps.signIns.take(query.state, deps.now());
    if (!signIn || signIn.network !== params.network) {
      throw new ValidationError('This sign-in link is unknown, used or expired: start again', [
        { field: 'query.state', message: 'not a sign-in Chorus started' },
      ]);
    }
    if (query.error || !query.code) {
      throw new UnprocessableError(
        `${NETWORK_LIMITS[params.network].label} did not connect: ${query.error_description ?? query.error ?? 'no code was returned'}`,
      );
    }
    const adapter = await adapterFor(deps, params.network);
    if (!adapter.oauth)
      throw new UnprocessableError(`${adapter.label} does not sign in through a browser`);
    const codeVerifier = await deps.credentials.open(
      { employeeId: signIn.employeeId, network: signIn.network },
      signIn.sealedVerifier,
    );
    const signedIn = await adapter.oauth.exchange({
      code: query.code,
      codeVerifier,
      redirectUri: callbackUrl(deps, params.network),
      instance: signIn.instance,
    });
    const connection = await saveConnection(
      deps,
      signIn.employeeId,
      params.network,
      signIn.userId,
      signedIn,
    );
    return {
      status: 200,
      body: {
        connected: connection,
        message: `${adapter.label} is connected as ${connection.handle}. You can close this window.`,
      },
    };
  },
});

export const disconnect = defineRoute({
  summary: 'Disconnect one of my networks (its tokens are deleted)',
  tag: 'me',
  roles: ['employee'],
  params: NetworkPath,
  response: {
    status: 200,
    description: 'Disconnected',
    schema: z.object({ disconnected: NetworkName }),
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
    schema: z.object({ connections: z.array(ConnectionSchema) }),
  },
  async handle({ caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    return {
      status: 200,
      body: { connections: await deps.employees.listConnections(employee.employeeId) },
    };
  },
});
