import { NetworkError } from '#shared/networks/errors';
import { bearer, field, networkHttp, ok, refusal } from '#shared/networks/http';
import { NETWORK_LIMITS } from '#shared/networks/limits';
import type { MetricsReading, NetworkAdapter } from '#shared/networks/network';
import { authorizationCodeUrl } from '#shared/networks/pkce';
import { RETRY_AFTER_UNKNOWN_OUTCOME } from '#shared/networks/resend';
import type { NetworkSettings } from '#shared/networks/settings';
import { createOutboundClient, type OutboundClient } from '#shared/outbound/client';

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
/** `GET /api/v1/statuses?id[]=` takes at most 20 ids, `/api/v1/accounts?id[]=` 40 (Mastodon 4.3+). */
const BATCH = 20;

/**
 * The instance an employee names, as an origin, or undefined when the outbound guard would refuse
 * it before any lookup (not https, an IP literal that is private, `localhost.`, a single label).
 * This is an early, clear answer only: every call still goes through the guard, which resolves
 * the name and refuses private addresses.
 */
export const instanceOrigin = (value: string, outbound: OutboundClient): string | undefined => {
  const url = URL.parse(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
  if (!url || outbound.refusal(url.origin)) return undefined;
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
  settings: MastodonSettings,
  apps: InstanceApps,
  outbound: OutboundClient = createOutboundClient(),
): NetworkAdapter => {
  const { send, requestTokens } = networkHttp(outbound);
  const origin = (instance: string | undefined) => {
    const checked = instance && instanceOrigin(instance, outbound);
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

  /**
   * Entities by id from one instance: `GET {path}?id[]=` takes `BATCH` ids at a time (Mastodon
   * 4.3+); before 4.3 there is no batch read, and each is read alone at `{path}/{id}`. An id left
   * out of the batch answer, or 404 alone, is gone: it maps to undefined.
   */
  const readMany = async (
    instance: string,
    path: string,
    ids: readonly string[],
    at: Date,
  ): Promise<Map<string, Record<string, unknown> | undefined>> => {
    const found = new Map<string, Record<string, unknown> | undefined>();
    for (let start = 0; start < ids.length; start += BATCH) {
      const batch = ids.slice(start, start + BATCH);
      const url = new URL(`${instance}${path}`);
      for (const id of batch) url.searchParams.append('id[]', id);
      const response = await send('mastodon', { method: 'GET', url: url.toString() });
      if (response.status === 404 || (ok(response) && !Array.isArray(response.body))) {
        for (const id of batch) {
          const alone = await send('mastodon', {
            method: 'GET',
            url: `${instance}${path}/${encodeURIComponent(id)}`,
          });
          if (alone.status !== 404 && !ok(alone)) throw refusal('mastodon', alone, at, RATE);
          found.set(id, ok(alone) ? (alone.body as Record<string, unknown>) : undefined);
        }
        continue;
      }
      if (!ok(response)) throw refusal('mastodon', response, at, RATE);
      for (const item of response.body as Record<string, unknown>[])
        found.set(String(item.id), item);
      for (const id of batch) if (!found.has(id)) found.set(id, undefined);
    }
    return found;
  };

  /** Groups what is read by the instance it lives on; what has no instance is `orphans`. */
  const byInstance = <T>(items: readonly T[], where: (item: T) => string | undefined) => {
    const groups = new Map<string, T[]>();
    const orphans: T[] = [];
    for (const item of items) {
      const raw = where(item);
      const instance = raw ? instanceOrigin(raw, outbound) : undefined;
      if (!instance) orphans.push(item);
      else if (groups.has(instance)) groups.get(instance)?.push(item);
      else groups.set(instance, [item]);
    }
    return { groups, orphans };
  };

  return {
    name: 'mastodon',
    label: 'Mastodon',
    limits: NETWORK_LIMITS.mastodon,
    connect: 'oauth',
    retryAfterUnknownOutcome: RETRY_AFTER_UNKNOWN_OUTCOME.mastodon,
    metricsBatchSize: BATCH,
    // Each instance has its own limits and outages: one down must not hold the others.
    readHost: (where) => (where ? instanceOrigin(where, outbound) : undefined),

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
      const { groups, orphans } = byInstance(posts, (post) => post.url);
      for (const post of orphans) {
        readings.set(post.externalId, { kind: 'unavailable', reason: 'the post has no instance' });
      }
      for (const [instance, onInstance] of groups) {
        const ids = onInstance.map((post) => post.externalId);
        for (const [id, status] of await readMany(instance, '/api/v1/statuses', ids, at)) {
          readings.set(id, status ? countsOf(status) : { kind: 'deleted' });
        }
      }
      return readings;
    },

    async fetchAudiences(accounts, at) {
      const audiences = new Map<string, number>();
      const { groups } = byInstance(accounts, (account) => account.instance);
      for (const [instance, onInstance] of groups) {
        const ids = onInstance.map((account) => account.accountId);
        for (const [id, account] of await readMany(instance, '/api/v1/accounts', ids, at)) {
          const followers = Number(account?.followers_count);
          if (account && Number.isFinite(followers)) audiences.set(id, followers);
        }
      }
      return audiences;
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
