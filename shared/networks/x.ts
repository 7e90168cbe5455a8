import { NetworkError } from '#shared/networks/errors';
import {
  bearer,
  describe,
  detailOf,
  type NetworkResponse,
  networkHttp,
  ok,
  refusal,
} from '#shared/networks/http';
import { NETWORK_LIMITS } from '#shared/networks/limits';
import type {
  AccountRef,
  Credentials,
  MetricsReading,
  NetworkAdapter,
} from '#shared/networks/network';
import { authorizationCodeUrl } from '#shared/networks/pkce';
import { RETRY_AFTER_UNKNOWN_OUTCOME } from '#shared/networks/resend';
import type { NetworkSettings } from '#shared/networks/settings';
import { createOutboundClient, type OutboundClient } from '#shared/outbound/client';

type XSettings = NonNullable<NetworkSettings['x']>;

/** Post, read posts and the profile; `offline.access` is what yields a refresh token. */
const SCOPES = 'tweet.read tweet.write users.read offline.access';
const RATE = { resetHeader: 'x-rate-limit-reset', fallbackSeconds: 900 };

interface PublicMetrics {
  like_count?: number;
  retweet_count?: number;
  reply_count?: number;
  quote_count?: number;
  impression_count?: number;
}

interface XUser {
  id: string;
  username: string;
  public_metrics?: { followers_count?: number };
}

const count = (value: number | undefined) => (typeof value === 'number' ? value : 0);

/**
 * X API v2 (../shared/NETWORKS.md): `POST /2/tweets` answers 201 `{data:{id,text}}`. X has no
 * idempotency key and answers a repeated text with 403 and no id, so a publish whose outcome is
 * unknown is never sent again: a person checks the account. Access tokens live 2 hours; the
 * refresh token from `offline.access` renews them. Rate limits reset at `x-rate-limit-reset`
 * (Unix seconds).
 */
const NO_READ_TOKEN = 'no X app bearer token is configured for reading posts';

