import { NetworkError } from '#shared/networks/errors';
import type { Credentials } from '#shared/networks/network';
import type { OutboundClient } from '#shared/outbound/client';
import { isOutboundError } from '#shared/outbound/errors';

/** A network's answer, read once: status, headers and the body as JSON where it is JSON. */
export interface NetworkResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, the text where the body is not JSON, or undefined when there is none. */
  body: unknown;
}

export interface NetworkRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** A JSON body; or `form` for application/x-www-form-urlencoded (OAuth token endpoints). */
  json?: unknown;
  form?: Record<string, string>;
}

/** Long enough for a slow network, short enough that a worker run (30 s) holds several. */
const TIMEOUT_MS = 10_000;

/**
 * Sends one request to a network through the outbound guard (shared/outbound/client.ts), which
 * caps what is read and refuses private destinations. A destination refused is a definite
 * refusal (nothing was sent); a request that never got a whole answer (timeout, reset socket,
 * an answer over the cap) is `outcome_unknown`: for a create, the post may exist. Every answer,
 * error statuses included, comes back for the adapter to read in its network's own terms.
 */
export const send = async (
  network: string,
  request: NetworkRequest,
  outbound: OutboundClient,
): Promise<NetworkResponse> => {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  }
  let response: Awaited<ReturnType<OutboundClient['request']>>;
  try {
    response = await outbound.request({
      method: request.method,
      url: request.url,
      headers,
      ...(body === undefined ? {} : { body }),
      timeoutMs: TIMEOUT_MS,
    });
  } catch (error) {
    if (!isOutboundError(error)) throw error;
    if (error.kind === 'refused')
      throw new NetworkError('rejected', `${network}: ${error.message}`);
    // The path is safe to name (no tokens travel in URLs); the reason is the guard's own words.
    throw new NetworkError(
      'outcome_unknown',
      `${network}: ${request.method} ${pathOf(request.url)} got no answer (${error.message})`,
    );
  }
  const text = response.body.toString('utf8');
  let parsed: unknown;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed };
};

const pathOf = (url: string) => {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
};

/** A field of a JSON error body, whatever shape the network chose. */
export const field = (body: unknown, name: string): string | undefined => {
  if (body && typeof body === 'object' && name in body) {
    const value = (body as Record<string, unknown>)[name];
    return value === undefined || value === null ? undefined : String(value);
  }
  return undefined;
};

/**
 * The network's own words in an error answer, whatever shape it chose: for an adapter to match
 * known answers (a duplicate, a daily quota), never to pass on. A foreign reply could carry
 * anything, so it goes into no message a caller or a log sees.
 */
export const detailOf = (response: NetworkResponse): string =>
  field(response.body, 'detail') ??
  field(response.body, 'message') ??
  field(response.body, 'error_description') ??
  field(response.body, 'error') ??
  (typeof response.body === 'string' ? response.body.slice(0, 500) : '');

const STATUS_WORDS: Record<number, string> = {
  400: 'refused the request',
  401: 'did not accept the sign-in',
  403: 'refused access',
  404: 'did not find it',
  409: 'reported a conflict',
  413: 'found it too large',
  422: 'refused the content',
  429: 'asked us to slow down',
};

/** A short description of an error answer for callers, logs and share reasons, in our words. */
export const describe = (network: string, response: NetworkResponse): string => {
  const words =
    STATUS_WORDS[response.status] ??
    (response.status >= 500 ? 'had a server error' : 'answered unexpectedly');
  return `${network}: ${response.status} (the server ${words})`;
};

/**
 * Seconds to wait, from each network's own reset format (../shared/NETWORKS.md): `Retry-After`
 * in seconds or as an HTTP date; Unix seconds (X `x-rate-limit-reset`, Bluesky
 * `RateLimit-Reset`); an ISO date (Mastodon `X-RateLimit-Reset`). At least one second; the
 * fallback when the network says nothing.
 */
export const waitSeconds = (
  headers: Headers,
  now: Date,
  resetHeader: string | undefined,
  fallback: number,
): number => {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(1, Math.ceil((date - now.getTime()) / 1000));
  }
  const reset = resetHeader ? headers.get(resetHeader) : null;
  if (reset) {
    const asNumber = Number(reset);
    const at = Number.isFinite(asNumber) ? asNumber * 1000 : Date.parse(reset);
    if (Number.isFinite(at)) return Math.max(1, Math.ceil((at - now.getTime()) / 1000));
  }
  return fallback;
};

/** Seconds until the next UTC midnight, when LinkedIn's daily quotas reset. */
export const secondsToUtcMidnight = (now: Date): number => {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
};

/** `Bearer <token>`: one place that builds it, so no adapter ever logs a header it built. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A 2xx status. */
export const ok = (response: NetworkResponse) => response.status >= 200 && response.status < 300;

/** An expiry instant from an OAuth `expires_in` (seconds), if the network gave one. */
export const expiresIn = (body: unknown, name: string, now: Date): string | undefined => {
  const seconds = Number(field(body, name));
  return Number.isFinite(seconds) && seconds > 0
    ? new Date(now.getTime() + seconds * 1000).toISOString()
    : undefined;
};

/**
 * The meaning every network gives the common statuses: 401 an expired or revoked token, 429 a
 * rate limit, 5xx an unknown outcome, any other 4xx a definite refusal. Adapters read their
 * network's special answers (duplicates, Bluesky's 400 ExpiredToken) before calling this.
 */
export const refusal = (
  network: string,
  response: NetworkResponse,
  now: Date,
  rate: { resetHeader?: string; fallbackSeconds: number },
): NetworkError => {
  const message = describe(network, response);
  const status = response.status;
  if (status === 401) return new NetworkError('auth_expired', message, { status });
  if (status === 429) {
    const retryAfterSeconds = waitSeconds(
      response.headers,
      now,
      rate.resetHeader,
      rate.fallbackSeconds,
    );
    return new NetworkError('rate_limited', message, { status, retryAfterSeconds });
  }
  if (status >= 500) return new NetworkError('outcome_unknown', message, { status });
  return new NetworkError('rejected', message, { status });
};

/**
 * A call to an OAuth token endpoint (code exchange or refresh) and its answer as credentials
 * (RFC 6749 §5.1). A refused code or refresh token means the employee has to sign in again.
 */
export const requestTokens = async (
  network: string,
  request: Omit<NetworkRequest, 'method' | 'json'>,
  at: Date,
  outbound: OutboundClient,
): Promise<Credentials> => {
  const response = await send(network, { ...request, method: 'POST' }, outbound);
  const accessToken = field(response.body, 'access_token');
  if (!ok(response) || !accessToken) {
    throw new NetworkError('auth_expired', describe(network, response), {
      status: response.status,
    });
  }
  const refreshToken = field(response.body, 'refresh_token');
  return {
    accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    expiresAt: expiresIn(response.body, 'expires_in', at),
    refreshExpiresAt: expiresIn(response.body, 'refresh_token_expires_in', at),
  };
};

/** `send` and `requestTokens` bound to one outbound client: what an adapter calls. */
export const networkHttp = (outbound: OutboundClient) => ({
  send: (network: string, request: NetworkRequest) => send(network, request, outbound),
  requestTokens: (
    network: string,
    request: Omit<NetworkRequest, 'method' | 'json'>,
    at: Date,
  ): Promise<Credentials> => requestTokens(network, request, at, outbound),
});
