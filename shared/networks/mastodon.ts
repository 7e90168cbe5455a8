import { NetworkError } from '#shared/networks/errors';
import { bearer, field, ok, refusal, requestTokens, send } from '#shared/networks/http';
import { NETWORK_LIMITS } from '#shared/networks/limits';
import type { MetricsReading, NetworkAdapter, PostRef } from '#shared/networks/network';
import { authorizationCodeUrl } from '#shared/networks/pkce';
import type { NetworkSettings } from '#shared/networks/settings';

type MastodonSettings = NetworkSettings['mastodon'];

/** Chorus's registration on one instance: Mastodon has no global app, each server has its own. */
export interface InstanceApp {
  clientId: string;
  clientSecret: string;
}

/** Where registrations are kept (DynamoDB, the secret sealed): shared/store/network-apps.ts. */
export interface InstanceApps {
  get(instance: string): Promise<InstanceApp | undefined>;
  /** Keeps the first registration stored for an instance and returns it. */
  keep(instance: string, app: InstanceApp): Promise<InstanceApp>;
}

const SCOPES = 'read:accounts read:statuses write:statuses';
const RATE = { resetHeader: 'x-ratelimit-reset', fallbackSeconds: 300 };
/** `GET /api/v1/statuses?id[]=` takes at most 20 ids (Mastodon 4.3+). */
const BATCH = 20;

/**
 * The instance an employee names, as an origin. Requests go to a server the employee chose, so
 * only public https hosts are accepted (no IP literals, no localhost), unless the operator allows
 * plain local servers for testing.
 */
export const instanceOrigin = (value: string, allowInsecure = false): string | undefined => {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    return undefined;
  }
  if (allowInsecure) return url.origin;
  const host = url.hostname;
  const literalIp = /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':') || host.startsWith('[');
  if (url.protocol !== 'https:' || literalIp || host === 'localhost' || !host.includes('.')) {
    return undefined;
  }
  return url.origin;
};

const countsOf = (status: Record<string, unknown>): MetricsReading => {
  const n = (name: string) => Number(status[name] ?? 0) || 0;
  return {
    kind: 'counts',
    // Mastodon counts no impressions.
    counts: {
      impressions: null,
      reactions: n('favourites_count'),
      comments: n('replies_count'),
      reshares: n('reblogs_count') + n('quotes_count'),
    },
  };
};

/**
 * Mastodon (../shared/NETWORKS.md): `POST /api/v1/statuses` with an `Idempotency-Key` — the same
 * key within about an hour returns the status it created, so a retry after an unknown outcome is
 * safe. Tokens do not expire; a revoked one answers 401. Rate limits reset at the ISO date in
 * `X-RateLimit-Reset`.
 */