export const createXNetwork = (
  settings: XSettings,
  now: () => Date,
  outbound: OutboundClient = createOutboundClient(),
): NetworkAdapter => {
  const { send, requestTokens } = networkHttp(outbound);
  // A confidential client proves itself with Basic auth; a public one sends only its id.
  const clientAuth = settings.clientSecret
    ? {
        authorization: `Basic ${Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64')}`,
      }
    : undefined;
  const tokenRequest = (form: Record<string, string>): Promise<Credentials> =>
    requestTokens(
      'x',
      {
        url: `${settings.apiUrl}/2/oauth2/token`,
        ...(clientAuth ? { headers: clientAuth } : {}),
        form: { ...form, client_id: settings.clientId },
      },
      now(),
    );

  const appToken = settings.appBearerToken;
  /**
   * A lookup with the app token, `GET /2/{tweets|users}?ids=` (at most 100) with their
   * public_metrics; a 200 answer's body, found ones under `data`, missing ones under `errors`.
   */
  const readByIds = async (
    resource: 'tweets' | 'users',
    ids: readonly string[],
    token: string,
    at: Date,
  ): Promise<unknown> => {
    const url = new URL(`${settings.apiUrl}/2/${resource}`);
    url.searchParams.set('ids', ids.join(','));
    url.searchParams.set(resource === 'tweets' ? 'tweet.fields' : 'user.fields', 'public_metrics');
    const response = await send('x', {
      method: 'GET',
      url: url.toString(),
      headers: bearer(token),
    });
    if (!ok(response)) throw refusal('x', response, at, RATE);
    return response.body;
  };

  const isDuplicate = (response: NetworkResponse) =>
    response.status === 403 && /duplicate/i.test(detailOf(response));

  return {
    name: 'x',
    label: 'X',
    limits: NETWORK_LIMITS.x,
    connect: 'oauth',
    retryAfterUnknownOutcome: RETRY_AFTER_UNKNOWN_OUTCOME.x,
    metricsBatchSize: 100,

    async publish({ account, text, at }) {
      const token = account.credentials?.accessToken;
      if (!token) throw new NetworkError('auth_expired', 'x: the connection holds no token');
      const response = await send('x', {
        method: 'POST',
        url: `${settings.apiUrl}/2/tweets`,
        headers: bearer(token),
        json: { text },
      });
      const data = (response.body as { data?: { id?: string } } | undefined)?.data;
      if (response.status === 201 && data?.id) {
        return { externalId: data.id, url: `https://x.com/${account.handle}/status/${data.id}` };
      }
      if (isDuplicate(response)) {
        // X says the text exists but not where: only a person can tell whether it is ours.
        throw new NetworkError('duplicate', describe('x', response), { status: 403 });
      }
      throw refusal('x', response, at, RATE);
    },

    engagementUnavailable: () => (appToken ? undefined : NO_READ_TOKEN),

    async fetchMetrics(posts, at) {
      const readings = new Map<string, MetricsReading>();
      if (posts.length === 0) return readings;
      if (!appToken) {
        for (const p of posts)
          readings.set(p.externalId, { kind: 'unavailable', reason: NO_READ_TOKEN });
        return readings;
      }
      const body = (await readByIds(
        'tweets',
        posts.map((p) => p.externalId),
        appToken,
        at,
      )) as {
        data?: { id: string; public_metrics?: PublicMetrics }[];
        errors?: { resource_id?: string; value?: string; type?: string }[];
      };
      for (const post of body.data ?? []) {
        const m = post.public_metrics ?? {};
        readings.set(post.id, {
          kind: 'counts',
          counts: {
            impressions: typeof m.impression_count === 'number' ? m.impression_count : null,
            reactions: count(m.like_count),
            comments: count(m.reply_count),
            reshares: count(m.retweet_count) + count(m.quote_count),
          },
        });
      }
      // X answers 200 and lists deleted posts under `errors` as resource-not-found.
      for (const error of body.errors ?? []) {
        const id = error.resource_id ?? error.value;
        if (id && /not-found/.test(error.type ?? '')) readings.set(id, { kind: 'deleted' });
      }
      return readings;
    },

    // Followers of up to 100 users with the app token: `GET /2/users?ids=` (public_metrics).
    ...(appToken
      ? {
          async fetchAudiences(accounts: readonly AccountRef[], at: Date) {
            const audiences = new Map<string, number>();
            if (accounts.length === 0) return audiences;
            const ids = accounts.map((a) => a.accountId);
            const body = (await readByIds('users', ids, appToken, at)) as {
              data?: XUser[];
            };
            const users = body.data ?? [];
            for (const user of users) {
              const followers = user.public_metrics?.followers_count;
              if (typeof followers === 'number') audiences.set(user.id, followers);
            }
            return audiences;
          },
        }
      : {}),

    async refresh(account) {
      const refreshToken = account.credentials?.refreshToken;
      if (!refreshToken) throw new NetworkError('auth_expired', 'x: no refresh token');
      return tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
    },

    oauth: {
      pkce: true,
      async authorizationUrl({ state, codeChallenge, redirectUri }) {
        return authorizationCodeUrl(`${settings.authUrl}/i/oauth2/authorize`, {
          clientId: settings.clientId,
          redirectUri,
          scope: SCOPES,
          state,
          codeChallenge,
        });
      },
      async exchange({ code, codeVerifier, redirectUri }) {
        const credentials = await tokenRequest({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          code_verifier: codeVerifier,
        });
        const response = await send('x', {
          method: 'GET',
          url: `${settings.apiUrl}/2/users/me?user.fields=public_metrics`,
          headers: bearer(credentials.accessToken),
        });
        const user = (response.body as { data?: XUser } | undefined)?.data;
        if (!ok(response) || !user) throw refusal('x', response, now(), RATE);
        return {
          credentials,
          profile: {
            accountId: user.id,
            handle: user.username,
            audienceSize: count(user.public_metrics?.followers_count),
          },
        };
      },
    },
  };
};
