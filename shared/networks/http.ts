import { NetworkError } from '#shared/networks/errors';
import type { Credentials } from '#shared/networks/network';

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
 * Sends one request to a network. A request that never got an answer (timeout, reset socket)
 * is `outcome_unknown`: for a create, the post may exist. Every answer, error statuses
 * included, comes back for the adapter to read in its network's own terms.
 */
export const send = async (network: string, request: NetworkRequest): Promise<NetworkResponse> => {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  }
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    // The URL is safe to name (no tokens travel in URLs); the error says what broke.
    const reason =
      (error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message;
    throw new NetworkError(
      'outcome_unknown',
      `${network}: ${request.method} ${pathOf(request.url)} got no answer (${reason})`,
    );
  }
  const text = await response.text().catch(() => '');
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

/** A short description of an error answer for logs and share reasons: never a token. */
export const describe = (network: string, response: NetworkResponse): string => {
  const detail =
    field(response.body, 'detail') ??
    field(response.body, 'message') ??
    field(response.body, 'error_description') ??
    field(response.body, 'error') ??
    (typeof response.body === 'string' ? response.body.slice(0, 200) : undefined);
  return `${network}: ${response.status}${detail ? ` ${detail}` : ''}`;
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
): Promise<Credentials> => {
  const response = await send(network, { ...request, method: 'POST' });
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
