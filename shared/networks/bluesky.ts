import { BLUESKY_RATE, pdsOfAccount, throwIfUnavailable } from '#shared/networks/bluesky-identity';
import { facetsOf, recordKeyFor } from '#shared/networks/bluesky-record';
import { NetworkError } from '#shared/networks/errors';
import {
  bearer,
  describe,
  detailOf,
  field,
  type NetworkResponse,
  networkHttp,
  ok,
  refusal,
} from '#shared/networks/http';
import { NETWORK_LIMITS } from '#shared/networks/limits';
import type {
  Account,
  ConnectedProfile,
  Credentials,
  MetricsReading,
  NetworkAdapter,
} from '#shared/networks/network';
import { RETRY_AFTER_UNKNOWN_OUTCOME } from '#shared/networks/resend';
import type { NetworkSettings } from '#shared/networks/settings';
import { createOutboundClient, type OutboundClient } from '#shared/outbound/client';

type BlueskySettings = NetworkSettings['bluesky'];

const POST = 'app.bsky.feed.post';
const RATE = BLUESKY_RATE;

/** When a session JWT stops working, from its own `exp` (read, not verified: it is ours). */
const expiryOf = (jwt: string): string | undefined => {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : undefined;
  } catch {
    return undefined;
  }
};

const sessionCredentials = (body: unknown): Credentials => {
  const accessToken = field(body, 'accessJwt') ?? '';
  const refreshToken = field(body, 'refreshJwt');
  return {
    accessToken,
    ...(refreshToken ? { refreshToken, refreshExpiresAt: expiryOf(refreshToken) } : {}),
    expiresAt: expiryOf(accessToken),
  };
};

/** Bluesky says an expired or bad session with 400 and an error name, not 401. */
const isExpiredSession = (response: NetworkResponse) =>
  (response.status === 400 || response.status === 401) &&
  /^(ExpiredToken|InvalidToken|AuthenticationRequired)$/.test(field(response.body, 'error') ?? '');

const postUrl = (handle: string, uri: string) =>
  `https://bsky.app/profile/${handle}/post/${uri.split('/').pop()}`;

/**
 * Bluesky over the AT Protocol (../shared/NETWORKS.md). The employee gives an app password once;
 * Chorus keeps the session (access JWT ~2 h, refresh JWT ~90 days) and refreshes it rather than
 * logging in again, which is limited to 30 per 5 minutes. Posts are `createRecord` calls with a
 * record key Chorus chooses, so a retry cannot make a second post. Reads go to the public
 * AppView, 25 posts at a time, without a session.
 */
