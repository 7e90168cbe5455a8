import { NetworkError } from '#shared/networks/errors';
import {
  bearer,
  describe,
  detailOf,
  field,
  networkHttp,
  ok,
  refusal,
  secondsToUtcMidnight,
} from '#shared/networks/http';
import { NETWORK_LIMITS } from '#shared/networks/limits';
import { toLittleText } from '#shared/networks/little-text';
import type { Credentials, NetworkAdapter } from '#shared/networks/network';
import { authorizationCodeUrl } from '#shared/networks/pkce';
import { RETRY_AFTER_UNKNOWN_OUTCOME } from '#shared/networks/resend';
import type { NetworkSettings } from '#shared/networks/settings';
import { createOutboundClient, type OutboundClient } from '#shared/outbound/client';

type LinkedInSettings = NonNullable<NetworkSettings['linkedin']>;

/** Post as the member; `openid profile` tells us who they are. Reading needs LinkedIn's approval. */
const SCOPES = 'openid profile w_member_social';
const URN = /urn:li:(?:share|ugcPost):\d+/;

const postUrl = (urn: string) => `https://www.linkedin.com/feed/update/${urn}/`;

/**
 * LinkedIn's Posts API (../shared/NETWORKS.md): `POST /rest/posts` answers 201 with an empty body
 * and the post's URN in `x-restli-id`; a repeat of the same text answers 422 naming the existing
 * post, so a retry after an unknown outcome finds the post instead of making a second one.
 * Access tokens last 60 days; only approved partners get refresh tokens.
 */
const NO_ENGAGEMENT = 'LinkedIn gives this app no engagement figures for personal posts';

export const createLinkedInNetwork = (
  settings: LinkedInSettings,
  now: () => Date,
  outbound: OutboundClient = createOutboundClient(),
): NetworkAdapter => {
  const { send, requestTokens } = networkHttp(outbound);
  const restHeaders = (token: string) => ({
    ...bearer(token),
    'linkedin-version': settings.apiVersion,
    'x-restli-protocol-version': '2.0.0',
  });

  const tokenRequest = (form: Record<string, string>): Promise<Credentials> =>
    requestTokens(
      'linkedin',
      {
        url: `${settings.authUrl}/oauth/v2/accessToken`,
        form: { ...form, client_id: settings.clientId, client_secret: settings.clientSecret },
      },
      now(),
    );

  return {
    name: 'linkedin',
    label: 'LinkedIn',
    limits: NETWORK_LIMITS.linkedin,
    connect: 'oauth',
    retryAfterUnknownOutcome: RETRY_AFTER_UNKNOWN_OUTCOME.linkedin,
    metricsBatchSize: 100,

    async publish({ account, text, at }) {
      const token = account.credentials?.accessToken;
      if (!token || !account.accountId) {
        throw new NetworkError('auth_expired', 'linkedin: the connection holds no token');
      }
      const response = await send('linkedin', {
        method: 'POST',
        url: `${settings.apiUrl}/rest/posts`,
        headers: restHeaders(token),
        json: {
          author: account.accountId,
          commentary: toLittleText(text),
          visibility: 'PUBLIC',
          distribution: {
            feedDistribution: 'MAIN_FEED',
            targetEntities: [],
            thirdPartyDistributionChannels: [],
          },
          lifecycleState: 'PUBLISHED',
          isReshareDisabledByAuthor: false,
        },
      });
      if (response.status === 201) {
        const urn = response.headers.get('x-restli-id') ?? response.headers.get('x-linkedin-id');
        if (!urn) {
          throw new NetworkError('outcome_unknown', 'linkedin: 201 without the post id', {
            status: 201,
          });
        }
        return { externalId: urn, url: postUrl(urn) };
      }
      if (response.status === 422) {
        const existing = detailOf(response).match(URN)?.[0];
        if (existing) {
          throw new NetworkError('duplicate', describe('linkedin', response), {
            status: 422,
            existing: { externalId: existing, url: postUrl(existing) },
          });
        }
      }
      const daily = /\bDAY\b/.test(detailOf(response));
      // A daily quota resets at UTC midnight; any other throttle is short.
      throw refusal('linkedin', response, at, {
        fallbackSeconds: daily ? secondsToUtcMidnight(at) : 60,
      });
    },

    // Reading a member's post statistics needs r_member_postAnalytics, which LinkedIn grants
    // only to vetted partners: say so, never report zeros as if measured.
    engagementUnavailable: () => NO_ENGAGEMENT,

    async fetchMetrics(posts) {
      return new Map(
        posts.map((p) => [p.externalId, { kind: 'unavailable' as const, reason: NO_ENGAGEMENT }]),
      );
    },

    async refresh(account) {
      const refreshToken = account.credentials?.refreshToken;
      if (!refreshToken) {
        throw new NetworkError('auth_expired', 'linkedin: the token expired and cannot be renewed');
      }
      return tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
    },

    oauth: {
      // LinkedIn's web flow checks `state` and the client secret; it has no PKCE for web apps.
      pkce: false,
      async authorizationUrl({ state, redirectUri }) {
        // No challenge: LinkedIn's web flow has no PKCE; `state` and the client secret protect it.
        return authorizationCodeUrl(`${settings.authUrl}/oauth/v2/authorization`, {
          clientId: settings.clientId,
          redirectUri,
          scope: SCOPES,
          state,
        });
      },
      async exchange({ code, redirectUri }) {
        const credentials = await tokenRequest({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
        });
        const response = await send('linkedin', {
          method: 'GET',
          url: `${settings.apiUrl}/v2/userinfo`,
          headers: bearer(credentials.accessToken),
        });
        const sub = field(response.body, 'sub');
        if (!ok(response) || !sub)
          throw refusal('linkedin', response, now(), { fallbackSeconds: 60 });
        return {
          credentials,
          profile: {
            accountId: `urn:li:person:${sub}`,
            handle: field(response.body, 'name') ?? sub,
            // The connection count needs a restricted permission: unknown, not zero followers.
            audienceSize: 0,
          },
        };
      },
    },
  };
};
