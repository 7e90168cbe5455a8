import type { ApiEvent } from '#functions/api/http';

/**
 * The request's cookies. HTTP API (payload 2.0) hands them over in `cookies`, one `name=value`
 * each, rather than as a Cookie header; a header is read too, for clients of the event shape
 * that still send one.
 */
export const cookiesOf = (event: ApiEvent): Map<string, string> => {
  const pairs = [...(event.cookies ?? []), ...(event.headers?.cookie?.split(';') ?? [])];
  const cookies = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, pair.slice(at + 1).trim());
  }
  return cookies;
};

export interface CookieOptions {
  /** Only requests under this path carry the cookie back. */
  path: string;
  maxAgeSeconds: number;
  /** Over https only; off for the local runtime's plain-http address. */
  secure: boolean;
}

/**
 * A cookie the browser's scripts cannot read (HttpOnly) and other sites cannot make it send on
 * their requests, except on a top-level navigation back to us (SameSite=Lax), which is exactly
 * how a network's sign-in returns to the callback.
 */
export const setCookie = (name: string, value: string, options: CookieOptions): string =>
  [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
