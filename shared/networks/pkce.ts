import { createHash, randomBytes } from 'node:crypto';

/** An unguessable, URL-safe value: OAuth `state` and PKCE code verifiers (RFC 7636: 43+ chars). */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** The S256 code challenge of a verifier. */
export const codeChallengeOf = (verifier: string): string =>
  createHash('sha256').update(verifier).digest('base64url');
