import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import {
  type Destination,
  destinationOf,
  type OutboundSeam,
  syntacticRefusal,
} from '#shared/outbound/destination';
import { OutboundError } from '#shared/outbound/errors';

export interface OutboundRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Redirects to follow (at most 3, each hop checked again); none unless the caller says. */
  redirects?: number;
  /** Bytes of the answer's body read at most; a longer answer is cut off and refused. */
  maxBytes?: number;
  /** For the whole exchange, redirects and the body included. */
  timeoutMs?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** Where the answer came from, after any redirect. */
  url: string;
}

export interface OutboundClient {
  request(request: OutboundRequest): Promise<OutboundResponse>;
  /** Why a URL would be refused before any DNS lookup, or undefined: for early answers. */
  refusal(url: string): string | undefined;
}

export const MAX_REDIRECTS = 3;
/** Enough for any JSON a network answers (25 posts, 40 accounts); far below a Lambda's memory. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Headers that carry the caller's authority: never sent on to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** The connection goes to the checked address: Node asks this instead of DNS. */
const pinnedLookup =
  (destination: Destination): LookupFunction =>
  (_hostname, options, callback) => {
    const { address, family } = destination;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };

const headersOf = (message: IncomingMessage): Headers => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
};

/** One request to one checked destination; the body read up to `maxBytes`. */
const exchange = (
  destination: Destination,
  request: OutboundRequest & { maxBytes: number },
  signal: AbortSignal,
): Promise<{ status: number; headers: Headers; body: Buffer; location?: string }> =>
  new Promise((resolve, reject) => {
    const { url } = destination;
    const options: RequestOptions & { servername?: string } = {
      method: request.method,
      host: destination.hostname,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: {
        ...request.headers,
        ...(request.body === undefined
          ? {}
          : { 'content-length': Buffer.byteLength(request.body) }),
      },
      lookup: pinnedLookup(destination),
      // A socket of its own: a pooled one could have been opened under other rules.
      agent: false,
      signal,
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // SNI and the certificate check use the name, not the address connected to.
    if (url.protocol === 'https:' && !isIP(destination.hostname)) {
      options.servername = destination.hostname;
    }
    const outgoing = send(options, (incoming) => {
      const status = incoming.statusCode ?? 0;
      const location = incoming.headers.location;
      if (status >= 300 && status < 400 && location) {
        // A redirect's body is never read.
        incoming.destroy();
        resolve({ status, headers: headersOf(incoming), body: Buffer.alloc(0), location });
        return;
      }
      const declared = Number(incoming.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxBytes) {
        incoming.destroy();
        reject(tooLarge(request.maxBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let read = 0;
      incoming.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > request.maxBytes) {
          // Stop reading: the socket closes and the rest is never buffered.
          incoming.destroy();
          outgoing.destroy();
          reject(tooLarge(request.maxBytes));
          return;
        }
        chunks.push(chunk);
      });
      incoming.on('end', () =>
        resolve({ status, headers: headersOf(incoming), body: Buffer.concat(chunks) }),
      );
      incoming.on('error', (error) => reject(error));
    });
    outgoing.on('error', (error) => reject(error));
    outgoing.end(request.body);
  });

const tooLarge = (maxBytes: number) =>
  new OutboundError('too_large', `the answer was longer than the ${maxBytes} bytes Chorus reads`);

/** The request a redirect asks for: GET after 303 or after a POST moved by 301/302. */
const nextHop = (
  request: OutboundRequest,
  from: URL,
  status: number,
  location: string,
): OutboundRequest => {
  const to = new URL(location, from);
  const asGet = status === 303 || ((status === 301 || status === 302) && request.method === 'POST');
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).filter(
      ([name]) => to.origin === from.origin || !CREDENTIAL_HEADERS.includes(name.toLowerCase()),
    ),
  );
  return {
    ...request,
    url: to.toString(),
    headers,
    ...(asGet ? { method: 'GET', body: undefined } : {}),
  };
};

/**
 * The one HTTP client for every host a user can name (../../shared/ARCHITECTURE.md, "Outbound
 * calls"): https only, every address the name resolves to public, the connection made to the
 * address that was checked, redirects only when asked and each hop checked again, a deadline,
 * and a cap on the bytes read. Errors are OutboundErrors in Chorus's words. The seam is for tests
 * and the local runtime, passed in code.
 */
export const createOutboundClient = (seam: OutboundSeam = {}): OutboundClient => ({
  refusal: (url) => syntacticRefusal(url, seam),

  async request(request) {
    const maxBytes = request.maxBytes ?? DEFAULT_MAX_BYTES;
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const redirects = Math.min(request.redirects ?? 0, MAX_REDIRECTS);
    const signal = AbortSignal.timeout(timeoutMs);
    let current: OutboundRequest = request;
    for (let hop = 0; ; hop++) {
      const destination = await destinationOf(current.url, seam, signal);
      let answer: Awaited<ReturnType<typeof exchange>>;
      try {
        answer = await exchange(destination, { ...current, maxBytes }, signal);
      } catch (error) {
        if (error instanceof OutboundError) throw error;
        if (signal.aborted) {
          throw new OutboundError('timed_out', `${destination.hostname} did not answer in time`);
        }
        throw new OutboundError('unreachable', `${destination.hostname} could not be reached`);
      }
      if (answer.location === undefined) {
        return {
          status: answer.status,
          headers: answer.headers,
          body: answer.body,
          url: current.url,
        };
      }
      if (hop >= redirects) {
        throw new OutboundError(
          'refused',
          redirects === 0
            ? `${destination.hostname} answered with a redirect, which Chorus does not follow here`
            : `${destination.hostname} redirected more than ${redirects} times`,
        );
      }
      current = nextHop(current, destination.url, answer.status, answer.location);
    }
  },
});
