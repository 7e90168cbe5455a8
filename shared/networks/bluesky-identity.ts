import { NetworkError } from '#shared/networks/errors';
import {
  field,
  type NetworkRequest,
  type NetworkResponse,
  ok,
  refusal,
} from '#shared/networks/http';
import type { NetworkSettings } from '#shared/networks/settings';

type Send = (network: string, request: NetworkRequest) => Promise<NetworkResponse>;

/** did:plc is 24 base32 characters; did:web only at a host's root. */
const DID = /^did:(plc:[a-z2-7]{24}|web:[a-z0-9.-]{1,253})$/;
const HANDLE = /^[a-z0-9][a-z0-9.-]{0,251}[a-z0-9]$/i;

const unknown = (what: string) => new NetworkError('rejected', `bluesky: ${what}`, { status: 400 });

/** Bluesky's own rate limit: its reset header, else five minutes. */
export const BLUESKY_RATE = { resetHeader: 'ratelimit-reset', fallbackSeconds: 300 };

/**
 * A busy or failing Bluesky says nothing about what the employee typed: its 429 is a rate limit
 * and its 5xx its silence (our 429 and 502), never "no such account" or "password refused".
 */
export const throwIfUnavailable = (response: NetworkResponse): void => {
  if (response.status === 429 || response.status >= 500) {
    throw refusal('bluesky', response, new Date(), BLUESKY_RATE);
  }
};

/** A handle's DID, from the public resolver the operator configured (the AppView). */
const didOfHandle = async (handle: string, appView: string, send: Send): Promise<string> => {
  if (!HANDLE.test(handle)) throw unknown('that is not a Bluesky handle');
  const response = await send('bluesky', {
    method: 'GET',
    url: `${appView}/xrpc/com.atproto.identity.resolveHandle?handle=${encodeURIComponent(handle)}`,
  });
  throwIfUnavailable(response);
  const did = field(response.body, 'did');
  if (!ok(response) || !did || !DID.test(did)) throw unknown(`no account has the handle ${handle}`);
  return did;
};

/**
 * Where a DID's document lives: the PLC directory for did:plc, the host's well-known file for
 * did:web (host-level only, as the AT Protocol allows).
 */
const documentUrl = (did: string, plcDirectory: string) =>
  did.startsWith('did:plc:')
    ? `${plcDirectory}/${did}`
    : `https://${did.slice('did:web:'.length)}/.well-known/did.json`;

/** The `#atproto_pds` service endpoint of a DID document, as an origin. */
const pdsInDocument = (did: string, document: unknown): string | undefined => {
  if (field(document, 'id') !== did) return undefined;
  const services = (document as { service?: unknown }).service;
  if (!Array.isArray(services)) return undefined;
  const pds = services.find(
    (s) =>
      s &&
      typeof s === 'object' &&
      (s.id === '#atproto_pds' || s.id === `${did}#atproto_pds`) &&
      s.type === 'AtprotoPersonalDataServer' &&
      typeof s.serviceEndpoint === 'string',
  ) as { serviceEndpoint: string } | undefined;
  const url = pds ? URL.parse(pds.serviceEndpoint) : null;
  return url && url.pathname === '/' && !url.search ? url.origin : undefined;
};

/**
 * The account's DID and the PDS that holds it, from its DID document (atproto.com/specs/did):
 * handle → DID through the resolver, DID → document, document → `#atproto_pds`. What the
 * employee typed never chooses where Chorus connects; every call still passes the outbound guard.
 */
export const pdsOfAccount = async (
  identifier: string,
  settings: NetworkSettings['bluesky'],
  send: Send,
): Promise<{ did: string; pds: string }> => {
  const did = identifier.startsWith('did:')
    ? identifier
    : await didOfHandle(identifier.replace(/^@/, ''), settings.appView, send);
  if (!DID.test(did)) throw unknown('that is not a DID Bluesky uses');
  const response = await send('bluesky', {
    method: 'GET',
    url: documentUrl(did, settings.plcDirectory),
  });
  throwIfUnavailable(response);
  const pds = ok(response) ? pdsInDocument(did, response.body) : undefined;
  if (!pds) throw unknown(`the account ${did} names no server it lives on`);
  return { did, pds };
};
