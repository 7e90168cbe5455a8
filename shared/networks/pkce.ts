import { createHash, randomBytes } from 'node:crypto';

/** An unguessable, URL-safe value: OAuth `state` and PKCE code verifiers (RFC 7636: 43+ chars). */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** The S256 code challenge of a verifier. */
export const codeChallengeOf = (verifier: string): string =>
  createHash('sha256').update(verifier).digest('base64url');

/**
 * The authorization-code URL every OAuth network takes (RFC 6749 §4.1.1), with the PKCE
 * challenge (RFC 7636) where the network verifies one.
 */
export const authorizationCodeUrl = (
  endpoint: string,
  request: {
    clientId: string;
    redirectUri: string;
    scope: string;
    state: string;
    codeChallenge?: string;
  },
): string => {
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: request.scope,
    state: request.state,
    ...(request.codeChallenge
      ? { code_challenge: request.codeChallenge, code_challenge_method: 'S256' }
      : {}),
  }).toString();
  return url.toString();
};
