import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressRefusal } from '#shared/outbound/address';
import { OutboundError } from '#shared/outbound/errors';

/** Every address a name resolves to (A and AAAA), in the resolver's order. */
export type Resolver = (
  hostname: string,
) => Promise<readonly { address: string; family: number }[]>;

/**
 * What tests and the local runtime pass in code to reach their fakes on loopback: a resolver in
 * place of DNS, and origins (`http://127.0.0.1:4391`) that may be called although they are
 * plain http or private. Deployed functions never pass one.
 */
export interface OutboundSeam {
  resolve?: Resolver;
  allowOrigins?: readonly string[];
}

/** A destination that passed every check: the connection goes to `address` and nowhere else. */
export interface Destination {
  url: URL;
  /** The name for SNI, the Host header and the certificate check. */
  hostname: string;
  address: string;
  family: 4 | 6;
}

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

const refuse = (host: string, why: string) =>
  new OutboundError('refused', `${host} is not a destination Chorus may call (${why})`);

/** Names that mean this machine or a private network whatever DNS says. */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa|localdomain)$/i;

/** The URL's host without brackets or the trailing dot of a fully qualified name. */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');

/**
 * The checks that need no DNS: a parseable http(s) URL without credentials, https unless the
 * seam allows its origin, a name that is not local by definition, an IP literal that is public.
 * Returns the reason to refuse, or undefined.
 */
export const syntacticRefusal = (value: string, seam: OutboundSeam = {}): string | undefined => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a URL';
  }
  if (seam.allowOrigins?.includes(url.origin)) return undefined;
  if (url.protocol !== 'https:') return 'https only';
  if (url.username || url.password) return 'credentials in the URL';
  const host = hostOf(url);
  if (isIP(host)) return addressRefusal(host);
  if (!host.includes('.') || LOCAL_NAME.test(host)) return 'a local name';
  return undefined;
};

/**
 * Checks a URL and resolves its name once. Every address the name resolves to must be public:
 * a name with one private answer is refused, not narrowed to its public ones, since an attacker
 * who controls the zone chooses which answer a client uses. The caller connects to the address
 * returned, so a second lookup (DNS rebinding) never happens.
 */
export const destinationOf = async (
  value: string,
  seam: OutboundSeam = {},
  signal?: AbortSignal,
): Promise<Destination> => {
  const why = syntacticRefusal(value, seam);
  if (why) throw refuse(URL.parse(value)?.host || 'that address', why);
  const url = new URL(value);
  const hostname = hostOf(url);
  const literal = isIP(hostname);
  if (literal) return { url, hostname, address: hostname, family: literal as 4 | 6 };
  let answers: readonly { address: string; family: number }[];
  try {
    answers = await beforeDeadline((seam.resolve ?? systemResolver)(hostname), signal);
  } catch {
    if (signal?.aborted)
      throw new OutboundError('timed_out', `${hostname} did not resolve in time`);
    throw new OutboundError('unreachable', `${hostname} could not be resolved`);
  }
  const first = answers[0];
  if (!first) throw new OutboundError('unreachable', `${hostname} could not be resolved`);
  const allowed = seam.allowOrigins?.includes(url.origin) ?? false;
  for (const { address } of answers) {
    const refusal = allowed ? undefined : addressRefusal(address);
    if (refusal) throw refuse(hostname, `it resolves to a ${refusal} address`);
  }
  return { url, hostname, address: first.address, family: first.family === 6 ? 6 : 4 };
};

/** A resolver that never answers must not outlive the request's one deadline. */
const beforeDeadline = <T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
};