export const createMastodonNetwork = (
  settings: MastodonSettings & { allowInsecureInstances?: boolean },
  apps: InstanceApps,
): NetworkAdapter => {
  const origin = (instance: string | undefined) => {
    const checked = instance && instanceOrigin(instance, settings.allowInsecureInstances);
    if (!checked)
      throw new NetworkError('rejected', `mastodon: ${instance} is not a server Chorus may call`);
    return checked;
  };

  const appFor = async (instance: string, redirectUri: string): Promise<InstanceApp> => {
    const known = await apps.get(instance);
    if (known) return known;
    const response = await send('mastodon', {
      method: 'POST',
      url: `${instance}/api/v1/apps`,
      json: {
        client_name: settings.clientName,
        redirect_uris: redirectUri,
        scopes: SCOPES,
        ...(settings.website ? { website: settings.website } : {}),
      },
    });
    const clientId = field(response.body, 'client_id');
    const clientSecret = field(response.body, 'client_secret');
    if (!ok(response) || !clientId || !clientSecret) {
      throw refusal('mastodon', response, new Date(), RATE);
    }
    return apps.keep(instance, { clientId, clientSecret });
  };

  const readOne = async (instance: string, id: string, at: Date): Promise<MetricsReading> => {
    const response = await send('mastodon', {
      method: 'GET',
      url: `${instance}/api/v1/statuses/${encodeURIComponent(id)}`,
    });
    if (response.status === 404) return { kind: 'deleted' };
    if (!ok(response)) throw refusal('mastodon', response, at, RATE);
    return countsOf(response.body as Record<string, unknown>);
  };

  const readInstance = async (
    instance: string,
    posts: readonly PostRef[],
    at: Date,
    readings: Map<string, MetricsReading>,
  ) => {
    for (let start = 0; start < posts.length; start += BATCH) {
      const batch = posts.slice(start, start + BATCH);
      const url = new URL(`${instance}/api/v1/statuses`);
      for (const post of batch) url.searchParams.append('id[]', post.externalId);
      const response = await send('mastodon', { method: 'GET', url: url.toString() });
      if (response.status === 404 || (ok(response) && !Array.isArray(response.body))) {
        // Before 4.3 there is no batch read: one post at a time.
        for (const post of batch)
          readings.set(post.externalId, await readOne(instance, post.externalId, at));
        continue;
      }
      if (!ok(response)) throw refusal('mastodon', response, at, RATE);
      for (const status of response.body as Record<string, unknown>[]) {
        readings.set(String(status.id), countsOf(status));
      }
      // A deleted status is left out of the batch answer.
      for (const post of batch) {
        if (!readings.has(post.externalId)) readings.set(post.externalId, { kind: 'deleted' });
      }
    }
  };

  return {
    name: 'mastodon',
    label: 'Mastodon',
    limits: NETWORK_LIMITS.mastodon,
    connect: 'oauth',
    retryAfterUnknownOutcome: 'idempotent',
    metricsBatchSize: BATCH,

    async publish({ account, text, idempotencyKey, at }) {
      const token = account.credentials?.accessToken;
      if (!token) throw new NetworkError('auth_expired', 'mastodon: the connection holds no token');
      const response = await send('mastodon', {
        method: 'POST',
        url: `${origin(account.instance)}/api/v1/statuses`,
        headers: { ...bearer(token), 'idempotency-key': idempotencyKey },
        json: { status: text, visibility: 'public' },
      });
      const id = field(response.body, 'id');
      if (ok(response) && id) {
        return {
          externalId: id,
          url: field(response.body, 'url') ?? `${account.instance}/statuses/${id}`,
        };
      }
      throw refusal('mastodon', response, at, RATE);
    },

    async fetchMetrics(posts, at) {
      const readings = new Map<string, MetricsReading>();
      const byInstance = new Map<string, PostRef[]>();
      for (const post of posts) {
        const instance = instanceOrigin(post.url, settings.allowInsecureInstances);
        if (!instance) {
          readings.set(post.externalId, {
            kind: 'unavailable',
            reason: 'the post has no instance',
          });
          continue;
        }
        byInstance.set(instance, [...(byInstance.get(instance) ?? []), post]);
      }
      for (const [instance, onInstance] of byInstance)
        await readInstance(instance, onInstance, at, readings);
      return readings;
    },

    oauth: {
      pkce: true,
      async authorizationUrl({ state, codeChallenge, redirectUri, instance }) {
        const server = origin(instance);
        const app = await appFor(server, redirectUri);
        return authorizationCodeUrl(`${server}/oauth/authorize`, {
          clientId: app.clientId,
          redirectUri,
          scope: SCOPES,
          state,
          codeChallenge,
        });
      },
      async exchange({ code, codeVerifier, redirectUri, instance }) {
        const server = origin(instance);
        const app = await apps.get(server);
        if (!app)
          throw new NetworkError('rejected', `mastodon: Chorus is not registered on ${server}`);
        const credentials = await requestTokens(
          'mastodon',
          {
            url: `${server}/oauth/token`,
            form: {
              grant_type: 'authorization_code',
              code,
              client_id: app.clientId,
              client_secret: app.clientSecret,
              redirect_uri: redirectUri,
              code_verifier: codeVerifier,
              scope: SCOPES,
            },
          },
          new Date(),
        );
        const me = await send('mastodon', {
          method: 'GET',
          url: `${server}/api/v1/accounts/verify_credentials`,
          headers: bearer(credentials.accessToken),
        });
        const id = field(me.body, 'id');
        if (!ok(me) || !id) throw refusal('mastodon', me, new Date(), RATE);
        return {
          credentials,
          profile: {
            accountId: id,
            handle: `@${field(me.body, 'username') ?? id}@${new URL(server).host}`,
            audienceSize: Number(field(me.body, 'followers_count')) || 0,
            instance: server,
          },
        };
      },
    },
  };
};