export const createBlueskyNetwork = (
  settings: BlueskySettings,
  outbound: OutboundClient = createOutboundClient(),
): NetworkAdapter => {
  const { send } = networkHttp(outbound);
  const pds = (account: Pick<Account, 'instance'>) => account.instance ?? settings.service;

  const profileOf = async (
    did: string,
    handle: string,
    instance: string,
  ): Promise<ConnectedProfile> => {
    const response = await send('bluesky', {
      method: 'GET',
      url: `${settings.appView}/xrpc/app.bsky.actor.getProfile?actor=${encodeURIComponent(did)}`,
    });
    const followers = Number(field(response.body, 'followersCount'));
    return {
      accountId: did,
      handle,
      audienceSize: ok(response) && Number.isFinite(followers) ? followers : 0,
      instance,
    };
  };

  /**
   * A read of many from the public AppView, without a session (`feed.getPosts` by `uris`,
   * `actor.getProfiles` by `actors`, 25 at most): the list it answers under `list`.
   */
  const readAppView = async (
    method: string,
    param: string,
    values: readonly string[],
    list: string,
    at: Date,
  ): Promise<Record<string, unknown>[]> => {
    const url = new URL(`${settings.appView}/xrpc/app.bsky.${method}`);
    for (const value of values) url.searchParams.append(param, value);
    const response = await send('bluesky', { method: 'GET', url: url.toString() });
    if (!ok(response)) throw refusal('bluesky', response, at, RATE);
    const found = (response.body as Record<string, unknown> | undefined)?.[list];
    return Array.isArray(found) ? found : [];
  };

  return {
    name: 'bluesky',
    label: 'Bluesky',
    limits: NETWORK_LIMITS.bluesky,
    connect: 'app-password',
    retryAfterUnknownOutcome: RETRY_AFTER_UNKNOWN_OUTCOME.bluesky,
    metricsBatchSize: 25,

    async publish({ account, text, idempotencyKey, intentAt, at }) {
      const token = account.credentials?.accessToken;
      if (!token || !account.accountId) {
        throw new NetworkError('auth_expired', 'bluesky: the connection holds no session');
      }
      const rkey = recordKeyFor(intentAt, idempotencyKey);
      const uri = `at://${account.accountId}/${POST}/${rkey}`;
      const facets = facetsOf(text);
      const response = await send('bluesky', {
        method: 'POST',
        url: `${pds(account)}/xrpc/com.atproto.repo.createRecord`,
        headers: bearer(token),
        json: {
          repo: account.accountId,
          collection: POST,
          rkey,
          record: {
            $type: POST,
            text,
            createdAt: intentAt.toISOString(),
            ...(facets.length > 0 ? { facets } : {}),
          },
        },
      });
      if (ok(response)) {
        const created = field(response.body, 'uri') ?? uri;
        return { externalId: created, url: postUrl(account.handle, created) };
      }
      if (isExpiredSession(response)) {
        throw new NetworkError('auth_expired', describe('bluesky', response), {
          status: response.status,
        });
      }
      if (response.status === 400 && /already exists/i.test(detailOf(response))) {
        // Our own record key is taken: an earlier attempt made this very post.
        throw new NetworkError('duplicate', describe('bluesky', response), {
          status: 400,
          existing: { externalId: uri, url: postUrl(account.handle, uri) },
        });
      }
      throw refusal('bluesky', response, at, RATE);
    },

    async fetchMetrics(posts, at) {
      const readings = new Map<string, MetricsReading>();
      if (posts.length === 0) return readings;
      const uris = posts.map((post) => post.externalId);
      for (const post of await readAppView('feed.getPosts', 'uris', uris, 'posts', at)) {
        const n = (name: string) => Number(post[name] ?? 0) || 0;
        readings.set(String(post.uri), {
          kind: 'counts',
          counts: {
            impressions: null,
            reactions: n('likeCount'),
            comments: n('replyCount'),
            reshares: n('repostCount') + n('quoteCount'),
          },
        });
      }
      // A deleted post is simply left out of `posts`.
      for (const post of posts) {
        if (!readings.has(post.externalId)) readings.set(post.externalId, { kind: 'deleted' });
      }
      return readings;
    },

    async fetchAudiences(accounts, at) {
      const audiences = new Map<string, number>();
      if (accounts.length === 0) return audiences;
      // A deleted or taken-down account is simply left out of `profiles`.
      const actors = accounts.map((account) => account.accountId);
      const profiles = await readAppView('actor.getProfiles', 'actors', actors, 'profiles', at);
      for (const profile of profiles) {
        const followers = Number(profile.followersCount);
        if (Number.isFinite(followers)) audiences.set(String(profile.did), followers);
      }
      return audiences;
    },

    async refresh(account) {
      const refreshToken = account.credentials?.refreshToken;
      if (!refreshToken) throw new NetworkError('auth_expired', 'bluesky: no refresh session');
      const response = await send('bluesky', {
        method: 'POST',
        url: `${pds(account)}/xrpc/com.atproto.server.refreshSession`,
        headers: bearer(refreshToken),
      });
      if (!ok(response) || !field(response.body, 'accessJwt')) {
        throw new NetworkError('auth_expired', describe('bluesky', response), {
          status: response.status,
        });
      }
      return sessionCredentials(response.body);
    },

    appPassword: {
      /**
       * Signs in where the account really lives: the PDS its DID document names, never a URL the
       * employee typed (`instance` is ignored). The session must be for that same DID.
       */
      async login({ identifier, appPassword }) {
        const { did, pds } = await pdsOfAccount(identifier, settings, send);
        const response = await send('bluesky', {
          method: 'POST',
          url: `${pds}/xrpc/com.atproto.server.createSession`,
          json: { identifier, password: appPassword },
        });
        throwIfUnavailable(response);
        if (!ok(response) || field(response.body, 'did') !== did) {
          throw new NetworkError('rejected', describe('bluesky', response), {
            status: response.status,
          });
        }
        return {
          credentials: sessionCredentials(response.body),
          profile: await profileOf(did, field(response.body, 'handle') ?? identifier, pds),
        };
      },
    },
  };
};
